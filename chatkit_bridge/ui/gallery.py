"""The widget gallery: one example of every ChatKit component."""

from nicegui import ui


def render_gallery() -> None:
    """Render the gallery into the current page."""
    ui.label("Widget gallery")
