"""The App: routes, grids, topics and streams, served over HTTP on $PORT."""

from __future__ import annotations

import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from . import live, tracing
from .records import R
from .web import EventStream, HTTPError, Request, Response, Route, Server, error_response, to_response

F = TypeVar("F", bound=Callable[..., Any])

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_RESERVED = ("/healthz", "/grids", "/topics")
# The platform's own calls (readiness probes, every few seconds) are not the app's traffic: no spans.
_UNTRACED = frozenset({"/healthz"})

_last_app: App | None = None


def last_app() -> App | None:
    """The App constructed last in this process (what ``python -m aerogrid`` serves)."""
    return _last_app


class App:
    """An AeroGrid app: HTTP routes plus live data, served by ``python -m aerogrid``.

    ```
    app = App()

    @app.get("/orders/{id}")
    def get_order(request, id: int): ...
    ```

    Handlers return a dict/list/Record (JSON), str (text), bytes, None (204) or
    a ``Response``; raise ``HTTPError`` for error statuses. Built in:
    ``GET /healthz``, ``GET /grids``, ``GET /grids/{name}``,
    ``GET /grids/{name}/events``, ``GET /topics``, ``GET /topics/{name}/events``
    (these paths are reserved).
    """

    def __init__(self, name: str | None = None) -> None:
        global _last_app
        self.name = name or os.path.splitext(os.path.basename(sys.argv[0] or ""))[0] or "app"
        #: Seconds of silence after which an event stream sends a keep-alive comment.
        self.sse_keepalive = float(os.environ.get("AEROGRID_SSE_KEEPALIVE") or 15)
        self._routes: list[Route] = []
        self._builtins = [
            Route(["GET"], "/healthz", self._healthz),
            Route(["GET"], "/grids", self._list_grids),
            Route(["GET"], "/grids/{name}", self._grid_snapshot),
            Route(["GET"], "/grids/{name}/events", self._grid_events),
            Route(["GET"], "/topics", self._list_topics),
            Route(["GET"], "/topics/{name}/events", self._topic_events),
        ]
        self._grids: dict[str, live.Grid[Any]] = {}
        self._topics: dict[str, live.Topic] = {}
        self._streams: list[live.Stream] = []
        self._lock = threading.Lock()
        self._server: Server | None = None
        self._tracer: tracing.Tracer | None = None
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._signalled = False
        _last_app = self

    # ----- routes -----

    def route(self, path: str, methods: Iterable[str] = ("GET",)) -> Callable[[F], F]:
        """Register the decorated function for ``methods`` on ``path`` (``{name}`` segments are parameters)."""
        if any(path == r or path.startswith(r + "/") for r in _RESERVED):
            raise ValueError(f"{path!r} is reserved by aerogrid")

        def decorate(handler: F) -> F:
            self._routes.append(Route(methods, path, handler))
            return handler

        return decorate

    def get(self, path: str) -> Callable[[F], F]:
        """Register a GET handler."""
        return self.route(path, ["GET"])

    def post(self, path: str) -> Callable[[F], F]:
        """Register a POST handler."""
        return self.route(path, ["POST"])

    def put(self, path: str) -> Callable[[F], F]:
        """Register a PUT handler."""
        return self.route(path, ["PUT"])

    def delete(self, path: str) -> Callable[[F], F]:
        """Register a DELETE handler."""
        return self.route(path, ["DELETE"])

    # ----- live data -----

    def Grid(self, name: str, record_type: type[R], key: str = "id") -> live.Grid[R]:  # noqa: N802 - reads as a constructor
        """Create the live grid ``name`` of ``record_type`` rows keyed by field ``key``."""
        _check_name(name)
        with self._lock:
            if name in self._grids:
                raise ValueError(f"grid {name!r} already exists")
            grid = self._grids[name] = live.Grid(name, record_type, key)
        return grid

    def topic(self, name: str) -> live.Topic:
        """The topic ``name`` (created on first use)."""
        _check_name(name)
        with self._lock:
            if name not in self._topics:
                self._topics[name] = live.Topic(name)
            return self._topics[name]

    def stream(self, name: str, interval: float | None = None) -> Callable[[F], F]:
        """Run the decorated function or generator in a background thread while the app
        serves, publishing what it returns or yields to topic ``name`` (see ``live.Stream``)."""
        topic = self.topic(name)

        def decorate(fn: F) -> F:
            producer = live.Stream(topic, fn, interval)
            self._streams.append(producer)
            if self._server is not None and not self._stopping.is_set():
                producer.start(self._stopping)
            return fn

        return decorate

    # ----- requests -----

    def handle(self, request: Request) -> Response | EventStream:
        """Answer one request: built-in endpoints first, then the app's routes."""
        return self._dispatch(request, None)

    def _serve(self, request: Request) -> Response | EventStream:
        """``handle`` with a SERVER span around it when tracing is on.

        An event stream's span ends when the stream does (the client leaves, or the app stops), as an HTTP server's
        span ends with its response: its duration is how long the client listened, and the gateway's span of the same
        call ends then too.
        """
        tracer = self._tracer
        span = None
        if tracer is not None and request.path not in _UNTRACED and self._server is not None:
            span = tracer.start_server_span(request.method, request.path, request.headers, self._server.server_address[:2])
        if span is None:
            return self._dispatch(request, None)
        result = self._dispatch(request, span)
        if isinstance(result, EventStream):
            stream, ended = result, span

            def close() -> None:
                stream.close()
                ended.end(200)

            return EventStream(stream.chunks, close)
        span.end(result.status)
        return result

    def _dispatch(self, request: Request, span: tracing.Span | None) -> Response | EventStream:
        path = request.path.rstrip("/") or "/"
        allowed: set[str] = set()
        for route in (*self._builtins, *self._routes):
            params = route.match(path)
            if params is None:
                continue
            if request.method not in route.methods:
                allowed |= route.methods
                continue
            request.params = params
            if span is not None:
                span.set_route(request.method, route.path)
            try:
                result = route.call(request, params)
                return result if isinstance(result, EventStream) else to_response(result)
            except HTTPError as exc:
                return error_response(exc.status, exc.message)
            except Exception as exc:
                if span is not None:
                    span.record_exception(exc)
                print(f"aerogrid: error in {request.method} {request.path}:", file=sys.stderr, flush=True)
                traceback.print_exc()
                return error_response(500, str(exc) or type(exc).__name__, type=type(exc).__name__)
        if allowed:
            response = error_response(405, "method not allowed")
            response.headers["Allow"] = ", ".join(sorted(allowed))
            return response
        return error_response(404, "not found", path=request.path)

    def _healthz(self) -> dict[str, str]:
        return {"status": "ok"}

    def _list_grids(self) -> dict[str, Any]:
        grids = list(self._grids.values())
        return {"grids": [{"name": g.name, "key": g.key, "columns": g.columns(), "rows": len(g), "version": g.version} for g in grids]}

    def _grid_snapshot(self, name: str) -> dict[str, Any]:
        return self._grid(name).snapshot()

    def _grid_events(self, name: str, request: Request) -> EventStream:
        subscription = self._grid(name).subscribe(request.headers.get("Last-Event-ID"))
        return EventStream(subscription.messages(self.sse_keepalive), subscription.close)

    def _list_topics(self) -> dict[str, Any]:
        return {"topics": [{"name": t.name, "published": t.published} for t in list(self._topics.values())]}

    def _topic_events(self, name: str, request: Request) -> EventStream:
        if name not in self._topics:
            raise HTTPError(404, f"no topic named {name!r}")
        subscription = self._topics[name].subscribe(request.headers.get("Last-Event-ID"))
        return EventStream(subscription.messages(self.sse_keepalive), subscription.close)

    def _grid(self, name: str) -> live.Grid[Any]:
        if name not in self._grids:
            raise HTTPError(404, f"no grid named {name!r}")
        return self._grids[name]

    # ----- serving -----

    @property
    def started(self) -> bool:
        """Whether ``start()`` (or ``run()``) has been called."""
        return self._server is not None

    @property
    def url(self) -> str:
        """The address being served, e.g. ``http://127.0.0.1:8000``."""
        if self._server is None:
            raise RuntimeError("the app is not serving")
        host, port = self._server.server_address[:2]
        return f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"

    def start(self, host: str | None = None, port: int | None = None) -> str:
        """Serve in background threads and start the streams; returns the URL.

        ``host`` defaults to ``$AEROGRID_HOST`` or 127.0.0.1, ``port`` to ``$PORT``
        or 8000 (0 picks a free port). An app serves once.
        """
        host = host or os.environ.get("AEROGRID_HOST") or "127.0.0.1"
        port = int(os.environ.get("PORT") or 8000) if port is None else port
        with self._lock:
            if self._server is not None:
                raise RuntimeError("the app is already serving")
            self._tracer = tracing.start()  # here, not at import: a forked child starts its own, with its own variables
            self._server = Server((host, port), self._serve)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="aerogrid-http", daemon=True).start()
        for producer in self._streams:
            producer.start(self._stopping)
        _notify_ready()
        return self.url

    def stop(self, grace: float = 2.0) -> None:
        """Stop gracefully: no new connections, end event streams and producers,
        let requests in flight finish (waiting at most ``grace`` seconds)."""
        with self._lock:
            server = self._server
            if server is None or self._stopping.is_set():
                return
            self._stopping.set()
        deadline = time.monotonic() + grace
        server.stopping = True
        for owner in [*self._grids.values(), *self._topics.values()]:
            owner.close()
        server.shutdown()
        server.wait_idle(max(0.0, deadline - time.monotonic()))
        server.server_close()
        for producer in self._streams:
            producer.join(max(0.0, min(0.5, deadline - time.monotonic())))
        tracing.shutdown(max(0.5, deadline - time.monotonic()))  # the last spans, the streams' among them
        self._stopped.set()

    def run(self, host: str | None = None, port: int | None = None) -> None:
        """Serve until SIGTERM or SIGINT (or ``stop()``), then stop gracefully."""
        restore = self._handle_signals()  # before the 'serving' line: a SIGTERM right after it must stop gracefully
        try:
            url = self.start(host, port)
            print(f"aerogrid: serving {os.path.basename(sys.argv[0] or self.name)} on {url}", flush=True)
            # Poll a flag the signal handler sets: taking a lock inside a signal handler can deadlock.
            while not self._signalled and not self._stopped.wait(0.1):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
            restore()

    def _handle_signals(self) -> Callable[[], None]:
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def on_signal(signum: int, frame: Any) -> None:
            self._signalled = True

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}

        def restore() -> None:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        return restore


def _notify_ready() -> None:
    """Tell the platform the app listens (systemd's notify protocol), so it need not poll ``/healthz``."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    if address.startswith("@"):
        address = "\0" + address[1:]  # an abstract socket
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
            notify.connect(address)
            notify.sendall(f"READY=1\nMAINPID={os.getpid()}\n".encode())
    except OSError:
        pass  # nobody listens: readiness is then found by polling


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"invalid name {name!r}: use letters, digits, '_', '.' and '-'")
