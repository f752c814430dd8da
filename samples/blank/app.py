"""A new AeroGrid app: add routes below, save, and call them from the request panel."""

from aerogrid import App

app = App()


@app.get("/")
def index() -> dict[str, str]:
    """Answer GET / with JSON."""
    return {"status": "ok"}
