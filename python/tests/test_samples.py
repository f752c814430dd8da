"""The samples the platform ships: samples/hello and samples/orders."""

from __future__ import annotations

import time
import unittest

from support import SAMPLES, AppProcess, EventSource, call


class HelloSampleTests(unittest.TestCase):
    def test_says_hello(self) -> None:
        self.assertEqual((SAMPLES / "hello" / "requirements.txt").read_text(), "")
        with AppProcess(SAMPLES / "hello").wait_serving() as app:
            self.assertEqual(call(app.url("/")).json(), {"message": "Hello from AeroGrid"})
            self.assertEqual(call(app.url("/healthz")).json(), {"status": "ok"})
            self.assertEqual(app.terminate()[0], 0, app.output())


class OrdersSampleTests(unittest.TestCase):
    app: AppProcess

    @classmethod
    def setUpClass(cls) -> None:
        cls.app = AppProcess(SAMPLES / "orders").wait_serving()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.app.close()

    def test_the_grid_is_seeded_with_typed_columns(self) -> None:
        snapshot = call(self.app.url("/grids/orders")).json()
        self.assertEqual([c["name"] for c in snapshot["columns"]], ["id", "customer", "product", "quantity", "price", "status"])
        self.assertEqual([c["type"] for c in snapshot["columns"]], ["integer", "string", "string", "integer", "number", "string"])
        self.assertGreaterEqual(len(snapshot["rows"]), 4)
        self.assertEqual(call(self.app.url("/orders/1001")).json()["customer"], "Ada Lovelace")
        self.assertEqual(call(self.app.url("/orders/9")).status, 404)

    def test_post_adds_an_order_that_live_clients_see(self) -> None:
        with EventSource(self.app.url("/grids/orders/events")) as events:
            self.assertEqual(events.next_event()["event"], "snapshot")
            reply = call(self.app.url("/orders"), "POST", {"customer": "Edsger", "product": "Semaphore", "quantity": "2", "price": 3})
            self.assertEqual(reply.status, 201, reply.text)
            order = reply.json()
            self.assertEqual((order["quantity"], order["price"], order["status"]), (2, 3.0, "new"))
            while True:  # status changes from the stream may come first
                event = events.next_event()
                if event["event"] == "upsert" and event["data"]["row"]["id"] == order["id"]:
                    break
        stored = call(self.app.url(f"/orders/{order['id']}")).json()
        self.assertEqual((stored["customer"], stored["product"]), ("Edsger", "Semaphore"))  # the status may have moved on

    def test_invalid_orders_are_400(self) -> None:
        self.assertEqual(call(self.app.url("/orders"), "POST", {"customer": "x"}).status, 400)
        self.assertEqual(call(self.app.url("/orders"), "POST", [1, 2]).status, 400)
        self.assertEqual(call(self.app.url("/orders"), "POST", {"customer": "x", "product": "y", "quantity": "many"}).status, 400)

    def test_the_stream_moves_order_statuses(self) -> None:
        started = time.monotonic()
        with EventSource(self.app.url("/topics/order-updates/events"), timeout=5) as updates:
            update = updates.next_event()
        self.assertLess(time.monotonic() - started, 3)
        self.assertIn(update["data"]["status"], ["new", "paid", "packed", "shipped", "delivered"])
        self.assertEqual(call(self.app.url(f"/orders/{update['data']['id']}")).json()["status"], update["data"]["status"])


if __name__ == "__main__":
    unittest.main()
