"""OtlpReceiverDouble: a test double for an OTLP/HTTP trace receiver (the OpenTelemetry Collector, Jaeger, the Aspire
dashboard), on the standard library. It takes ``POST /v1/traces`` in protobuf or JSON, as OTLP/HTTP specifies, and
reads the spans back: its protobuf reader is written from opentelemetry-proto's field numbers, independently of the
SDK's writer. It can hold requests unanswered, as a hung collector would."""

from __future__ import annotations

import json
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class OtlpReceiverDouble:
    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []
        self.content_types: list[str] = []
        self.requests = 0
        self._changed = threading.Condition()
        self._release = threading.Event()
        self._release.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the base class's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._changed:
                    receiver.requests += 1
                    receiver._changed.notify_all()
                receiver._release.wait()
                content_type = self.headers.get("Content-Type", "")
                spans = read_json(body) if content_type == "application/json" else read_protobuf(body)
                with receiver._changed:
                    receiver.content_types.append(content_type)
                    receiver.spans.extend(spans)
                    receiver._changed.notify_all()
                self.send_response(200 if self.path == "/v1/traces" else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def endpoint(self) -> str:
        """The base address, as OTEL_EXPORTER_OTLP_ENDPOINT takes it."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def hold(self) -> None:
        """From now on, requests are read but not answered until ``release()``."""
        self._release.clear()

    def release(self) -> None:
        self._release.set()

    def wait_requests(self, count: int, timeout: float = 10) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: self.requests >= count, timeout):
                raise AssertionError(f"the receiver got {self.requests} export requests, not {count}")

    def wait_span(self, predicate: Any, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [span for span in self.spans if predicate(span)]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no such span among {[s['name'] for s in self.spans]}")
                self._changed.wait(left)

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()


# ----- protobuf: the wire format, then the OTLP trace messages by field number -----

def _fields(data: bytes) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    i = 0

    def varint() -> int:
        nonlocal i
        shift = result = 0
        while True:
            byte = data[i]
            i += 1
            result |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return result

    while i < len(data):
        key = varint()
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value: Any = varint()
        elif wire_type == 1:
            value, i = struct.unpack_from("<Q", data, i)[0], i + 8
        elif wire_type == 5:
            value, i = struct.unpack_from("<I", data, i)[0], i + 4
        elif wire_type == 2:
            length = varint()
            value, i = data[i:i + length], i + length
        else:
            raise ValueError(f"wire type {wire_type}")
        found.setdefault(number, []).append(value)
    return found


def _one(message: dict[int, list[Any]], number: int, default: Any) -> Any:
    return message.get(number, [default])[-1]


def _pb_value(data: bytes) -> Any:
    value = _fields(data)
    if 1 in value:
        return value[1][0].decode()
    if 2 in value:
        return bool(value[2][0])
    if 3 in value:
        raw = value[3][0]
        return raw - (1 << 64) if raw >> 63 else raw
    if 4 in value:
        return struct.unpack("<d", struct.pack("<Q", value[4][0]))[0]
    return None


def _pb_attributes(items: list[bytes]) -> dict[str, Any]:
    result = {}
    for item in items:
        pair = _fields(item)
        result[pair[1][0].decode()] = _pb_value(_one(pair, 2, b""))
    return result


def read_protobuf(body: bytes) -> list[dict[str, Any]]:
    spans = []
    for resource_spans in _fields(body).get(1, []):
        rs = _fields(resource_spans)
        resource = _pb_attributes(_fields(_one(rs, 1, b"")).get(1, []))
        for scope_spans in rs.get(2, []):
            ss = _fields(scope_spans)
            scope = _fields(_one(ss, 1, b""))
            for raw in ss.get(2, []):
                span = _fields(raw)
                status = _fields(_one(span, 15, b""))
                spans.append({
                    "resource": resource,
                    "scope": _one(scope, 1, b"").decode(),
                    "trace_id": _one(span, 1, b"").hex(),
                    "span_id": _one(span, 2, b"").hex(),
                    "trace_state": _one(span, 3, b"").decode(),
                    "parent_span_id": _one(span, 4, b"").hex(),
                    "name": _one(span, 5, b"").decode(),
                    "kind": _one(span, 6, 0),
                    "start": _one(span, 7, 0),
                    "end": _one(span, 8, 0),
                    "attributes": _pb_attributes(span.get(9, [])),
                    "events": [{"name": _one(e, 2, b"").decode(), "attributes": _pb_attributes(e.get(3, []))}
                               for e in map(_fields, span.get(11, []))],
                    "status": {"code": _one(status, 3, 0), "message": _one(status, 2, b"").decode()},
                })
    return spans


# ----- OTLP's JSON mapping -----

def _json_value(value: dict[str, Any]) -> Any:
    if "intValue" in value:
        return int(value["intValue"])
    return next(iter(value.values()), None)


def _json_attributes(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {item["key"]: _json_value(item["value"]) for item in items}


def read_json(body: bytes) -> list[dict[str, Any]]:
    spans = []
    for rs in json.loads(body).get("resourceSpans", []):
        resource = _json_attributes(rs.get("resource", {}).get("attributes", []))
        for ss in rs.get("scopeSpans", []):
            for span in ss.get("spans", []):
                spans.append({
                    "resource": resource,
                    "scope": ss.get("scope", {}).get("name", ""),
                    "trace_id": span["traceId"],
                    "span_id": span["spanId"],
                    "trace_state": span.get("traceState", ""),
                    "parent_span_id": span.get("parentSpanId", ""),
                    "name": span["name"],
                    "kind": span.get("kind", 0),
                    "start": int(span["startTimeUnixNano"]),
                    "end": int(span["endTimeUnixNano"]),
                    "attributes": _json_attributes(span.get("attributes", [])),
                    "events": [{"name": e["name"], "attributes": _json_attributes(e.get("attributes", []))} for e in span.get("events", [])],
                    "status": {"code": span.get("status", {}).get("code", 0), "message": span.get("status", {}).get("message", "")},
                })
    return spans
