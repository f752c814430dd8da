"""``python -m aerogrid.forkserver``: a warm interpreter that forks app processes.

The platform keeps one per environment. It has imported the SDK and no app
code, and keeps one child forked ahead of need (a spare, which has already
touched what it shares with the server), so handing out a process costs a
message. A child is what a fresh ``python -m aerogrid`` would be a hundred
milliseconds later: the same ``sys.modules`` (the standard library and the
SDK, nothing of any app), its own process, its own files. Each child runs
exactly what ``python -m aerogrid`` runs, in its own folder, environment and
log, and exits through the interpreter's normal shutdown.

The protocol is JSON, one object per line. The platform writes requests on
stdin::

    {"id": "<replica id>", "cwd": "<folder>", "env": {...}, "log": "<file>"}

and reads on stdout ``{"ready": true}`` once (the SDK is imported), then for
each request ``{"id": ..., "pid": N}`` or ``{"id": ..., "error": "..."}``, and
for each child that ends ``{"exited": N, "code": C}`` (C negative: the signal
that ended it). End of stdin means the platform is gone: the fork server
exits, the spare with it, and the children it handed out run on as processes
started directly would.

What children share, unlike separately started interpreters: the hash seed
(``PYTHONHASHSEED``) chosen when the server started, and the interpreter
options of its start (``PYTHON*`` variables), so the platform starts an app
cold whenever its own ``PYTHON*`` variables differ.
"""

from __future__ import annotations

import gc
import io
import json
import os
import select
import signal
import socket
import sys
import time
from typing import Any

# What makes the fork worth having: everything an app process imports before the app's own code runs.
from . import __main__ as runner


class _Child(BaseException):
    """Raised in a child given its work, to leave the server's loop: it then runs the app at the top level."""

    def __init__(self, request: dict[str, Any]) -> None:
        super().__init__()
        self.request = request


class _Spare:
    """A child forked ahead of need, waiting on its own socket for a request and the log to write to.

    The fork and the copy-on-write faults of a new process's first steps happen before a revision
    needs it: handing out a spare costs a message.
    """

    def __init__(self, wake: tuple[int, int], ahead: bool = True) -> None:
        server_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            server_end.close()
            signal.set_wakeup_fd(-1)
            for fd in wake:
                os.close(fd)
            _wait_for_work(child_end, ahead)
        child_end.close()
        self.pid = pid
        self.channel = server_end

    def hand(self, request: dict[str, Any], log: int) -> bool:
        """Gives the spare its work; False if it is gone."""
        try:
            socket.send_fds(self.channel, [json.dumps(request).encode() + b"\n"], [log])
            return True
        except OSError:
            return False
        finally:
            self.channel.close()


def _wait_for_work(channel: socket.socket, ahead: bool) -> None:
    if ahead:
        gc.collect()  # touches the objects every process shares, so their pages are copied now rather than on first use
    data, fds = b"", []
    while not data.endswith(b"\n"):
        chunk, received, _, _ = socket.recv_fds(channel, 65536, 1)
        if not chunk:
            os._exit(0)  # the server is gone before it had work for this spare
        data += chunk
        fds += received
    channel.close()
    log = fds[0]
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    raise _Child(json.loads(data))


# After handing a spare out, the next is forked this much later, not at once: the fork and the new spare's first
# steps would take CPU from the process that is starting (about 10 ms), exactly while a revision waits for it.
_SPARE_DELAY = 0.05


def serve() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl+C ends the server quietly; the platform stops the apps
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    wake = (wake_read, wake_write)
    spare: _Spare | None = _Spare(wake)
    spare_due = 0.0
    _send({"ready": True})
    pending = ""
    while True:
        timeout = None if spare is not None else max(0.0, spare_due - time.monotonic())
        try:
            readable, _, _ = select.select([0, wake_read], [], [], timeout)
        except InterruptedError:
            continue
        if wake_read in readable:
            os.read(wake_read, 512)
            if _reap(spare.pid if spare else 0):
                spare = None  # killed while it waited: replaced when due
        if 0 in readable:
            chunk = os.read(0, 65536)
            if not chunk:
                return
            pending += chunk.decode("utf-8")
            *lines, pending = pending.split("\n")
            for line in lines:
                if not line.strip():
                    continue
                spare = spare or _Spare(wake, ahead=False)  # requests faster than the spares: fork one now
                if _hand_out(json.loads(line), spare, wake):
                    spare, spare_due = None, time.monotonic() + _SPARE_DELAY
        if spare is None and time.monotonic() >= spare_due:
            spare = _Spare(wake)


def _hand_out(request: dict[str, Any], spare: _Spare, wake: tuple[int, int]) -> bool:
    """Gives the request to the spare (False, and the spare kept, when the log cannot be opened)."""
    try:
        log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        _send({"id": request["id"], "error": f"cannot open the log: {exc}"})
        return False
    try:
        while not spare.hand(request, log):
            spare = _Spare(wake)  # the spare died while waiting (killed by someone): use a new one
    finally:
        os.close(log)
    _send({"id": request["id"], "pid": spare.pid})
    return True


def _reap(spare: int) -> bool:
    """Reports every child that ended; True if one was the spare (never handed out, so not reported)."""
    spare_ended = False
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return spare_ended
        if pid == 0:
            return spare_ended
        if pid == spare:
            spare_ended = True
        else:
            _send({"exited": pid, "code": os.waitstatus_to_exitcode(status)})


def _send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _run_child(request: dict[str, Any]) -> int:
    """Become the app process: what a fresh interpreter started in the app's folder would be."""
    for sig in (signal.SIGCHLD, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    for fd, name in ((1, "stdout"), (2, "stderr")):
        stream = io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding="utf-8", errors="backslashreplace",
                                  line_buffering=True, write_through=fd == 2)
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)
    os.setsid()  # its own process group, as a directly started app process has: the platform ends the group with it
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    return runner.main([])


if __name__ == "__main__":
    try:
        serve()
    except _Child as child:
        sys.exit(_run_child(child.request))
    except KeyboardInterrupt:
        pass
