"""Traces into the app: each request continues its caller's trace as a SERVER span exported over OTLP/HTTP."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import unittest

from otlp_receiver import OtlpReceiverDouble
from support import PYTHON_DIR, AppProcess, EventSource, call, free_port, write_app

from aerogrid.tracing import BatchExporter, Span, SpanContext, TraceSettings
from aerogrid.tracing.context import parse_traceparent
from aerogrid.tracing.sampling import Sampler

APP = """
    from aerogrid import App, HTTPError, Record

    app = App("traced")

    class Tick(Record):
        n: int

    ticks = app.Grid("ticks", Tick, key="n")

    @app.get("/orders/{id}")
    def order(id: int):
        return {"id": id}

    @app.get("/boom")
    def boom():
        raise ValueError("no luck")

    @app.get("/teapot")
    def teapot():
        raise HTTPError(418)
"""

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


def _traceparent(flags: str = "01", trace_id: str = TRACE_ID) -> dict[str, str]:
    return {"traceparent": f"00-{trace_id}-{PARENT_ID}-{flags}"}


class TracedAppTest(unittest.TestCase):
    """A served app exporting to the receiver double, in each OTLP/HTTP encoding."""

    def setUp(self) -> None:
        self.receiver = OtlpReceiverDouble()
        self.folder = write_app(APP)

    def tearDown(self) -> None:
        self.receiver.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def start(self, **env: str) -> AppProcess:
        variables = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": self.receiver.endpoint,
            "OTEL_SERVICE_NAME": "traced.demo",
            "OTEL_RESOURCE_ATTRIBUTES": "aerogrid.tenant=demo,aerogrid.app=traced,note=a%2Cb",
            "OTEL_BSP_SCHEDULE_DELAY": "20",
            **env,
        }
        app = AppProcess(self.folder, env=variables).wait_serving()
        self.addCleanup(app.close)
        return app

    def test_a_request_continues_the_callers_trace_in_either_encoding(self) -> None:
        for protocol, content_type in (("http/protobuf", "application/x-protobuf"), ("http/json", "application/json")):
            with self.subTest(protocol=protocol):
                app = self.start(OTEL_EXPORTER_OTLP_PROTOCOL=protocol)
                trace_id = os.urandom(16).hex()
                headers = {**_traceparent(trace_id=trace_id), "tracestate": "vendor=opaque,other=1", "User-Agent": "probe/1"}
                self.assertEqual(call(app.url("/orders/7?secret=x"), headers=headers).status, 200)
                span = self.receiver.wait_span(lambda s, t=trace_id: s["trace_id"] == t)

                self.assertEqual(span["parent_span_id"], PARENT_ID)
                self.assertRegex(span["span_id"], "^[0-9a-f]{16}$")
                self.assertNotEqual(span["span_id"], PARENT_ID)
                self.assertEqual(span["trace_state"], "vendor=opaque,other=1")
                self.assertEqual(span["name"], "GET /orders/{id}")
                self.assertEqual(span["kind"], 2)  # SERVER
                self.assertLess(span["start"], span["end"])
                self.assertEqual(span["status"]["code"], 0)
                self.assertEqual(span["attributes"], {
                    "http.request.method": "GET",
                    "url.path": "/orders/7",
                    "url.scheme": "http",
                    "server.address": "127.0.0.1",
                    "server.port": app.port,
                    "network.protocol.version": "1.1",
                    "user_agent.original": "probe/1",
                    "http.route": "/orders/{id}",
                    "http.response.status_code": 200,
                })
                self.assertEqual(span["resource"]["service.name"], "traced.demo")
                self.assertEqual(span["resource"]["aerogrid.tenant"], "demo")
                self.assertEqual(span["resource"]["note"], "a,b")
                self.assertEqual(span["resource"]["process.pid"], app.proc.pid)
                self.assertEqual(span["scope"], "aerogrid")
                self.assertIn(content_type, self.receiver.content_types)
                app.close()

    def test_without_a_traceparent_a_request_starts_a_new_trace_and_health_probes_make_no_span(self) -> None:
        app = self.start()
        self.assertEqual(call(app.url("/healthz")).status, 200)
        self.assertEqual(call(app.url("/orders/1"), headers={"traceparent": "00-not-a-valid-header-01"}).status, 200)
        span = self.receiver.wait_span(lambda s: s["attributes"].get("url.path") == "/orders/1")
        self.assertRegex(span["trace_id"], "^[0-9a-f]{32}$")
        self.assertEqual(span["parent_span_id"], "")
        self.assertNotIn("/healthz", [s["attributes"].get("url.path") for s in self.receiver.spans])

    def test_errors_set_the_span_status_and_an_exception_records_an_event(self) -> None:
        app = self.start()
        self.assertEqual(call(app.url("/boom")).status, 500)
        self.assertEqual(call(app.url("/teapot")).status, 418)
        self.assertEqual(call(app.url("/nowhere")).status, 404)
        boom = self.receiver.wait_span(lambda s: s["name"] == "GET /boom")
        self.assertEqual(boom["status"]["code"], 2)
        self.assertEqual(boom["attributes"]["http.response.status_code"], 500)
        self.assertEqual(boom["events"][0]["name"], "exception")
        self.assertEqual(boom["events"][0]["attributes"]["exception.type"], "ValueError")
        self.assertEqual(boom["events"][0]["attributes"]["exception.message"], "no luck")
        self.assertIn("raise ValueError", boom["events"][0]["attributes"]["exception.stacktrace"])
        teapot = self.receiver.wait_span(lambda s: s["name"] == "GET /teapot")
        self.assertEqual((teapot["status"]["code"], teapot["events"]), (0, []))  # a client's error is not the server's
        unmatched = self.receiver.wait_span(lambda s: s["attributes"].get("url.path") == "/nowhere")
        self.assertEqual(unmatched["name"], "GET")  # no route matched: the method alone, as the conventions say
        self.assertNotIn("http.route", unmatched["attributes"])

    def test_the_parent_based_sampler_follows_the_callers_sampled_flag(self) -> None:
        app = self.start()
        unsampled = os.urandom(16).hex()
        call(app.url("/orders/1"), headers=_traceparent("00", unsampled))
        call(app.url("/orders/2"), headers=_traceparent("01"))
        self.receiver.wait_span(lambda s: s["attributes"].get("url.path") == "/orders/2")
        # Spans leave in the order they end: the unsampled request's would have come first.
        self.assertNotIn(unsampled, [s["trace_id"] for s in self.receiver.spans])

    def test_always_off_exports_nothing_and_sdk_disabled_turns_tracing_off(self) -> None:
        for env in ({"OTEL_TRACES_SAMPLER": "always_off"}, {"OTEL_SDK_DISABLED": "true"}):
            with self.subTest(env=env):
                app = self.start(**env)
                for _ in range(3):
                    self.assertEqual(call(app.url("/orders/1"), headers=_traceparent()).status, 200)
                self.assertEqual(app.terminate()[0], 0)  # a clean stop flushes the exporter, if there were one
                self.assertEqual(self.receiver.requests, 0)

    def test_an_event_streams_span_ends_when_the_stream_does(self) -> None:
        app = self.start()
        with EventSource(app.url("/grids/ticks/events")) as events:
            self.assertEqual(events.next_event()["event"], "snapshot")
            self.assertEqual(call(app.url("/orders/3")).status, 200)
            self.receiver.wait_span(lambda s: s["attributes"].get("url.path") == "/orders/3")
            self.assertNotIn("GET /grids/{name}/events", [s["name"] for s in self.receiver.spans])
        self.assertEqual(app.terminate()[0], 0)
        stream = self.receiver.wait_span(lambda s: s["name"] == "GET /grids/{name}/events")
        self.assertEqual(stream["attributes"]["http.response.status_code"], 200)

    def test_an_unreachable_endpoint_drops_spans_with_one_line_and_never_fails_a_request(self) -> None:
        app = self.start(OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{free_port()}", OTEL_BSP_SCHEDULE_DELAY="0")
        for i in range(30):
            self.assertEqual(call(app.url(f"/orders/{i}")).status, 200)
        self.assertTrue(app.wait_stderr("dropping trace spans"), app.output())
        for i in range(30):
            self.assertEqual(call(app.url(f"/orders/{i}")).status, 200)
        self.assertEqual(app.terminate()[0], 0)
        lines = [line for line in app.stderr if line.strip()]
        self.assertEqual(len(lines), 1, app.output())
        self.assertIn("cannot reach http://127.0.0.1:", lines[0])

    def test_requests_answer_while_the_receiver_hangs(self) -> None:
        self.receiver.hold()
        app = self.start(OTEL_BSP_SCHEDULE_DELAY="0", OTEL_BSP_MAX_QUEUE_SIZE="4", OTEL_BSP_MAX_EXPORT_BATCH_SIZE="1")
        self.assertEqual(call(app.url("/orders/0")).status, 200)
        self.receiver.wait_requests(1)  # the exporter is now stuck in its first export
        for i in range(1, 40):
            self.assertEqual(call(app.url(f"/orders/{i}"), timeout=5).status, 200)
        self.assertEqual(self.receiver.requests, 1)  # still stuck: every answer above came while it hung
        self.assertTrue(app.wait_stderr("the span queue is full"), app.output())

    def test_a_child_of_the_fork_server_exports_its_own_spans(self) -> None:
        env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PYTHON_DIR), "PYTHONDONTWRITEBYTECODE": "1"}
        server = subprocess.Popen([sys.executable, "-m", "aerogrid.forkserver"], env=env, text=True,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.addCleanup(server.stdout.close)
        self.addCleanup(server.wait, 5)
        self.addCleanup(server.stdin.close)
        self.assertEqual(json.loads(server.stdout.readline()), {"ready": True})
        port = free_port()
        child_env = {**env, "PORT": str(port), "OTEL_EXPORTER_OTLP_ENDPOINT": self.receiver.endpoint,
                     "OTEL_SERVICE_NAME": "forked", "OTEL_BSP_SCHEDULE_DELAY": "20"}
        request = {"id": "r1", "cwd": str(self.folder), "env": child_env, "log": str(self.folder / "child.log")}
        server.stdin.write(json.dumps(request) + "\n")
        server.stdin.flush()
        pid = json.loads(server.stdout.readline())["pid"]
        self.addCleanup(_kill, pid)
        _wait_healthy(port)
        self.assertEqual(call(f"http://127.0.0.1:{port}/orders/5", headers=_traceparent()).status, 200)
        span = self.receiver.wait_span(lambda s: s["attributes"].get("url.path") == "/orders/5")
        self.assertEqual(span["resource"]["process.pid"], pid)
        self.assertEqual(span["resource"]["service.name"], "forked")
        self.assertEqual(span["trace_id"], TRACE_ID)


def _wait_healthy(port: int, timeout: float = 10) -> None:
    """Polls the child's readiness: it is the fork server's child, not ours to wait on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if call(f"http://127.0.0.1:{port}/healthz", timeout=1).status == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.02)
    raise AssertionError(f"nothing answered on {port}")


def _kill(pid: int) -> None:
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass


class ExporterTest(unittest.TestCase):
    """The batch exporter and the sampler on their own, in this process."""

    def setUp(self) -> None:
        self.receiver = OtlpReceiverDouble()
        self.addCleanup(self.receiver.close)

    def _span(self, n: int) -> Span:
        return Span(SpanContext(os.urandom(16).hex(), os.urandom(8).hex(), True), "", f"GET /{n}", {"n": n})

    def test_the_queue_is_bounded_and_overflow_is_counted(self) -> None:
        settings = TraceSettings(endpoint=self.receiver.endpoint + "/v1/traces", schedule_delay=0,
                                 max_queue_size=3, max_export_batch_size=1)
        self.receiver.hold()
        exporter = BatchExporter(settings, {"service.name": "bounded"}, "test", stderr=io.StringIO())
        exporter.add(self._span(0))
        self.receiver.wait_requests(1)  # span 0 is in flight, the queue empty
        for n in range(1, 11):
            exporter.add(self._span(n))
        self.assertEqual(exporter.dropped, 7)
        self.receiver.release()
        exporter.shutdown(5)
        self.assertEqual(exporter.exported, 4)
        self.assertEqual(sorted(s["attributes"]["n"] for s in self.receiver.spans), [0, 1, 2, 3])

    def test_traceidratio_keeps_the_low_ids_and_parentbased_follows_the_parent(self) -> None:
        half = Sampler("traceidratio", 0.5)
        self.assertTrue(half.should_sample("f" * 16 + "7" + "f" * 15, None))
        self.assertFalse(half.should_sample("0" * 16 + "8" + "0" * 15, None))
        parented = Sampler("parentbased_traceidratio", 0.0)
        sampled, unsampled = (parse_traceparent(f"00-{TRACE_ID}-{PARENT_ID}-{flags}") for flags in ("01", "00"))
        self.assertTrue(parented.should_sample(TRACE_ID, sampled))
        self.assertFalse(parented.should_sample(TRACE_ID, unsampled))
        self.assertFalse(parented.should_sample(TRACE_ID, None))
        self.assertFalse(Sampler("parentbased_always_off").should_sample(TRACE_ID, None))
        self.assertTrue(Sampler("parentbased_always_off").should_sample(TRACE_ID, sampled))

    def test_settings_follow_the_standard_variables(self) -> None:
        warnings: list[str] = []
        settings = TraceSettings.from_environ({
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/",
            "OTEL_EXPORTER_OTLP_HEADERS": "api-key=s%3Dcret,x=1",
            "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "2500",
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": "0.25",
            "OTEL_BSP_MAX_QUEUE_SIZE": "100",
            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "500",
            "OTEL_BSP_SCHEDULE_DELAY": "soon",
        }, warnings.append)
        assert settings is not None
        self.assertEqual(settings.endpoint, "http://collector:4318/v1/traces")
        self.assertEqual(dict(settings.headers), {"api-key": "s=cret", "x": "1"})
        self.assertEqual(settings.export_timeout, 2.5)
        self.assertEqual(settings.sampler, Sampler("parentbased_traceidratio", 0.25))
        self.assertEqual((settings.max_queue_size, settings.max_export_batch_size, settings.schedule_delay), (100, 100, 5.0))
        self.assertEqual(len(warnings), 1)
        self.assertIn("OTEL_BSP_SCHEDULE_DELAY", warnings[0])
        traces_only = TraceSettings.from_environ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://jaeger:4318/custom",
                                                  "OTEL_EXPORTER_OTLP_ENDPOINT": "http://other:4318"})
        self.assertEqual(traces_only.endpoint if traces_only else None, "http://jaeger:4318/custom")
        self.assertIsNone(TraceSettings.from_environ({}))
        self.assertIsNone(TraceSettings.from_environ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "TRUE"}))
        self.assertIsNone(TraceSettings.from_environ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
                                                     warnings.append))
        self.assertIn("'grpc' is not supported", warnings[-1])

    def test_a_tracer_started_before_fork_is_replaced_in_the_child(self) -> None:
        script = textwrap.dedent(f"""
            import os, sys
            from aerogrid import tracing
            from aerogrid.tracing import Span, SpanContext
            env = {{"OTEL_EXPORTER_OTLP_ENDPOINT": {self.receiver.endpoint!r}, "OTEL_BSP_SCHEDULE_DELAY": "10000"}}
            parent = tracing.start(env)
            parent.start_server_span("GET", "/queued-in-parent", {{}}, ("127.0.0.1", 1)).end(200)
            pid = os.fork()
            if pid == 0:
                child = tracing.start(env)
                assert child is not parent
                child.start_server_span("GET", "/from-child", {{}}, ("127.0.0.1", 1)).end(200)
                tracing.shutdown(5)
                os._exit(0)
            os.waitpid(pid, 0)
            tracing.shutdown(5)
            print(pid)
        """)
        done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(PYTHON_DIR)},
                              capture_output=True, text=True, timeout=20)
        self.assertEqual(done.returncode, 0, done.stderr)
        child_pid = int(done.stdout.strip())
        by_path = {s["attributes"]["url.path"]: s["resource"]["process.pid"] for s in self.receiver.spans}
        self.assertEqual(by_path["/from-child"], child_pid)
        self.assertNotEqual(by_path["/queued-in-parent"], child_pid)
        self.assertEqual(len(self.receiver.spans), 2)  # the child did not export the parent's queue again


if __name__ == "__main__":
    unittest.main()
