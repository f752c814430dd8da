"""`python -m aerogrid.forkserver` as the Operator drives it, and the readiness notification every app sends."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import unittest
import urllib.request
import uuid

from support import PYTHON_DIR, AppProcess, free_port, write_app

REPORTER = """
    import os, sys
    import aerogrid
    from aerogrid import App

    seen_before = hasattr(aerogrid, "planted")
    aerogrid.planted = True
    app = App()

    @app.get("/")
    def report():
        return {"pid": os.getpid(), "ppid": os.getppid(), "cwd": os.getcwd(), "x": os.environ.get("X"),
                "seen_before": seen_before, "argv": sys.argv, "stdin": sys.stdin.read()}
"""


PID_APP = """
    import os
    from aerogrid import App

    app = App()

    @app.get("/")
    def report():
        return {"pid": os.getpid()}
"""


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def _wait_answer(port: int, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return _get(f"http://127.0.0.1:{port}/")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _children(parent: int) -> list[int]:
    """Live children of a process, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.isdigit() and int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(entry))
    return found


class ForkServerTest(unittest.TestCase):
    def setUp(self) -> None:
        self.folder = write_app(REPORTER)
        env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PYTHON_DIR), "PYTHONDONTWRITEBYTECODE": "1"}
        self.server = subprocess.Popen([sys.executable, "-m", "aerogrid.forkserver"], cwd=self.folder, env=env, text=True,
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.assertEqual({"ready": True}, self.read())
        self.children: list[int] = []

    def tearDown(self) -> None:
        for pid in self.children:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        if self.server.poll() is None:
            self.server.kill()
        self.server.wait(5)
        self.server.stdin.close()
        self.server.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def read(self) -> dict:
        return json.loads(self.server.stdout.readline())

    def fork(self, port: int, x: str) -> int:
        request = {"id": uuid.uuid4().hex, "cwd": str(self.folder), "log": str(self.folder / f"{port}.log"),
                   "env": {"PORT": str(port), "X": x, "PYTHONPATH": str(PYTHON_DIR)}}
        self.server.stdin.write(json.dumps(request) + "\n")
        self.server.stdin.flush()
        reply = self.read()
        self.assertEqual(request["id"], reply["id"])
        self.children.append(reply["pid"])
        return reply["pid"]

    def test_each_fork_is_a_fresh_app_process_with_its_own_environment_and_nothing_of_the_one_before(self) -> None:
        first_port, second_port = free_port(), free_port()
        first = self.fork(first_port, "one")
        second = self.fork(second_port, "two")

        one, two = _wait_answer(first_port), _wait_answer(second_port)
        self.assertEqual((first, "one", False), (one["pid"], one["x"], one["seen_before"]))
        self.assertEqual((second, "two", False), (two["pid"], two["x"], two["seen_before"]))
        self.assertEqual(self.server.pid, two["ppid"])
        self.assertEqual(str(self.folder), two["cwd"])
        self.assertEqual([str(self.folder / "app.py")], two["argv"])
        self.assertEqual("", two["stdin"])  # not the server's requests
        log = (self.folder / f"{second_port}.log").read_text()
        self.assertIn(f"aerogrid: serving app.py on http://127.0.0.1:{second_port}", log)

    def test_an_exit_is_reported_with_its_code_or_signal(self) -> None:
        port = free_port()
        pid = self.fork(port, "x")
        _wait_answer(port)
        os.kill(pid, 15)
        self.assertEqual({"exited": pid, "code": 0}, self.read())  # the SDK stops gracefully on SIGTERM

        port = free_port()
        pid = self.fork(port, "x")
        _wait_answer(port)
        os.kill(pid, 9)
        self.assertEqual({"exited": pid, "code": -9}, self.read())

    def test_a_log_that_cannot_be_opened_is_an_error_reply_not_a_crash(self) -> None:
        request = {"id": "bad", "cwd": str(self.folder), "log": "/nonexistent/dir/x.log", "env": {}}
        self.server.stdin.write(json.dumps(request) + "\n")
        self.server.stdin.flush()
        reply = self.read()
        self.assertEqual("bad", reply["id"])
        self.assertIn("cannot open the log", reply["error"])
        self.assertIsNone(self.server.poll())

    def test_the_end_of_its_input_ends_the_server_and_its_children_run_on(self) -> None:
        port = free_port()
        pid = self.fork(port, "x")
        _wait_answer(port)
        deadline = time.monotonic() + 5
        while len(spares := [child for child in _children(self.server.pid) if child != pid]) == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertEqual(1, len(spares), "one spare waits for the next request")
        self.server.stdin.close()
        self.assertEqual(0, self.server.wait(5))
        self.assertEqual(pid, _get(f"http://127.0.0.1:{port}/")["pid"])
        deadline = time.monotonic() + 5
        while os.path.exists(f"/proc/{spares[0]}") and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertFalse(os.path.exists(f"/proc/{spares[0]}"), "the spare outlived its server")

    def test_a_spare_killed_while_waiting_is_replaced_without_a_word(self) -> None:
        port = free_port()
        self.fork(port, "x")
        _wait_answer(port)
        deadline = time.monotonic() + 5
        while not (spares := [c for c in _children(self.server.pid) if c not in self.children]) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertTrue(spares, "a spare waits for the next request")
        for spare in spares:
            os.kill(spare, 9)
        # Only the server reaps its children: once the spare is gone from /proc, the server knows it died. A request
        # sent before that may reach the dying spare's socket and be reported as an exit, like any crash at start.
        deadline = time.monotonic() + 5
        while any(os.path.exists(f"/proc/{spare}") for spare in spares) and time.monotonic() < deadline:
            time.sleep(0.01)
        port = free_port()
        pid = self.fork(port, "after")
        self.assertEqual("after", _wait_answer(port)["x"])
        self.assertEqual(pid, _get(f"http://127.0.0.1:{port}/")["pid"])


class ReadinessNotificationTest(unittest.TestCase):
    def test_an_app_says_ready_on_notify_socket_once_it_listens(self) -> None:
        name = f"aerogrid-test-{uuid.uuid4().hex}"
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
            listener.bind("\0" + name)
            listener.settimeout(10)
            folder = write_app(PID_APP)
            self.addCleanup(shutil.rmtree, folder, True)
            with AppProcess(folder, env={"NOTIFY_SOCKET": "@" + name}) as app:
                message = listener.recv(4096).decode()
                fields = dict(line.split("=", 1) for line in message.splitlines())
                self.assertEqual("1", fields["READY"])
                self.assertEqual(str(app.proc.pid), fields["MAINPID"])
                app.wait_serving()
                self.assertEqual(app.proc.pid, _get(app.url("/"))["pid"])

    def test_without_anyone_listening_the_app_serves_as_always(self) -> None:
        folder = write_app(PID_APP)
        self.addCleanup(shutil.rmtree, folder, True)
        with AppProcess(folder, env={"NOTIFY_SOCKET": "@nobody-listens-here"}) as app:
            app.wait_serving()
            self.assertEqual(app.proc.pid, _get(app.url("/"))["pid"])


if __name__ == "__main__":
    unittest.main()
