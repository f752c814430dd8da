"""`python -m aerogrid` as the platform runs it: loading, signals, exit codes."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import unittest
from pathlib import Path

from support import AppProcess, EventSource, call, free_port, write_app

SLOW_APP = """
    import time
    from aerogrid import App, Record

    class Row(Record):
        id: int

    app = App()
    app.Grid("rows", Row)

    @app.get("/slow")
    def slow():
        time.sleep(0.8)
        return {"finished": True}

    @app.stream("ticks", interval=0.05)
    def tick():
        return time.time()
"""

PLAIN_SCRIPT = """
    import os
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"served by the script itself"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
"""

SELF_RUNNING_APP = """
    from aerogrid import App

    app = App()

    @app.get("/")
    def index():
        return {"ran": "itself"}

    if __name__ == "__main__":
        app.run()
        print("run() returned")
"""


class RunnerTests(unittest.TestCase):
    def setUp(self) -> None:
        self.folders: list[Path] = []

    def tearDown(self) -> None:
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)

    def start(self, source: str, name: str = "app.py", **kwargs: object) -> AppProcess:
        folder = write_app(source, name)
        self.folders.append(folder)
        app = AppProcess(folder, **kwargs)  # type: ignore[arg-type]
        self.addCleanup(app.close)
        return app

    def test_sigterm_finishes_requests_in_flight_ends_streams_and_exits_0(self) -> None:
        app = self.start(SLOW_APP).wait_serving()
        events = EventSource(app.url("/grids/rows/events"))
        self.addCleanup(events.close)
        self.assertEqual(events.next_event()["event"], "snapshot")
        replies: list[object] = []
        request = threading.Thread(target=lambda: replies.append(call(app.url("/slow"))))
        request.start()
        time.sleep(0.3)  # the request is in flight

        code, seconds = app.terminate(timeout=3)
        request.join(3)
        self.assertEqual(code, 0, app.output())
        self.assertLess(seconds, 3)
        self.assertEqual([(r.status, r.json()) for r in replies], [(200, {"finished": True})])  # type: ignore[attr-defined]
        self.assertIsNone(events.next_block(), "the event stream ends")
        self.assertEqual(app.stderr, [], "a clean stop logs no errors")

    def test_sigterm_when_idle_exits_promptly(self) -> None:
        app = self.start(SLOW_APP).wait_serving()
        code, seconds = app.terminate(timeout=3)
        self.assertEqual(code, 0, app.output())
        self.assertLess(seconds, 1.5)

    def test_a_plain_script_serving_port_itself_just_runs(self) -> None:
        app = self.start(PLAIN_SCRIPT, port=free_port()).wait_port()
        reply = call(app.url("/"))
        self.assertEqual((reply.status, reply.text), (200, "served by the script itself"))
        code, _ = app.terminate(timeout=3)
        self.assertEqual(code, 0, app.output())

    def test_a_script_without_an_app_runs_and_exits(self) -> None:
        app = self.start("print('just a script')\n")
        self.assertEqual(app.wait(), 0, app.output())
        self.assertEqual(app.stdout, ["just a script"])

    def test_a_syntax_error_exits_non_zero_with_the_error_on_stderr(self) -> None:
        app = self.start("from aerogrid import App\napp = App(\ndef broken(:\n")
        self.assertNotEqual(app.wait(), 0)
        stderr = "\n".join(app.stderr)
        self.assertIn("SyntaxError", stderr)
        self.assertIn("app.py", stderr)

    def test_an_error_while_loading_exits_1_with_the_script_traceback(self) -> None:
        app = self.start("from aerogrid import App\napp = App()\nraise RuntimeError('no database configured')\n")
        self.assertEqual(app.wait(), 1)
        stderr = "\n".join(app.stderr)
        self.assertIn("RuntimeError: no database configured", stderr)
        self.assertIn('app.py", line 3', stderr)
        self.assertNotIn("__main__.py", stderr, "the runner's own frames are left out")

    def test_a_missing_entrypoint_exits_2(self) -> None:
        app = self.start("", env={"AEROGRID_ENTRYPOINT": "main.py"})
        self.assertEqual(app.wait(), 2)
        self.assertIn("main.py", "\n".join(app.stderr))

    def test_the_entrypoint_comes_from_the_environment(self) -> None:
        app = self.start(SELF_RUNNING_APP, name="main.py", env={"AEROGRID_ENTRYPOINT": "main.py"}).wait_serving()
        self.assertIn(f"aerogrid: serving main.py on http://127.0.0.1:{app.port}", app.stdout)
        self.assertEqual(call(app.url("/")).json(), {"ran": "itself"})

    def test_an_app_that_calls_run_itself_is_served_once(self) -> None:
        app = self.start(SELF_RUNNING_APP).wait_serving()
        self.assertEqual(call(app.url("/")).json(), {"ran": "itself"})
        self.assertEqual(app.terminate(timeout=3)[0], 0, app.output())
        self.assertEqual(app.stdout[-1], "run() returned")
        self.assertEqual(sum(line.startswith("aerogrid: serving") for line in app.stdout), 1)

    def test_python_app_py_works_too(self) -> None:
        app = self.start(SELF_RUNNING_APP, module=False, args=["app.py"]).wait_serving()
        self.assertEqual(call(app.url("/healthz")).json(), {"status": "ok"})
        self.assertEqual(app.terminate(timeout=3)[0], 0, app.output())

    def test_a_port_in_use_exits_1(self) -> None:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            app = self.start("from aerogrid import App\napp = App()\n", port=taken.getsockname()[1])
            self.assertEqual(app.wait(), 1)
        self.assertIn("aerogrid: cannot serve app.py", "\n".join(app.stderr))


if __name__ == "__main__":
    unittest.main()
