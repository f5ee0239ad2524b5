"""Shared plumbing for the widget renderer: nodes, render context, form scopes, dispatch."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from nicegui import ui
from nicegui.context import context
from pydantic import BaseModel

from .widget_palette import PALETTE

logger = logging.getLogger("chatkit_bridge.ui.renderer")

Node = dict[str, Any]
"""A widget component as a plain JSON-like dict (the renderer never relies on model classes)."""


def to_plain(value: Any) -> Any:
    """Turn widget models (strict, dynamic or dicts mixing both) into plain JSON-like data."""
    if isinstance(value, BaseModel):
        # mode="json" turns datetimes into ISO strings and ActionConfig into dicts.
        return to_plain(value.model_dump(mode="json", exclude_none=True, warnings=False))
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value if v is not None]
    return value


def child_nodes(node: Node) -> list[Any]:
    """Return the children of a node as a list, whether given as one child or many."""
    children = node.get("children")
    if children is None:
        return []
    return children if isinstance(children, list) else [children]


class ActionHost(Protocol):
    """What renderers need from the widget view: action dispatch and bookkeeping."""

    read_only: bool

    def run_action(
        self,
        action: Any,
        *,
        control: ui.element | None = None,
        form: FormScope | None = None,
        own: tuple[str, Any] | None = None,
        submit: bool = False,
    ) -> Awaitable[None]:
        """Dispatch an action config triggered by a control."""
        ...

    def register(self, node: Node, element: ui.element, ctx: RenderContext) -> None:
        """Remember a rendered component with an id for later in-place updates."""
        ...


@dataclass
class FormField:
    """A named control inside a form: how to read, reset and validate it."""

    name: str
    element: ui.element
    get: Callable[[], Any]
    reset: Callable[[], None]
    validate: Callable[[], bool] = lambda: True


@dataclass(eq=False)
class FormScope:
    """The named fields of one Form (or Card with asForm) and its submit action."""

    submit_action: Any = None
    fields: list[FormField] = field(default_factory=list)

    def live_fields(self) -> Iterator[FormField]:
        """Yield the fields whose elements still exist."""
        return (f for f in self.fields if not f.element.is_deleted)

    def values(self) -> dict[str, Any]:
        """Return the current value of every named field."""
        return {f.name: f.get() for f in self.live_fields()}

    def validate(self) -> bool:
        """Validate every field (showing errors) and tell whether all passed."""
        return all([f.validate() for f in self.live_fields()])  # a list: show every error

    def reset(self) -> None:
        """Reset every field to its default value."""
        for f in self.live_fields():
            f.reset()


@dataclass
class Rendered:
    """A component with an id as last rendered: its node, its element and where it sits."""

    node: Node
    element: ui.element
    ctx: RenderContext


@dataclass(frozen=True)
class RenderContext:
    """Where a component renders: its host, enclosing form and parent flex direction."""

    host: ActionHost
    form: FormScope | None = None
    direction: str = "col"
    header: bool = False  # inside a Table.Row with `header`: cells render as <th>
    subject: str | None = None  # the text beside an unlabeled checkbox, which names it
    # What text here is drawn on, as (light, dark) #rrggbb: the surface, or a box's background.
    background: tuple[str, str] = PALETTE["surface"]

    def with_background(self, background: tuple[str, str]) -> RenderContext:
        """Return a copy for children drawn on `background` (light, dark)."""
        return replace(self, background=background)

    def with_subject(self, subject: str | None) -> RenderContext:
        """Return a copy whose unlabeled checkboxes are about `subject`."""
        return replace(self, subject=subject)

    def with_form(self, form: FormScope) -> RenderContext:
        """Return a copy whose named fields register in `form`."""
        return replace(self, form=form)

    def with_direction(self, direction: str) -> RenderContext:
        """Return a copy for children laid out in `direction` ("row" or "col")."""
        return replace(self, direction=direction)

    def with_header(self, header: bool) -> RenderContext:
        """Return a copy whose table cells are header cells (or not)."""
        return replace(self, header=header)


Renderer = Callable[[Node, RenderContext], ui.element]
RENDERERS: dict[str, Renderer] = {}


def renders(*types: str) -> Callable[[Renderer], Renderer]:
    """Register a function as the renderer of the given component types."""

    def decorate(func: Renderer) -> Renderer:
        for type_name in types:
            RENDERERS[type_name] = func
        return func

    return decorate


def placeholder(text: str) -> ui.element:
    """Render a visible dashed box explaining what could not be shown."""
    return (
        ui.label(text)
        .classes("ck-placeholder")
        .style(
            "border: 1px dashed #c7c7cc; border-radius: 6px; padding: 6px 10px; "
            "color: var(--ck-text-secondary, #5d5d5d); font-size: 13px"
        )
    )


def render_node(raw: Any, ctx: RenderContext) -> ui.element:
    """Render one component; unknown types and failures become a placeholder, never an error."""
    node = to_plain(raw) if isinstance(raw, BaseModel) else raw  # keep tree dicts: deltas edit them
    if not isinstance(node, dict):
        logger.warning("Widget child is not a component: %r", node)
        return placeholder("Unsupported component: (not an object)")
    type_name = str(node.get("type") or "?")
    renderer = RENDERERS.get(type_name)
    if renderer is None:
        # Expected for newer ChatKit components; the placeholder says enough.
        logger.info("No renderer for widget component type %r", type_name)
        return placeholder(f"Unsupported component: {type_name}")
    slot = context.slot
    before = list(slot.children)
    try:
        element = renderer(node, ctx)
    except Exception:
        logger.exception("Failed to render widget component %r (id=%r)", type_name, node.get("id"))
        for child in [c for c in slot.children if c not in before]:
            child.delete()  # drop the half-built component before showing the placeholder
        return placeholder(f"Unsupported component: {type_name} (failed to render)")
    # Markers let tests and callers find a component by its id or field name.
    markers = [str(node[key]) for key in ("id", "name") if isinstance(node.get(key), str)]
    if markers:
        element.mark(*markers)
    if node.get("id"):
        ctx.host.register(node, element, ctx)
    return element


def render_children(node: Node, ctx: RenderContext) -> None:
    """Render every child of a container node into the current slot."""
    children = child_nodes(node)
    if any(_unlabeled_checkbox(child) for child in children):
        # A checkbox beside a text (a todo row) is about that text: name it after it, so a
        # screen reader says "Completed: buy milk" rather than "Completed" for every row.
        ctx = ctx.with_subject(next(filter(None, map(_first_text, children)), None))
    for child in children:
        render_node(child, ctx)


_SUBJECT_TYPES = {"Text", "Title", "Markdown"}


def _unlabeled_checkbox(node: Any) -> bool:
    return isinstance(node, dict) and node.get("type") == "Checkbox" and not node.get("label")


def _first_text(node: Any) -> str | None:
    """Return the first Text, Title or Markdown value in a subtree."""
    if not isinstance(node, dict):
        return None
    if node.get("type") in _SUBJECT_TYPES and str(node.get("value") or "").strip():
        return str(node["value"]).strip()
    return next(filter(None, map(_first_text, child_nodes(node))), None)


def field_id(ctx: RenderContext, name: str) -> str:
    """Return the DOM id a Label's `fieldName` and its named control share within a widget."""
    return f"ck-{id(ctx.host):x}-" + re.sub(r"[^A-Za-z0-9_-]", "_", name)
