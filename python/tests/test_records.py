"""Record, Grid and Topic in process (no server)."""

from __future__ import annotations

import datetime as dt
import threading
import unittest
from typing import ClassVar, Optional

import support  # noqa: F401 - puts the SDK on sys.path
from aerogrid import Grid, Record, Topic
from aerogrid.live import encode_event


class Item(Record):
    id: int
    name: str
    price: float = 0.0
    tags: list = []
    when: Optional[dt.date] = None
    kind: ClassVar[str] = "item"


class Special(Item):
    note: str = ""


class RecordTests(unittest.TestCase):
    def test_keyword_constructor_with_defaults(self) -> None:
        item = Item(id=1, name="a")
        self.assertEqual((item.id, item.name, item.price, item.tags, item.when), (1, "a", 0.0, [], None))

    def test_mutable_defaults_are_not_shared(self) -> None:
        a, b = Item(id=1, name="a"), Item(id=2, name="b")
        a.tags.append("x")
        self.assertEqual(b.tags, [])

    def test_missing_and_unknown_fields_are_type_errors(self) -> None:
        with self.assertRaisesRegex(TypeError, "name"):
            Item(id=1)
        with self.assertRaisesRegex(TypeError, "colour"):
            Item(id=1, name="a", colour="red")

    def test_to_dict_and_from_dict_round_trip(self) -> None:
        item = Item(id=1, name="a", price=2.5, tags=["t"], when=dt.date(2026, 1, 2))
        self.assertEqual(item.to_dict(), {"id": 1, "name": "a", "price": 2.5, "tags": ["t"], "when": dt.date(2026, 1, 2)})
        self.assertEqual(Item.from_dict(item.to_dict()), item)

    def test_from_dict_converts_json_values_and_ignores_extra_keys(self) -> None:
        item = Item.from_dict({"id": "7", "name": "a", "price": 3, "when": "2026-05-01", "extra": True})
        self.assertEqual((item.id, item.price, item.when), (7, 3.0, dt.date(2026, 5, 1)))
        self.assertIsInstance(item.price, float)
        with self.assertRaisesRegex(ValueError, "Item.id"):
            Item.from_dict({"id": "seven", "name": "a"})

    def test_columns_inheritance_and_classvars(self) -> None:
        self.assertEqual(
            Special.columns(),
            [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}, {"name": "price", "type": "number"},
             {"name": "tags", "type": "array"}, {"name": "when", "type": "date"}, {"name": "note", "type": "string"}],
        )
        self.assertEqual(Special(id=1, name="a", note="n").note, "n")

    def test_repr_and_equality(self) -> None:
        self.assertEqual(repr(Special(id=1, name="a")), "Special(id=1, name='a', price=0.0, tags=[], when=None, note='')")
        self.assertNotEqual(Item(id=1, name="a"), Item(id=1, name="b"))


class GridTests(unittest.TestCase):
    def test_upsert_update_delete_and_versions(self) -> None:
        grid: Grid[Item] = Grid("items", Item)
        self.assertEqual(grid.upsert(Item(id=1, name="a")), 1)
        self.assertEqual(grid.upsert({"id": 2, "name": "b"}), 2)
        self.assertEqual(grid.upsert(Item(id=1, name="a2")), 3)
        self.assertEqual([r.name for r in grid.rows()], ["a2", "b"])
        self.assertEqual(grid.update(2, price=9).price, 9)
        self.assertTrue(grid.delete(1))
        self.assertFalse(grid.delete(1))
        self.assertEqual((len(grid), grid.version, 2 in grid), (1, 5, True))
        with self.assertRaises(KeyError):
            grid.update(1, name="x")

    def test_rows_are_copies(self) -> None:
        grid: Grid[Item] = Grid("items", Item)
        grid.upsert(Item(id=1, name="a", tags=["x"]))
        grid.rows()[0].tags.append("changed")
        item = grid.get(1)
        assert item is not None
        self.assertEqual(item.tags, ["x"])

    def test_rejects_a_missing_key_field_and_foreign_records(self) -> None:
        with self.assertRaises(ValueError):
            Grid("items", Item, key="sku")
        with self.assertRaises(TypeError):
            Grid("items", Item).upsert(object())  # type: ignore[arg-type]

    def test_subscription_starts_with_a_snapshot_then_changes_in_order(self) -> None:
        grid: Grid[Item] = Grid("items", Item)
        grid.upsert(Item(id=1, name="a"))
        sub = grid.subscribe()
        grid.delete(1)
        sub.close()
        events = b"".join(sub.messages(keepalive=1)).split(b"\n\n")
        epoch = grid._replay.epoch.encode()
        self.assertTrue(events[0].startswith(b"event: snapshot\nid: " + epoch + b"-1\n"))
        self.assertTrue(events[1].startswith(b"event: delete\nid: " + epoch + b"-2\n"))

    def test_events_queued_while_the_reader_is_away_come_as_one_chunk(self) -> None:
        grid: Grid[Item] = Grid("items", Item)
        sub = grid.subscribe()
        for i in range(3):
            grid.upsert(Item(id=i, name="x"))
        messages = sub.messages(keepalive=1)
        first = next(messages)
        self.assertEqual(first.count(b"event: "), 4)  # the snapshot and the three upserts, one write
        grid.upsert(Item(id=9, name="y"))
        self.assertTrue(next(messages).startswith(b"event: upsert\nid: " + grid._replay.epoch.encode() + b"-4\n"))

    def test_a_subscriber_too_far_behind_is_dropped_and_its_stream_ends(self) -> None:
        grid: Grid[Item] = Grid("items", Item)
        sub = grid.subscribe()
        for i in range(1000):
            grid.upsert(Item(id=i, name="x"))
        self.assertTrue(sub.closed)
        self.assertEqual(list(sub.messages(keepalive=1)), [])
        grid.upsert(Item(id=1, name="z"))  # no longer subscribed: nothing is queued for it

    def test_concurrent_upserts_lose_nothing(self) -> None:
        grid: Grid[Item] = Grid("items", Item)

        def writer(offset: int) -> None:
            for i in range(200):
                grid.upsert(Item(id=offset + i, name="x"))

        threads = [threading.Thread(target=writer, args=(n * 1000,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual((len(grid), grid.version), (800, 800))


class TopicTests(unittest.TestCase):
    def test_publish_reaches_subscribers_with_sequence_ids(self) -> None:
        topic = Topic("t")
        topic.publish({"before": True})
        sub = topic.subscribe()
        self.assertEqual(topic.publish(Item(id=1, name="a")), 2)
        topic.close()
        self.assertEqual(list(sub.messages(keepalive=1)), [encode_event(None, '{"id":1,"name":"a","price":0.0,"tags":[],"when":null}', f"{topic._replay.epoch}-2")])

    def test_unencodable_messages_fail_before_sending(self) -> None:
        topic = Topic("t")
        with self.assertRaises(TypeError):
            topic.publish(object())
        self.assertEqual(topic.published, 0)


if __name__ == "__main__":
    unittest.main()
