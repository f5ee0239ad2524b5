"""Shared pieces of the renderer tests: an action recorder, widgets from JSON, a test page."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable
from typing import Any

from chatkit.actions import ActionConfig
from chatkit.widgets import WidgetRoot
from nicegui import ui
from nicegui.testing import User
from pydantic import TypeAdapter

from chatkit_bridge.ui.renderer import WidgetView

RENDERER_LOGGER = "chatkit_bridge.ui.renderer"


class Recorder:
    """An on_action handler that records calls and can be held open to simulate a slow server."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.release = asyncio.Event()
        self.release.set()
        self.during: Callable[[], None] | None = None
        self.finished = 0

    async def __call__(self, action: ActionConfig, payload: dict[str, Any]) -> None:
        self.calls.append((action.type, payload))
        if self.during is not None:
            self.during()
        await self.release.wait()
        self.finished += 1


def widget(data: dict[str, Any]) -> WidgetRoot:
    """Build a widget the way a reloaded thread item does: from JSON via TypeAdapter."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return TypeAdapter(WidgetRoot).validate_python(data)


def card(*children: dict[str, Any], **props: Any) -> WidgetRoot:
    return widget({"type": "Card", "children": list(children), **props})


def action(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, **fields}


async def show(
    user: User, root: WidgetRoot, recorder: Recorder | None = None, **kwargs: Any
) -> WidgetView:
    """Render one widget on a fresh test page and return its view."""
    views: list[WidgetView] = []

    @ui.page("/widget")
    def page() -> None:
        views.append(WidgetView(root, on_action=recorder or Recorder(), **kwargs))

    await user.open("/widget")
    return views[0]
