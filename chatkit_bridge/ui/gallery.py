"""The widget gallery: one example of every ChatKit component, rendered by the real renderer."""

from __future__ import annotations

import asyncio
import json
import warnings
from typing import Any

from chatkit.actions import ActionConfig
from nicegui import ui

from . import gallery_buttons as buttons
from . import gallery_forms as forms
from . import gallery_tables as tables
from . import gallery_widgets as display
from .gallery_widgets import GalleryExample
from .renderer import WidgetView

__all__ = ["GALLERY", "GalleryExample", "build_gallery", "describe_action", "render_gallery"]


def build_gallery() -> list[GalleryExample]:
    """Build every gallery example in page order."""
    # Instantiating named widget classes emits a DeprecationWarning; the gallery uses them
    # on purpose (they are typed and self-documenting), so silence it here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return [
            GalleryExample("Text", display.text_examples()),
            GalleryExample("Title, Caption, Markdown", display.title_examples()),
            GalleryExample("Badge", display.badge_examples()),
            GalleryExample("Button", buttons.button_examples()),
            GalleryExample("Icon", buttons.icon_examples()),
            GalleryExample(
                "Layout: Box, Row, Col, Spacer, Divider, Transition", display.layout_examples()
            ),
            GalleryExample("Chart and Image", display.media_examples()),
            GalleryExample("Form", forms.form_example()),
            GalleryExample("Controls", forms.control_examples()),
            GalleryExample("ListView", forms.list_view_example()),
            *forms.card_examples(),
            *tables.new_in_1_9_examples(),
            GalleryExample("Actions and loading behaviours", forms.behaviour_examples()),
            *forms.fallback_examples(),
            forms.read_only_example(),
        ]


GALLERY: list[GalleryExample] = build_gallery()
"""Every gallery example (title, widget, read_only), in page order."""


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
        ui.link("← Back to the chat", "/").classes("gallery-back").mark("gallery-back")
        ui.label("Widget gallery").classes("text-3xl font-bold").props("role=heading aria-level=1")
        ui.label(
            "Every ChatKit widget component as the chat renders it. Clicking an action shows its "
            "type and merged payload."
        ).classes("text-grey-8")
        for example in GALLERY:
            render_example(example)
