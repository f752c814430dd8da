"""HTTP plumbing on the standard library: requests, responses, routes and a threaded server."""

from __future__ import annotations

import inspect
import json
import re
import socket
import socketserver
import sys
import threading
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .records import dumps

MAX_BODY_BYTES = 10 * 1024 * 1024


class HTTPError(Exception):
    """Raise in a handler to answer with ``status`` and a JSON body ``{"error": message}``."""

    def __init__(self, status: int, message: str | None = None) -> None:
        self.status = status
        self.message = message or HTTPStatus(status).phrase
        super().__init__(self.message)


class Headers(Mapping[str, str]):
    """Read-only HTTP headers with case-insensitive names; repeated headers are joined with ", "."""

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items: dict[str, tuple[str, str]] = {}
        for name, value in pairs:
            key = name.lower()
            if key in self._items:
                value = f"{self._items[key][1]}, {value}"
            self._items[key] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


class Request:
    """An HTTP request as a handler sees it.

    ``method``, ``path`` (without the query string), ``query`` (name -> value;
    the last one wins when repeated), ``headers`` (case-insensitive),
    ``body`` (bytes), ``params`` (the path parameters), ``text`` and ``json()``.
    """

    def __init__(
        self,
        method: str = "GET",
        path: str = "/",
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.method = method.upper()
        self.path = path
        self.query: dict[str, str] = dict(query or {})
        self.headers: Mapping[str, str] = headers if isinstance(headers, Headers) else Headers(headers or {})
        self.body = body
        self.params: dict[str, Any] = dict(params or {})

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON (None when empty); invalid JSON answers 400."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise HTTPError(400, f"invalid JSON body: {exc}") from None

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path}>"


class Response:
    """An explicit response.

    ``body``: dict, list or Record -> JSON; str -> text/plain; bytes -> sent as
    is (application/octet-stream unless ``headers`` says otherwise); None -> empty.
    """

    def __init__(self, status: int = 200, body: Any = None, headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers: dict[str, str] = dict(headers or {})

    def encoded(self) -> Response:
        """This response with its body as bytes and a Content-Type header."""
        if self.body is None:
            body, content_type = b"", None
        elif isinstance(self.body, (bytes, bytearray)):
            body, content_type = bytes(self.body), "application/octet-stream"
        elif isinstance(self.body, str):
            body, content_type = self.body.encode("utf-8"), "text/plain; charset=utf-8"
        else:
            body, content_type = dumps(self.body).encode("utf-8"), "application/json"
        headers = dict(self.headers)
        if content_type and not any(name.lower() == "content-type" for name in headers):
            headers["Content-Type"] = content_type
        return Response(self.status, body, headers)

    def __repr__(self) -> str:
        return f"<Response {self.status}>"


def to_response(result: Any) -> Response:
    """What a handler returned, as an encoded Response (None -> 204 No Content)."""
    if isinstance(result, Response):
        return result.encoded()
    if result is None:
        return Response(204)
    return Response(200, result).encoded()


def error_response(status: int, message: str, **extra: Any) -> Response:
    return Response(status, {"error": message, **extra}).encoded()


class EventStream:
    """A response streaming Server-Sent Events: encoded chunks until the iterator ends."""

    def __init__(self, chunks: Iterator[bytes], close: Callable[[], None]) -> None:
        self.chunks = chunks
        self.close = close


_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Route:
    """A path pattern like ``/orders/{id}`` bound to a handler.

    Path parameters are passed to the handler as keyword arguments (converted
    to ``int``/``float`` when the handler annotates them so; a value that does
    not convert does not match). The handler's first other parameter, if any,
    receives the Request.
    """

    def __init__(self, methods: Iterable[str], path: str, handler: Callable[..., Any]) -> None:
        if not path.startswith("/"):
            raise ValueError(f"route path must start with '/': {path!r}")
        self.methods = frozenset(m.upper() for m in methods)
        self.path = path
        self.handler = handler
        parts = _PARAM.split(path)
        self.names: list[str] = parts[1::2]
        self._regex = re.compile(
            "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts))
        )
        signature = inspect.signature(handler)
        try:
            hints = typing.get_type_hints(handler)
        except Exception:
            hints = {}
        self._converters = {name: hints[name] for name in self.names if hints.get(name) in (int, float)}
        self._request_param: inspect.Parameter | None = None
        takes_kwargs = False
        for param in signature.parameters.values():
            if param.kind is param.VAR_KEYWORD:
                takes_kwargs = True
            elif param.name in self.names or param.kind is param.VAR_POSITIONAL:
                continue
            elif self._request_param is None:
                self._request_param = param
            elif param.default is param.empty:
                raise TypeError(f"{handler.__qualname__}(): parameter {param.name!r} is not a path parameter of {path!r}")
        missing = [n for n in self.names if n not in signature.parameters and not takes_kwargs]
        if missing:
            raise TypeError(f"{handler.__qualname__}() does not accept path parameter(s) {', '.join(missing)} of {path!r}")

    def match(self, path: str) -> dict[str, Any] | None:
        """The path parameters if ``path`` matches, else None."""
        found = self._regex.fullmatch(path)
        if found is None:
            return None
        params: dict[str, Any] = {}
        for name, raw in found.groupdict().items():
            value: Any = unquote(raw)
            if name in self._converters:
                try:
                    value = self._converters[name](value)
                except ValueError:
                    return None
            params[name] = value
        return params

    def call(self, request: Request, params: Mapping[str, Any]) -> Any:
        kwargs = dict(params)
        param = self._request_param
        if param is None:
            return self.handler(**kwargs)
        if param.kind is param.POSITIONAL_ONLY:
            return self.handler(request, **kwargs)
        kwargs[param.name] = request
        return self.handler(**kwargs)


class _Handler(BaseHTTPRequestHandler):
    """Turns each HTTP request into a Request, asks the server's app, writes the answer."""

    protocol_version = "HTTP/1.1"
    server_version = "aerogrid"
    disable_nagle_algorithm = True  # small writes (headers, SSE events) go out at once
    timeout = 60  # idle keep-alive connections are closed after this
    server: Server

    def version_string(self) -> str:
        return self.server_version

    def _handle(self) -> None:
        with self.server.in_flight():
            try:
                request = self._read_request()
            except HTTPError as exc:
                self.close_connection = True  # the body may be unread
                self._send(error_response(exc.status, exc.message))
                return
            result = self.server.app_handler(request)
            if isinstance(result, EventStream):
                self._send_events(result)
            else:
                self._send(result)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def _read_request(self) -> Request:
        url = urlsplit(self.path)
        return Request(
            self.command,
            url.path or "/",
            dict(parse_qsl(url.query, keep_blank_values=True)),
            Headers(self.headers.items()),
            self._read_body(),
        )

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise HTTPError(400, "invalid Content-Length") from None
        if length > MAX_BODY_BYTES:
            raise HTTPError(413)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks, total = [], 0
        while True:
            try:
                size = int(self.rfile.readline(1024).split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise HTTPError(400, "invalid chunked body") from None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise HTTPError(413)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _send(self, response: Response) -> None:
        response = response.encoded()
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.status not in (204, 304):
            self.send_header("Content-Length", str(len(response.body)))
        if self.server.stopping:
            self.send_header("Connection", "close")
        self.end_headers()
        if response.body:
            self.wfile.write(response.body)

    def _send_events(self, stream: EventStream) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("X-Accel-Buffering", "no")
            self.send_header("Connection", "close")  # the stream ends when the connection does
            self.end_headers()
            self.wfile.write(b"retry: 2000\n\n")
            for chunk in stream.chunks:
                self.wfile.write(chunk)
        except OSError:
            pass  # the client went away
        finally:
            stream.close()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No access log: the platform's gateway keeps one."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if format.startswith("Request timed out"):
            return  # an idle keep-alive connection, not an error
        sys.stderr.write(f"aerogrid: {self.address_string()}: {format % args}\n")


class Server(ThreadingHTTPServer):
    """A threaded HTTP server answering with ``app_handler`` and counting requests in flight."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], app_handler: Callable[[Request], Response | EventStream]) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.app_handler = app_handler
        self.stopping = False
        self._active = 0
        self._idle = threading.Condition()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind also does a reverse DNS lookup (getfqdn) that can be slow; skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    @contextmanager
    def in_flight(self) -> Iterator[None]:
        with self._idle:
            self._active += 1
        try:
            yield
        finally:
            with self._idle:
                self._active -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no request is being handled; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._active == 0, timeout)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # a client disconnected mid-request
        super().handle_error(request, client_address)
