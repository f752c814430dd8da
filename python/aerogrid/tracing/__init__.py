"""Traces into the app: each request continues its caller's trace as a SERVER span, exported over OTLP/HTTP.

Standard library only, configured by the standard ``OTEL_*`` variables (see ``settings.py`` and the platform's
docs/telemetry.md). The tracer of a process starts when its App starts serving, so in a process forked from the warm
interpreter (``aerogrid.forkserver``) it starts in the child, with the child's variables: threads do not survive
``fork()``, and a tracer inherited through one is replaced, never used.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping

from .context import SpanContext, new_span_id, new_trace_id, parse_traceparent
from .export import BatchExporter
from .settings import TraceSettings
from .span import Span

__all__ = ["BatchExporter", "Span", "SpanContext", "TraceSettings", "Tracer", "current", "shutdown", "start"]

VERSION = "0.1.0"


class Tracer:
    """Makes the request spans of one process and hands the sampled ones to its exporter."""

    def __init__(self, settings: TraceSettings, exporter: BatchExporter | None = None) -> None:
        self.settings = settings
        self.exporter = exporter or BatchExporter(settings, resource(settings), VERSION)

    def start_server_span(self, method: str, path: str, headers: Mapping[str, str], local: tuple[str, int]) -> Span | None:
        """The span of one request, or None when the sampler drops it. Named ``METHOD`` until a route matches."""
        parent = parse_traceparent(headers.get("traceparent"), headers.get("tracestate"))
        trace_id = parent.trace_id if parent else new_trace_id()
        if not self.settings.sampler.should_sample(trace_id, parent):
            return None
        address, port = _server_address(headers.get("host"), local)
        attributes: dict[str, str | bool | int | float] = {
            "http.request.method": method,
            "url.path": path,
            "url.scheme": "http",
            "server.address": address,
            "server.port": port,
            "network.protocol.version": "1.1",
        }
        if agent := headers.get("user-agent"):
            attributes["user_agent.original"] = agent
        context = SpanContext(trace_id, new_span_id(), True, parent.trace_state if parent else "")
        return Span(context, parent.span_id if parent else "", method, attributes, on_end=self.exporter.add)


def resource(settings: TraceSettings) -> dict[str, str | bool | int | float]:
    """The process's resource: the configured attributes over what the SDK knows about itself."""
    found: dict[str, str | bool | int | float] = {
        "service.name": "unknown_service:python",
        "telemetry.sdk.name": "aerogrid",
        "telemetry.sdk.language": "python",
        "telemetry.sdk.version": VERSION,
        "process.pid": os.getpid(),
        "process.runtime.name": sys.implementation.name,
        "process.runtime.version": platform.python_version(),
    }
    found.update(settings.resource)
    return found


def _server_address(host: str | None, local: tuple[str, int]) -> tuple[str, int]:
    """server.address and server.port as the client addressed them (the Host header), else the listening socket's."""
    if host:
        name, sep, port = host.rpartition(":")
        if sep and port.isdigit() and not name.endswith(":"):
            return name.strip("[]"), int(port)
        return host.strip("[]"), 80
    return str(local[0]), int(local[1])


_tracer: Tracer | None = None


def start(environ: Mapping[str, str] | None = None) -> Tracer | None:
    """This process's tracer, made from the variables on first call (None when traces are off)."""
    global _tracer
    if _tracer is None:
        settings = TraceSettings.from_environ(environ, warn=lambda message: print(f"aerogrid: tracing: {message}", file=sys.stderr, flush=True))
        _tracer = Tracer(settings) if settings else None
    return _tracer


def current() -> Tracer | None:
    return _tracer


def shutdown(timeout: float) -> None:
    """Exports the spans still queued (at most ``timeout`` seconds), before the process exits."""
    if _tracer is not None:
        _tracer.exporter.shutdown(timeout)


def _forget_after_fork() -> None:
    # The exporter's thread did not come along, and the spans queued belong to the parent, which exports them.
    global _tracer
    _tracer = None


os.register_at_fork(after_in_child=_forget_after_fork)
