"""Helpers for the SDK tests: run `python -m aerogrid` on a temp app, talk HTTP and SSE to it."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PYTHON_DIR = REPO / "python"
SAMPLES = REPO / "samples"

if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))

_SERVING = re.compile(r"^aerogrid: serving (\S+) on http://127\.0\.0\.1:(\d+)$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_app(source: str, name: str = "app.py") -> Path:
    """A new temp folder holding one app file (the caller removes it)."""
    folder = Path(tempfile.mkdtemp(prefix="aerogrid-test-"))
    (folder / name).write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


class AppProcess:
    """`python -m aerogrid` running in ``folder`` (PORT=0 unless given); stdout and stderr are collected."""

    def __init__(self, folder: Path, env: dict[str, str] | None = None, port: int = 0, args: list[str] | None = None,
                 module: bool = True) -> None:
        self.folder = folder
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("AEROGRID_")}
        full_env.update({"PYTHONPATH": str(PYTHON_DIR), "PORT": str(port), "PYTHONDONTWRITEBYTECODE": "1"})
        full_env.update(env or {})
        command = [sys.executable, "-m", "aerogrid"] if module else [sys.executable]
        self.proc = subprocess.Popen(command + (args or []), cwd=folder, env=full_env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.port = port
        self._serving = threading.Event()
        self._readers = [
            threading.Thread(target=self._collect, args=(self.proc.stdout, self.stdout, True), daemon=True),
            threading.Thread(target=self._collect, args=(self.proc.stderr, self.stderr, False), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _collect(self, stream: Any, lines: list[str], watch: bool) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))
            found = _SERVING.match(line.strip()) if watch else None
            if found:
                self.port = int(found.group(2))
                self._serving.set()

    def wait_serving(self, timeout: float = 10) -> AppProcess:
        """Wait for the 'serving' line (the port comes from it)."""
        deadline = time.monotonic() + timeout
        while not self._serving.wait(0.05):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"app did not start (exit {self.proc.poll()}):\n{self.output()}")
        return self

    def wait_port(self, timeout: float = 10) -> AppProcess:
        """Wait until something accepts connections on ``port`` (for scripts that serve it themselves)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise AssertionError(f"nothing listens on {self.port} (exit {self.proc.poll()}):\n{self.output()}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def output(self) -> str:
        return "stdout:\n" + "\n".join(self.stdout) + "\nstderr:\n" + "\n".join(self.stderr)

    def wait_stderr(self, text: str, timeout: float = 3) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in "\n".join(self.stderr):
                return True
            time.sleep(0.02)
        return False

    def wait(self, timeout: float = 10) -> int:
        """Wait for the process to exit and for all its output; returns the exit code."""
        code = self.proc.wait(timeout)
        for reader in self._readers:
            reader.join(5)
        return code

    def terminate(self, timeout: float = 3) -> tuple[int, float]:
        """SIGTERM; returns (exit code, seconds to exit)."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout)
        seconds = time.monotonic() - started
        return self.wait(), seconds

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.wait(5)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()

    def __enter__(self) -> AppProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Reply:
    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def call(url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None, timeout: float = 5) -> Reply:
    """One HTTP request; JSON-encodes ``body`` unless it is bytes. Error statuses are returned, not raised."""
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    all_headers = {"Content-Type": "application/json"} if data is not None and not isinstance(body, bytes) else {}
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, error.headers, error.read())


class EventSource:
    """A minimal Server-Sent Events reader."""

    def __init__(self, url: str, timeout: float = 5, headers: dict[str, str] | None = None) -> None:
        self.response = urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=timeout)

    def next_block(self) -> dict[str, Any] | None:
        """The next block of lines (up to a blank line) as fields, comments under ':'; None at end of stream."""
        block: dict[str, Any] = {}
        while True:
            raw = self.response.readline()
            if not raw:
                return None
            line = raw.decode("utf-8").rstrip("\r\n")
            if not line:
                if block:
                    return block
                continue
            name, _, value = line.partition(":")
            block.setdefault(name, []).append(value[1:] if value.startswith(" ") else value)

    def next_event(self) -> dict[str, Any]:
        """The next block with data: {"event", "id", "data" (parsed JSON)}."""
        while True:
            block = self.next_block()
            if block is None:
                raise AssertionError("the event stream ended")
            if "data" in block:
                return {
                    "event": block.get("event", ["message"])[0],
                    "id": block.get("id", [None])[0],
                    "data": json.loads("\n".join(block["data"])),
                }

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> EventSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
