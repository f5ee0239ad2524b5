"""The widget gallery: one example of every ChatKit component, rendered by the real renderer."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from chatkit.actions import ActionConfig
from nicegui import ui

from .gallery_widgets import GALLERY, GalleryExample
from .renderer import WidgetView

__all__ = ["GALLERY", "GalleryExample", "describe_action", "render_gallery"]


def describe_action(action: ActionConfig, payload: dict[str, Any]) -> str:
    """Format an action as the gallery's toast text: `<type> <payload as sorted JSON>`."""
    return f"{action.type} {json.dumps(payload, sort_keys=True, default=str)}"


async def _notify_action(action: ActionConfig, payload: dict[str, Any]) -> None:
    # The optional delay lets the loading-behaviour examples show their spinners.
    delay = payload.get("delay")
    if isinstance(delay, int | float) and delay > 0:
        await asyncio.sleep(min(float(delay), 5.0))
    ui.notify(describe_action(action, payload))


def _notify_client_action(action: ActionConfig, payload: dict[str, Any]) -> None:
    ui.notify(f"client: {describe_action(action, payload)}", type="info")


def render_example(example: GalleryExample) -> WidgetView:
    """Render one gallery example under its heading."""
    ui.label(example.title).classes("text-lg font-semibold mt-6 ck-gallery-title")
    if example.read_only:
        ui.label("read_only=True: controls disabled, no actions").classes("text-sm text-grey-7")
    return WidgetView(
        example.widget,
        on_action=_notify_action,
        client_actions={"gallery.client": _notify_client_action},
        read_only=example.read_only,
    )


def render_gallery() -> None:
    """Render the gallery into the current page."""
    with ui.column().classes("w-full max-w-3xl mx-auto p-4 gap-2"):
        ui.label("Widget gallery").classes("text-3xl font-bold")
        ui.label(
            "Every ChatKit widget component as the chat renders it. Clicking an action shows its "
            "type and merged payload."
        ).classes("text-grey-8")
        for example in GALLERY:
            render_example(example)
