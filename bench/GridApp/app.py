"""The grid benchmark's app: one live grid, updated on a schedule, each update stamped with the time it was made.

GRID_ROWS (1000) rows; GRID_RATE (1000) updates a second, spread over the rows in turn. A client of
``/grids/ticks/events`` measures delivery latency as the time it reads an update minus the row's ``stamp``.
"""

import os
import time

from aerogrid import App, Record


class Tick(Record):
    """One row; ``stamp`` is the wall-clock time (ms since the epoch) of the update that wrote it."""

    id: int
    seq: int = 0
    price: float = 100.0
    stamp: float = 0.0


ROWS = int(os.environ.get("GRID_ROWS") or 1000)
RATE = int(os.environ.get("GRID_RATE") or 1000)

app = App("grid-bench")
ticks = app.Grid("ticks", Tick)
for row in range(ROWS):
    ticks.upsert(Tick(id=row, stamp=time.time() * 1000))


@app.stream("progress", interval=0.001)
def update_on_schedule():
    """Keep to RATE updates a second: each pass (about 1 ms apart) makes the updates now due, so a stall is caught up."""
    start = time.monotonic()
    made = 0
    while True:
        due = int((time.monotonic() - start) * RATE)
        while made < due:
            made += 1
            ticks.upsert(Tick(id=made % ROWS, seq=made, price=100.0 + made % 97, stamp=time.time() * 1000))
        yield None  # nothing to publish: the grid's own events are what is measured
