"""Spans as an OTLP ``ExportTraceServiceRequest``, in protobuf or in OTLP's JSON.

The protobuf messages are written by hand: the standard library has no protobuf, and the few messages of a trace
export (ResourceSpans, ScopeSpans, Span, Event, Status, KeyValue, AnyValue) are short. Field numbers follow
opentelemetry-proto's ``trace/v1/trace.proto``, ``common/v1/common.proto`` and ``resource/v1/resource.proto``.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable, Mapping
from typing import Any

from .span import AttributeValue, Span

SCOPE_NAME = "aerogrid"


def encode(spans: Iterable[Span], resource: Mapping[str, AttributeValue], protocol: str, version: str) -> tuple[bytes, str]:
    """The request body and its Content-Type."""
    if protocol == "http/json":
        return json.dumps(_json_request(spans, resource, version), separators=(",", ":")).encode(), "application/json"
    return _protobuf_request(spans, resource, version), "application/x-protobuf"


# ----- protobuf -----

def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int64 values are sent as their two's complement
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _tag(number: int, wire_type: int) -> bytes:
    return _varint(number << 3 | wire_type)


def _bytes(number: int, value: bytes) -> bytes:
    return _tag(number, 2) + _varint(len(value)) + value if value else b""


def _string(number: int, value: str) -> bytes:
    return _bytes(number, value.encode("utf-8"))


def _uint(number: int, value: int) -> bytes:
    return _tag(number, 0) + _varint(value) if value else b""


def _fixed64(number: int, value: int) -> bytes:
    return _tag(number, 1) + struct.pack("<Q", value)


def _any_value(value: AttributeValue) -> bytes:
    if isinstance(value, bool):
        return _tag(2, 0) + _varint(int(value))
    if isinstance(value, int):
        return _tag(3, 0) + _varint(value)
    if isinstance(value, float):
        return _tag(4, 1) + struct.pack("<d", value)
    return _tag(1, 2) + _varint(len(encoded := str(value).encode("utf-8"))) + encoded


def _attributes(number: int, attributes: Mapping[str, AttributeValue]) -> bytes:
    return b"".join(_bytes(number, _string(1, key) + _bytes(2, _any_value(value))) for key, value in attributes.items())


def _span(span: Span) -> bytes:
    status = _string(2, span.status_message) + _uint(3, span.status_code)
    return b"".join([
        _bytes(1, bytes.fromhex(span.context.trace_id)),
        _bytes(2, bytes.fromhex(span.context.span_id)),
        _string(3, span.context.trace_state),
        _bytes(4, bytes.fromhex(span.parent_span_id)),
        _string(5, span.name),
        _uint(6, 2),  # SPAN_KIND_SERVER
        _fixed64(7, span.start_ns),
        _fixed64(8, span.end_ns),
        _attributes(9, span.attributes),
        *(_bytes(11, _fixed64(1, e.time_ns) + _string(2, e.name) + _attributes(3, e.attributes)) for e in span.events),
        _tag(15, 2) + _varint(len(status)) + status,
    ])


def _protobuf_request(spans: Iterable[Span], resource: Mapping[str, AttributeValue], version: str) -> bytes:
    scope = _string(1, SCOPE_NAME) + _string(2, version)
    scope_spans = _bytes(1, scope) + b"".join(_bytes(2, _span(span)) for span in spans)
    resource_spans = _bytes(1, _attributes(1, resource)) + _bytes(2, scope_spans)
    return _bytes(1, resource_spans)


# ----- JSON (OTLP/HTTP's JSON mapping: ids in hex, 64-bit integers as strings, enums as numbers) -----

def _json_value(value: AttributeValue) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    return {"stringValue": str(value)}


def _json_attributes(attributes: Mapping[str, AttributeValue]) -> list[dict[str, Any]]:
    return [{"key": key, "value": _json_value(value)} for key, value in attributes.items()]


def _json_span(span: Span) -> dict[str, Any]:
    return {
        "traceId": span.context.trace_id,
        "spanId": span.context.span_id,
        "traceState": span.context.trace_state,
        "parentSpanId": span.parent_span_id,
        "name": span.name,
        "kind": 2,
        "startTimeUnixNano": str(span.start_ns),
        "endTimeUnixNano": str(span.end_ns),
        "attributes": _json_attributes(span.attributes),
        "events": [{"timeUnixNano": str(e.time_ns), "name": e.name, "attributes": _json_attributes(e.attributes)} for e in span.events],
        "status": {"code": span.status_code, "message": span.status_message},
    }


def _json_request(spans: Iterable[Span], resource: Mapping[str, AttributeValue], version: str) -> dict[str, Any]:
    return {"resourceSpans": [{
        "resource": {"attributes": _json_attributes(resource)},
        "scopeSpans": [{"scope": {"name": SCOPE_NAME, "version": version}, "spans": [_json_span(s) for s in spans]}],
    }]}
