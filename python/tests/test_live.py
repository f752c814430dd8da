"""Grids, topics and streams over HTTP and Server-Sent Events."""

from __future__ import annotations

import shutil
import time
import unittest

from support import AppProcess, EventSource, call, write_app

APP = """
    import itertools
    from aerogrid import App, Record

    class Item(Record):
        id: str
        name: str
        qty: int = 0
        price: float = 0.0
        ok: bool = True

    app = App("live")
    items = app.Grid("items", Item)
    items.upsert(Item(id="a", name="apple", qty=3))
    chat = app.topic("chat")

    @app.post("/items")
    def put_item(request):
        return {"version": items.upsert(request.json())}

    @app.delete("/items/{key}")
    def delete_item(key):
        return {"deleted": items.delete(key)}

    @app.post("/chat")
    def say(request):
        return {"id": chat.publish(request.json())}

    counter = itertools.count(1)

    @app.stream("ticks", interval=0.05)
    def tick():
        return {"n": next(counter)}

    @app.stream("letters", interval=0.05)
    def letters():
        for letter in itertools.cycle("abc"):
            yield letter

    @app.stream("quiet")
    def nothing():
        return None
"""


class LiveTests(unittest.TestCase):
    folder = None
    app: AppProcess

    @classmethod
    def setUpClass(cls) -> None:
        cls.folder = write_app(APP)
        cls.app = AppProcess(cls.folder, env={"AEROGRID_SSE_KEEPALIVE": "0.2"}).wait_serving()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.app.close()
        shutil.rmtree(cls.folder, ignore_errors=True)

    def test_grid_snapshot(self) -> None:
        snapshot = call(self.app.url("/grids/items")).json()
        self.assertEqual(snapshot["name"], "items")
        self.assertEqual(snapshot["columns"], [
            {"name": "id", "type": "string"}, {"name": "name", "type": "string"}, {"name": "qty", "type": "integer"},
            {"name": "price", "type": "number"}, {"name": "ok", "type": "boolean"}])
        self.assertIn({"id": "a", "name": "apple", "qty": 3, "price": 0.0, "ok": True}, snapshot["rows"])
        self.assertGreaterEqual(snapshot["version"], 1)

    def test_grid_listing_and_unknown_grid(self) -> None:
        grids = call(self.app.url("/grids")).json()["grids"]
        self.assertEqual([g["name"] for g in grids], ["items"])
        self.assertEqual(call(self.app.url("/grids/nope")).status, 404)
        self.assertEqual(call(self.app.url("/grids/nope/events")).status, 404)

    def test_grid_events_start_with_a_snapshot_then_follow_changes(self) -> None:
        with EventSource(self.app.url("/grids/items/events")) as events:
            first = events.next_event()
            self.assertEqual(first["event"], "snapshot")
            version = first["data"]["version"]
            epoch, _, number = first["id"].partition("-")
            self.assertEqual(number, str(version))
            self.assertIn("a", [row["id"] for row in first["data"]["rows"]])

            self.assertEqual(call(self.app.url("/items"), "POST", {"id": "sse", "name": "pear", "qty": 1}).status, 200)
            upsert = events.next_event()
            self.assertEqual(upsert["event"], "upsert")
            self.assertEqual(upsert["data"], {"row": {"id": "sse", "name": "pear", "qty": 1, "price": 0.0, "ok": True},
                                              "version": version + 1})
            self.assertEqual(upsert["id"], f"{epoch}-{version + 1}")

            self.assertEqual(call(self.app.url("/items/sse"), "DELETE").json(), {"deleted": True})
            delete = events.next_event()
            self.assertEqual((delete["event"], delete["data"]), ("delete", {"key": "sse", "version": version + 2}))

    def test_event_streams_are_sse_with_keep_alive_comments(self) -> None:
        with EventSource(self.app.url("/topics/chat/events")) as events:
            headers = events.response.headers
            self.assertEqual(headers["Content-Type"], "text/event-stream; charset=utf-8")
            self.assertEqual(headers["Cache-Control"], "no-cache")
            started = time.monotonic()
            while True:
                block = events.next_block()
                assert block is not None
                if "" in block:  # a comment line
                    self.assertEqual(block[""], ["keep-alive"])
                    break
            self.assertLess(time.monotonic() - started, 2)

    def test_topic_events(self) -> None:
        with EventSource(self.app.url("/topics/chat/events")) as events:
            sent = call(self.app.url("/chat"), "POST", {"from": "ada", "text": "hi"}).json()
            event = events.next_event()
            self.assertEqual((event["event"], event["data"]), ("message", {"from": "ada", "text": "hi"}))
            self.assertEqual(event["id"].partition("-")[2], str(sent["id"]))

    def test_grid_events_resume_after_the_last_event_id(self) -> None:
        with EventSource(self.app.url("/grids/items/events")) as events:
            last = events.next_event()["id"]
        call(self.app.url("/items"), "POST", {"id": "missed", "name": "fig"})
        with EventSource(self.app.url("/grids/items/events"), headers={"Last-Event-ID": last}) as events:
            replayed = events.next_event()
            self.assertEqual((replayed["event"], replayed["data"]["row"]["id"]), ("upsert", "missed"))
        for unknown in ["00000000-1", last.partition("-")[0] + "-999999", "garbage"]:
            with EventSource(self.app.url("/grids/items/events"), headers={"Last-Event-ID": unknown}) as events:
                self.assertEqual(events.next_event()["event"], "snapshot", unknown)

    def test_topic_events_resume_after_the_last_event_id(self) -> None:
        first = call(self.app.url("/chat"), "POST", {"text": "one"}).json()["id"]
        with EventSource(self.app.url("/topics/chat/events")) as events:
            mine = call(self.app.url("/chat"), "POST", {"text": "two"}).json()["id"]
            last = events.next_event()["id"]
        self.assertEqual(last.partition("-")[2], str(mine))
        call(self.app.url("/chat"), "POST", {"text": "three"})
        with EventSource(self.app.url("/topics/chat/events"), headers={"Last-Event-ID": last}) as events:
            self.assertEqual(events.next_event()["data"], {"text": "three"})
        self.assertLess(first, mine)

    def test_unknown_topic_is_404(self) -> None:
        self.assertEqual(call(self.app.url("/topics/nope/events")).status, 404)

    def test_a_function_stream_publishes_every_interval(self) -> None:
        with EventSource(self.app.url("/topics/ticks/events")) as events:
            numbers = [events.next_event()["data"]["n"] for _ in range(3)]
        self.assertEqual(numbers, sorted(numbers))
        self.assertEqual(len(set(numbers)), 3)

    def test_a_generator_stream_publishes_what_it_yields(self) -> None:
        with EventSource(self.app.url("/topics/letters/events")) as events:
            letters = [events.next_event()["data"] for _ in range(4)]
        self.assertTrue(set(letters) <= {"a", "b", "c"}, letters)
        self.assertEqual(letters[1], {"a": "b", "b": "c", "c": "a"}[letters[0]])

    def test_topic_listing_shows_streams(self) -> None:
        topics = {t["name"]: t["published"] for t in call(self.app.url("/topics")).json()["topics"]}
        self.assertEqual(set(topics), {"chat", "ticks", "letters", "quiet"})
        self.assertEqual(topics["quiet"], 0, "None is never published")


if __name__ == "__main__":
    unittest.main()
