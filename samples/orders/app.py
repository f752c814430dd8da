"""Orders: a live grid of orders whose statuses move on their own.

GET  /grids/orders         the grid (columns, rows, version)
GET  /grids/orders/events  live changes (Server-Sent Events)
GET  /orders/{id}          one order
POST /orders               add an order: {"customer", "product", "quantity", "price"}
GET  /topics/order-updates/events   each status change as it happens
"""

import itertools
import random

from aerogrid import App, HTTPError, Record, Request, Response


class Order(Record):
    """One customer order."""

    id: int
    customer: str
    product: str
    quantity: int = 1
    price: float = 0.0
    status: str = "new"


STATUSES = ["new", "paid", "packed", "shipped", "delivered"]

app = App("orders")
orders = app.Grid("orders", Order, key="id")

for order in [
    Order(id=1001, customer="Ada Lovelace", product="Analytical engine gears", quantity=12, price=4.5),
    Order(id=1002, customer="Grace Hopper", product="Compiler manual", quantity=1, price=29.0, status="paid"),
    Order(id=1003, customer="Alan Turing", product="Paper tape", quantity=40, price=0.75, status="packed"),
    Order(id=1004, customer="Katherine Johnson", product="Slide rule", quantity=2, price=15.0, status="shipped"),
]:
    orders.upsert(order)

_next_id = itertools.count(1005)


@app.get("/orders/{id}")
def get_order(id: int) -> Order:
    """One order, or 404."""
    order = orders.get(id)
    if order is None:
        raise HTTPError(404, f"no order {id}")
    return order


@app.post("/orders")
def add_order(request: Request) -> Response:
    """Add an order from a JSON body; the id is assigned unless given."""
    data = request.json()
    if not isinstance(data, dict):
        raise HTTPError(400, "expected a JSON object")
    data.setdefault("id", next(_next_id))
    try:
        order = Order.from_dict(data)
    except (TypeError, ValueError) as exc:
        raise HTTPError(400, str(exc)) from None
    orders.upsert(order)
    return Response(201, order)


@app.stream("order-updates", interval=2)
def advance_an_order() -> Order | None:
    """Every 2 s move a random order to its next status, so the live view moves."""
    rows = orders.rows()
    if not rows:
        return None
    order = random.choice(rows)
    position = STATUSES.index(order.status) if order.status in STATUSES else -1
    return orders.update(order.id, status=STATUSES[(position + 1) % len(STATUSES)])
