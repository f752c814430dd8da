"""Routes, path parameters, bodies and error answers of a served app."""

from __future__ import annotations

import shutil
import unittest

from support import AppProcess, call, write_app

APP = """
    from aerogrid import App, HTTPError, Record, Response

    app = App("routes")

    class Point(Record):
        x: int
        y: int = 0

    @app.get("/")
    def index():
        return {"hello": "world"}

    @app.get("/text")
    def text():
        return "plain words"

    @app.get("/bytes")
    def raw():
        return Response(200, b"\\x00\\x01", {"Content-Type": "application/x-raw"})

    @app.get("/orders/{id}")
    def order(request, id: int):
        return {"id": id, "query": request.query, "agent": request.headers.get("user-agent", "")[:6]}

    @app.get("/files/{folder}/{name}")
    def file(folder, name):
        return [folder, name]

    @app.post("/points")
    def add_point(request):
        point = Point.from_dict(request.json())
        return Response(201, point, {"X-Created": "yes"})

    @app.post("/echo")
    def echo(request):
        return {"method": request.method, "text": request.text, "type": request.headers["content-type"]}

    @app.delete("/orders/{id}")
    def remove(id: int):
        return None

    @app.get("/teapot")
    def teapot():
        raise HTTPError(418, "short and stout")

    @app.get("/boom")
    def boom():
        return {"ratio": 1 / 0}
"""


class HttpTests(unittest.TestCase):
    folder = None
    app: AppProcess

    @classmethod
    def setUpClass(cls) -> None:
        cls.folder = write_app(APP)
        cls.app = AppProcess(cls.folder).wait_serving()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.app.close()
        shutil.rmtree(cls.folder, ignore_errors=True)

    def test_prints_the_serving_line(self) -> None:
        self.assertIn(f"aerogrid: serving app.py on http://127.0.0.1:{self.app.port}", self.app.stdout)

    def test_healthz(self) -> None:
        reply = call(self.app.url("/healthz"))
        self.assertEqual((reply.status, reply.json()), (200, {"status": "ok"}))
        self.assertEqual(reply.headers["Content-Type"], "application/json")

    def test_dict_str_and_bytes_results(self) -> None:
        self.assertEqual(call(self.app.url("/")).json(), {"hello": "world"})
        text = call(self.app.url("/text"))
        self.assertEqual((text.text, text.headers["Content-Type"]), ("plain words", "text/plain; charset=utf-8"))
        raw = call(self.app.url("/bytes"))
        self.assertEqual((raw.body, raw.headers["Content-Type"]), (b"\x00\x01", "application/x-raw"))

    def test_path_parameters_query_and_headers(self) -> None:
        reply = call(self.app.url("/orders/42?expand=lines&x="), headers={"User-Agent": "tester/1"})
        self.assertEqual(reply.json(), {"id": 42, "query": {"expand": "lines", "x": ""}, "agent": "tester"})
        self.assertEqual(call(self.app.url("/files/a%20b/c.txt")).json(), ["a b", "c.txt"])
        self.assertEqual(call(self.app.url("/orders/42/")).status, 200, "a trailing slash still matches")

    def test_a_parameter_that_does_not_convert_does_not_match(self) -> None:
        self.assertEqual(call(self.app.url("/orders/abc")).status, 404)

    def test_json_body_and_explicit_response(self) -> None:
        reply = call(self.app.url("/points"), "POST", {"x": 3})
        self.assertEqual((reply.status, reply.json(), reply.headers["X-Created"]), (201, {"x": 3, "y": 0}, "yes"))
        echo = call(self.app.url("/echo"), "POST", b"caf\xc3\xa9", {"Content-Type": "text/plain"})
        self.assertEqual(echo.json(), {"method": "POST", "text": "café", "type": "text/plain"})

    def test_invalid_json_is_400(self) -> None:
        reply = call(self.app.url("/points"), "POST", b"{nope", {"Content-Type": "application/json"})
        self.assertEqual(reply.status, 400)
        self.assertIn("invalid JSON", reply.json()["error"])

    def test_none_is_204(self) -> None:
        reply = call(self.app.url("/orders/1"), "DELETE")
        self.assertEqual((reply.status, reply.body), (204, b""))

    def test_unknown_path_is_404_json(self) -> None:
        reply = call(self.app.url("/nowhere"))
        self.assertEqual((reply.status, reply.json()), (404, {"error": "not found", "path": "/nowhere"}))

    def test_wrong_method_is_405_with_allow(self) -> None:
        reply = call(self.app.url("/text"), "POST", {})
        self.assertEqual((reply.status, reply.headers["Allow"]), (405, "GET"))
        self.assertEqual(call(self.app.url("/orders/7"), "PUT", {}).headers["Allow"], "DELETE, GET")

    def test_http_error(self) -> None:
        reply = call(self.app.url("/teapot"))
        self.assertEqual((reply.status, reply.json()), (418, {"error": "short and stout"}))

    def test_handler_exception_is_500_json_and_a_traceback_on_stderr(self) -> None:
        reply = call(self.app.url("/boom"))
        self.assertEqual((reply.status, reply.json()), (500, {"error": "division by zero", "type": "ZeroDivisionError"}))
        self.assertTrue(self.app.wait_stderr("ZeroDivisionError"), self.app.output())
        self.assertTrue(self.app.wait_stderr("Traceback (most recent call last)"), self.app.output())
        self.assertTrue(self.app.wait_stderr('app.py", line'), self.app.output())
        self.assertEqual(call(self.app.url("/healthz")).status, 200, "the app keeps serving")

    def test_bad_record_data_is_500_with_the_reason(self) -> None:
        reply = call(self.app.url("/points"), "POST", {"x": "three"})
        self.assertEqual(reply.status, 500)
        self.assertIn("Point.x", reply.json()["error"])

    def test_keep_alive_connection_serves_several_requests(self) -> None:
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", self.app.port, timeout=5)
        try:
            for _ in range(3):
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                self.assertEqual(response.read(), b'{"status":"ok"}')
        finally:
            connection.close()


if __name__ == "__main__":
    unittest.main()
