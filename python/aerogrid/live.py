"""Live data: grids (tables with change events), topics (pub/sub) and streams (background producers).

Clients follow them as Server-Sent Events; this module formats the events and
fans them out, the App serves them.
"""

from __future__ import annotations

import copy
import inspect
import secrets
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Generic

from .records import R, Record, dumps

KEEPALIVE = b": keep-alive\n\n"

#: Recent events a grid or topic keeps so that a client which lost its connection resumes from its ``Last-Event-ID``;
#: half a subscription's queue, so a replay never fills the queue of the client it is for.
HISTORY = 500


def encode_event(event: str | None, data_json: str, event_id: str | None = None) -> bytes:
    """One Server-Sent Event; ``data_json`` is JSON text (single line)."""
    lines = []
    if event:
        lines.append(f"event: {event}")
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"data: {data_json}")
    return ("\n".join(lines) + "\n\n").encode("utf-8")


class Subscription:
    """One client's queue of encoded events.

    A client that falls more than ``maxsize`` events behind is dropped: its
    stream ends at once (an SSE client reconnects and starts from a fresh
    snapshot). ``close()`` ends the stream after what is already queued.

    The reader takes everything queued in one go and writes it as one chunk:
    a grid changing a thousand times a second would otherwise cost each client
    a thread wake-up and a socket write per change, and with the GIL shared by
    every client's thread those add up to more than the app has. A plain list
    under a condition, rather than ``queue.Queue``, keeps the publisher's side
    to an append.
    """

    def __init__(self, hub: _Hub, maxsize: int = 1000) -> None:
        self._hub = hub
        self._maxsize = maxsize
        self._ready = threading.Condition(threading.Lock())
        self._pending: list[bytes] = []
        self._ending = False  # close(): end after what is queued
        self.closed = False
        self._dropped = False

    def put(self, data: bytes) -> None:
        with self._ready:
            if self.closed:
                return
            if len(self._pending) >= self._maxsize:
                self.closed = self._dropped = True
            else:
                self._pending.append(data)
            self._ready.notify()
        if self._dropped:
            self._hub.unsubscribe(self)

    def messages(self, keepalive: float) -> Iterator[bytes]:
        """Encoded events as they come (those queued together as one chunk), a keep-alive comment after each ``keepalive`` seconds of silence."""
        while True:
            with self._ready:
                if not self._pending and not self._ending and not self._dropped:
                    self._ready.wait(keepalive)
                if self._dropped:
                    return
                pending, self._pending = self._pending, []
                ending = self._ending
            if pending:
                yield b"".join(pending)
            elif ending:
                return
            else:
                yield KEEPALIVE

    def close(self) -> None:
        """Take no more events; the reader stops after those already queued."""
        with self._ready:
            if self.closed:
                return
            self.closed = self._ending = True
            self._ready.notify()
        self._hub.unsubscribe(self)


class _Hub:
    """Fans encoded events out to subscriptions."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: set[Subscription] = set()
        self._closed = False

    def subscribe(self, first: Iterable[bytes] = ()) -> Subscription:
        sub = Subscription(self)
        for data in first:
            sub.put(data)
        with self._lock:
            closed = self._closed
            if not closed:
                self._subscriptions.add(sub)
        if closed:
            sub.close()
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(sub)

    def publish(self, data: bytes) -> None:
        with self._lock:
            subscriptions = list(self._subscriptions)
        for sub in subscriptions:
            sub.put(data)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            subscriptions = list(self._subscriptions)
        for sub in subscriptions:
            sub.close()

    def __len__(self) -> int:
        return len(self._subscriptions)


class _Replay:
    """The recent events of one grid or topic, and the event ids that name them.

    An id is ``{epoch}-{number}``: the epoch is random per grid or topic object, so an id from before the app
    restarted (numbers start again) never matches, and that client gets a fresh start instead of a wrong replay.
    """

    def __init__(self) -> None:
        self.epoch = secrets.token_hex(4)
        self._events: deque[tuple[int, bytes]] = deque(maxlen=HISTORY)

    def event_id(self, number: int) -> str:
        return f"{self.epoch}-{number}"

    def record(self, number: int, event: bytes) -> None:
        self._events.append((number, event))

    def since(self, last_event_id: str | None, current: int) -> list[bytes] | None:
        """The events after ``last_event_id`` (empty when it is the latest), or None when they are not all kept."""
        epoch, _, number = (last_event_id or "").strip().partition("-")
        if epoch != self.epoch or not number.isdigit() or int(number) > current:
            return None
        after = int(number)
        if after == current:
            return []
        if not self._events or self._events[0][0] > after + 1:
            return None
        return [event for n, event in self._events if n > after]


class Topic:
    """An in-process pub/sub topic; ``GET /topics/{name}/events`` streams what is published."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._hub = _Hub()
        self._replay = _Replay()
        self._sequence = 0

    def publish(self, message: Any) -> int:
        """Send ``message`` (anything JSON-encodable, records included) to current subscribers; returns its sequence number."""
        data = dumps(message)  # fails before anything is sent
        with self._lock:
            self._sequence += 1
            event = encode_event(None, data, self._replay.event_id(self._sequence))
            self._replay.record(self._sequence, event)
            self._hub.publish(event)
            return self._sequence

    @property
    def published(self) -> int:
        """How many messages have been published."""
        return self._sequence

    def subscribe(self, last_event_id: str | None = None) -> Subscription:
        """A subscription receiving every message published from now on, after those since ``last_event_id`` when kept."""
        with self._lock:
            return self._hub.subscribe(self._replay.since(last_event_id, self._sequence) or ())

    def close(self) -> None:
        """End all subscriptions (on shutdown)."""
        self._hub.close()


class Grid(Generic[R]):
    """A live table of records keyed by one field. Thread-safe.

    Every change bumps ``version`` and is sent to subscribers of
    ``GET /grids/{name}/events``: first a ``snapshot`` event, then ``upsert``
    (``{"row", "version"}``) and ``delete`` (``{"key", "version"}``) events.
    """

    def __init__(self, name: str, record_type: type[R], key: str = "id") -> None:
        if not (isinstance(record_type, type) and issubclass(record_type, Record)):
            raise TypeError("record_type must be a Record subclass")
        if key not in record_type.__record_fields__:
            raise ValueError(f"{record_type.__name__} has no field {key!r} to key grid {name!r} by")
        self.name = name
        self.record_type = record_type
        self.key = key
        self._lock = threading.RLock()
        self._hub = _Hub()
        self._rows: dict[Any, dict[str, Any]] = {}
        self._replay = _Replay()
        self._version = 0

    @property
    def version(self) -> int:
        """Increases by one with every change."""
        return self._version

    def columns(self) -> list[dict[str, str]]:
        """The record type's fields as ``[{"name", "type"}]``."""
        return self.record_type.columns()

    def upsert(self, record: R | Mapping[str, Any]) -> int:
        """Insert or replace the row with this record's key; returns the new version."""
        if isinstance(record, Mapping):
            record = self.record_type.from_dict(record)
        if not isinstance(record, self.record_type):
            raise TypeError(f"grid {self.name!r} holds {self.record_type.__name__} records, not {type(record).__name__}")
        row = record.to_dict()
        key = row[self.key]
        with self._lock:
            version = self._version + 1
            event = encode_event("upsert", dumps({"row": row, "version": version}), self._replay.event_id(version))
            self._rows[key] = row
            self._version = version
            self._replay.record(version, event)
            self._hub.publish(event)
            return version

    def update(self, key: Any, **changes: Any) -> R:
        """Change some fields of the row with ``key`` atomically; returns the updated record. ``KeyError`` if absent."""
        with self._lock:
            if key not in self._rows:
                raise KeyError(key)
            record = self.record_type.from_dict(copy.deepcopy(self._rows[key]))
            for name, value in changes.items():
                if name not in self.record_type.__record_fields__:
                    raise TypeError(f"{self.record_type.__name__} has no field {name!r}")
                if name == self.key and value != key:
                    raise ValueError("update() cannot change a row's key; delete and upsert instead")
                setattr(record, name, value)
            self.upsert(record)
            return record

    def delete(self, key: Any) -> bool:
        """Remove the row with ``key``; returns whether there was one."""
        with self._lock:
            if key not in self._rows:
                return False
            version = self._version + 1
            event = encode_event("delete", dumps({"key": key, "version": version}), self._replay.event_id(version))
            del self._rows[key]
            self._version = version
            self._replay.record(version, event)
            self._hub.publish(event)
            return True

    def get(self, key: Any) -> R | None:
        """The record with ``key`` (a copy), or None."""
        with self._lock:
            row = self._rows.get(key)
            return None if row is None else self.record_type.from_dict(copy.deepcopy(row))

    def rows(self) -> list[R]:
        """All records (copies), in insertion order."""
        with self._lock:
            return [self.record_type.from_dict(copy.deepcopy(row)) for row in self._rows.values()]

    def snapshot(self) -> dict[str, Any]:
        """``{"name", "key", "columns", "rows", "version"}`` as served at ``GET /grids/{name}``."""
        with self._lock:
            return {
                "name": self.name,
                "key": self.key,
                "columns": self.columns(),
                "rows": copy.deepcopy(list(self._rows.values())),
                "version": self._version,
            }

    def subscribe(self, last_event_id: str | None = None) -> Subscription:
        """A subscription that gets every change after ``last_event_id`` when those are kept, else starts with a
        ``snapshot`` event (a client too far behind, or new, starts afresh); then every change."""
        with self._lock:  # no change can slip between the snapshot (or replay) and the subscription
            missed = self._replay.since(last_event_id, self._version)
            if missed is not None:
                return self._hub.subscribe(missed)
            snapshot = self.snapshot()
            return self._hub.subscribe([encode_event("snapshot", dumps(snapshot), self._replay.event_id(snapshot["version"]))])

    def close(self) -> None:
        """End all subscriptions (on shutdown)."""
        self._hub.close()

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: object) -> bool:
        return key in self._rows


class Stream:
    """A producer run in a background thread that publishes to a topic (see ``App.stream``).

    A plain function is called every ``interval`` seconds (1 s if not given) and
    its return value is published. A generator function is iterated; each
    yielded value is published, waiting ``interval`` seconds between values if
    given. ``None`` is never published. Errors are printed to stderr and the
    producer is retried after the interval; it stops when the app stops.
    """

    def __init__(self, topic: Topic, fn: Callable[[], Any], interval: float | None) -> None:
        self.topic = topic
        self.fn = fn
        self.interval = interval
        self._thread: threading.Thread | None = None

    def start(self, stop: threading.Event) -> None:
        self._thread = threading.Thread(target=self._run, args=(stop,), name=f"aerogrid-stream-{self.topic.name}", daemon=True)
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, stop: threading.Event) -> None:
        delay = self.interval if self.interval is not None else 1.0
        while not stop.is_set():
            try:
                if inspect.isgeneratorfunction(self.fn):
                    self._drain(self.fn(), stop)
                    return  # the generator ended (or the app is stopping)
                self._publish(self.fn())
            except Exception:
                print(f"aerogrid: stream {self.topic.name!r} failed:", file=sys.stderr, flush=True)
                traceback.print_exc()
            stop.wait(delay)

    def _drain(self, generator: Iterator[Any], stop: threading.Event) -> None:
        try:
            for value in generator:
                self._publish(value)
                if stop.wait(self.interval or 0):
                    return
        finally:
            generator.close()  # type: ignore[attr-defined]

    def _publish(self, value: Any) -> None:
        if value is not None:
            self.topic.publish(value)
