"""One recorded span: what a request did, from its start to its end."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from .context import SpanContext

SERVER = 2  # SpanKind.SPAN_KIND_SERVER in OTLP
STATUS_UNSET = 0
STATUS_ERROR = 2

AttributeValue = str | bool | int | float


@dataclass
class Event:
    name: str
    time_ns: int
    attributes: dict[str, AttributeValue]


@dataclass
class Span:
    """A SERVER span. ``end()`` hands it to the exporter once; later calls do nothing."""

    context: SpanContext
    parent_span_id: str
    name: str
    attributes: dict[str, AttributeValue]
    start_ns: int = field(default_factory=time.time_ns)
    end_ns: int = 0
    events: list[Event] = field(default_factory=list)
    status_code: int = STATUS_UNSET
    status_message: str = ""
    on_end: Any = None

    def set_route(self, method: str, route: str) -> None:
        """Names the span after the route template that matched (``GET /orders/{id}``), as the HTTP conventions say."""
        self.name = f"{method} {route}"
        self.attributes["http.route"] = route

    def record_exception(self, exc: BaseException) -> None:
        """An ``exception`` event with type, message and stack trace; the span's status becomes ERROR."""
        self.events.append(Event("exception", time.time_ns(), {
            "exception.type": type(exc).__qualname__ if type(exc).__module__ == "builtins" else f"{type(exc).__module__}.{type(exc).__qualname__}",
            "exception.message": str(exc),
            "exception.stacktrace": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        }))
        self.status_code = STATUS_ERROR
        self.status_message = f"{type(exc).__name__}: {exc}"

    def end(self, status: int) -> None:
        """Records the response status (5xx makes the span's status ERROR) and exports the span."""
        if self.end_ns:
            return
        self.end_ns = time.time_ns()
        self.attributes["http.response.status_code"] = status
        if status >= 500:
            self.status_code = STATUS_ERROR
            self.attributes.setdefault("error.type", str(status))
        if self.on_end is not None:
            self.on_end(self)
