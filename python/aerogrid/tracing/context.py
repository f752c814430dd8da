"""W3C Trace Context: the ``traceparent`` a caller sends, and the ids of new spans."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

# version-traceid-parentid-flags; a later version may append fields after the flags (the spec says to read the prefix).
_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_INVALID_TRACE_ID = "0" * 32
_INVALID_SPAN_ID = "0" * 16
# The spec allows 32 list members of up to 256 characters each; anything longer is not passed on.
MAX_TRACESTATE = 32 * 257


@dataclass(frozen=True)
class SpanContext:
    """What identifies a span across processes: ids in lowercase hex, the sampled flag, the vendors' tracestate."""

    trace_id: str
    span_id: str
    sampled: bool
    trace_state: str = ""

    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{'01' if self.sampled else '00'}"


def parse_traceparent(traceparent: str | None, tracestate: str | None = None) -> SpanContext | None:
    """The caller's span from its headers; None when absent or malformed (the request then starts a new trace)."""
    if not traceparent:
        return None
    found = _TRACEPARENT.fullmatch(traceparent.strip())
    if found is None:
        return None
    version, trace_id, span_id, flags, rest = found.groups()
    if version == "ff" or (version == "00" and rest) or trace_id == _INVALID_TRACE_ID or span_id == _INVALID_SPAN_ID:
        return None
    state = (tracestate or "").strip()
    return SpanContext(trace_id, span_id, bool(int(flags, 16) & 1), state if len(state) <= MAX_TRACESTATE else "")


def new_trace_id() -> str:
    while True:
        value = os.urandom(16).hex()
        if value != _INVALID_TRACE_ID:
            return value


def new_span_id() -> str:
    while True:
        value = os.urandom(8).hex()
        if value != _INVALID_SPAN_ID:
            return value
