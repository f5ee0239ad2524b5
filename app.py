"""ChatKit Todo: wiring only. Run with `python app.py`."""

from nicegui import app, ui

from chatkit_bridge.ui.gallery import render_gallery


@app.get("/healthz")
def healthz() -> dict[str, str]:
    """Answer 200 while the process is alive."""
    return {"status": "ok"}


@ui.page("/")
def index() -> None:
    """Show the chat (placeholder until the chat page lands)."""
    ui.label("ChatKit Todo")


@ui.page("/gallery")
def gallery() -> None:
    """Show every widget component."""
    render_gallery()


if __name__ in {"__main__", "__mp_main__"}:
    ui.run(host="127.0.0.1", port=8000, reload=False, show=False)
