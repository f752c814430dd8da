"""AeroGrid SDK: what user apps import.

```
from aerogrid import App, Record, Response

class Order(Record):
    id: int
    customer: str
    status: str = "new"

app = App()
orders = app.Grid("orders", Order)          # GET /grids/orders, /grids/orders/events (SSE)

@app.get("/orders/{id}")
def get_order(id: int):
    return orders.get(id) or Response(404, {"error": "no such order"})

@app.stream("ticks", interval=1.0)          # GET /topics/ticks/events (SSE)
def tick():
    return {"orders": len(orders)}
```

The platform runs ``python -m aerogrid`` in the app's folder with ``$PORT`` set;
it executes ``app.py`` (or ``$AEROGRID_ENTRYPOINT``) and serves the App it
created. Standard library only.
"""

from .application import App
from .live import Grid, Topic
from .records import Record
from .web import HTTPError, Request, Response

__version__ = "0.1.0"

__all__ = ["App", "Grid", "HTTPError", "Record", "Request", "Response", "Topic", "__version__"]
