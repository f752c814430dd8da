"""The batch exporter: spans queue in memory, a background thread posts them over OTLP/HTTP in batches."""

from __future__ import annotations

import collections
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import TextIO

from . import otlp
from .settings import TraceSettings
from .span import AttributeValue, Span

# No proxy from the environment: the endpoint is where the platform said, and a proxy lookup costs each export.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class BatchExporter:
    """OpenTelemetry's batch span processor and OTLP/HTTP exporter in one, on the standard library.

    ``add`` only appends to a bounded queue under a lock that the export thread holds for queue operations alone, so a
    request never waits on the network. A full queue drops the new span; an export that fails (endpoint unreachable,
    timeout, an error status) drops its batch: no retries, so a dead endpoint costs one attempt per batch. Drops are
    counted (``dropped``) and reported on stderr once per process, on the first, so a dead endpoint never floods the log.
    """

    def __init__(self, settings: TraceSettings, resource: Mapping[str, AttributeValue], version: str,
                 stderr: TextIO | None = None) -> None:
        self._settings = settings
        self._resource = dict(resource)
        self._version = version
        self._stderr = stderr
        self._queue: collections.deque[Span] = collections.deque()
        self._changed = threading.Condition()
        self._stopping = False
        self._warned = False
        self.dropped = 0
        self.exported = 0
        self._thread = threading.Thread(target=self._run, name="aerogrid-traces", daemon=True)
        self._thread.start()

    def add(self, span: Span) -> None:
        with self._changed:
            if self._stopping or len(self._queue) >= self._settings.max_queue_size:
                self._drop(1, "the span queue is full")
                return
            self._queue.append(span)
            if len(self._queue) >= self._settings.max_export_batch_size:
                self._changed.notify()

    def shutdown(self, timeout: float) -> None:
        """Exports what is queued, waiting at most ``timeout`` seconds; spans ended later are dropped."""
        with self._changed:
            self._stopping = True
            self._changed.notify()
        self._thread.join(timeout)

    def _run(self) -> None:
        settings = self._settings
        while True:
            with self._changed:
                due = time.monotonic() + settings.schedule_delay
                while not self._stopping and len(self._queue) < settings.max_export_batch_size:
                    left = due - time.monotonic()
                    if left <= 0:
                        break
                    self._changed.wait(left)
                batch = [self._queue.popleft() for _ in range(min(len(self._queue), settings.max_export_batch_size))]
                done = self._stopping and not self._queue
            if batch:
                self._export(batch)
            if done:
                return

    def _export(self, batch: list[Span]) -> None:
        settings = self._settings
        body, content_type = otlp.encode(batch, self._resource, settings.protocol, self._version)
        request = urllib.request.Request(settings.endpoint, data=body, method="POST",
                                         headers={**settings.headers, "Content-Type": content_type})
        try:
            with _OPENER.open(request, timeout=min(settings.export_timeout, settings.batch_timeout)) as response:
                response.read()
        except urllib.error.HTTPError as error:
            error.close()
            self._count_drop(len(batch), f"{settings.endpoint} answered {error.code} {error.reason}")
        except (OSError, ValueError) as error:
            self._count_drop(len(batch), f"cannot reach {settings.endpoint}: {getattr(error, 'reason', None) or error}")
        else:
            with self._changed:
                self.exported += len(batch)

    def _count_drop(self, count: int, reason: str) -> None:
        with self._changed:
            self._drop(count, reason)

    def _drop(self, count: int, reason: str) -> None:
        """Counts dropped spans (the caller holds the lock); the first drop of the process says why on stderr."""
        self.dropped += count
        if not self._warned:
            self._warned = True
            print(f"aerogrid: dropping trace spans: {reason}; further drops are counted, not printed",
                  file=self._stderr or sys.stderr, flush=True)
