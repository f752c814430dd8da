"""Hello world: the smallest AeroGrid app."""

from aerogrid import App

app = App("hello")


@app.get("/")
def index() -> dict[str, str]:
    """Answer GET / with a greeting."""
    return {"message": "Hello from AeroGrid"}
