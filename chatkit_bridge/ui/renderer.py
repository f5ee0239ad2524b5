"""Render ChatKit widgets natively with NiceGUI and dispatch their actions.

The renderer is generic: it knows ChatKit's widget vocabulary, not any use case. Component
renderers live in the widget_* modules and register themselves by component type.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from chatkit.actions import ActionConfig
from chatkit.widgets import WidgetComponent, WidgetRoot
from nicegui import ui

from chatkit_bridge.actions import ClientActionHandler

# Imported for their side effect: each module registers its component renderers.
from . import (  # noqa: F401
    widget_buttons,
    widget_chart,
    widget_content,
    widget_controls,
    widget_fields,
    widget_layout,
    widget_table,
)
from .safe_markdown import SafeMarkdown
from .widget_actions import BUSY_STYLE, as_action, build_payload, set_busy
from .widget_core import (
    FormScope,
    Node,
    RenderContext,
    Rendered,
    child_nodes,
    render_node,
    to_plain,
)
from .widget_palette import ensure_palette
from .widget_patch import patch

__all__ = ["ActionHandler", "ClientActionHandler", "WidgetView"]

logger = logging.getLogger("chatkit_bridge.ui.renderer")

ActionHandler = Callable[[ActionConfig, dict[str, Any]], Awaitable[None]]
"""Server action handler: (action config, payload after the form merge)."""


class WidgetRootElement(ui.element):
    """A widget's outer `div`; deleted, it makes its view drop its records of components.

    Those records (element, render context with the view as host) and the view form a reference
    cycle; broken when the widget leaves the page, reference counting frees it all at once
    instead of a garbage collection much later (tests/test_page_garbage.py).
    """

    def __init__(self, forget: Callable[[], None]) -> None:
        """:param forget: called once the element is deleted (with its page or its parent)."""
        super().__init__("div")
        self._forget = forget

    def _handle_delete(self) -> None:
        super()._handle_delete()
        self._forget()


class WidgetView:
    """A rendered widget root that can be updated in place."""

    def __init__(
        self,
        widget: WidgetRoot,
        *,
        on_action: ActionHandler,
        client_actions: Mapping[str, ClientActionHandler] | None = None,
        read_only: bool = False,
    ) -> None:
        """Render the widget into the current NiceGUI container."""
        self.read_only = read_only
        self._on_action = on_action
        self._client_actions = dict(client_actions or {})
        self._components: dict[str, Rendered] = {}
        self._in_flight: set[int] = set()
        self._container_busy = False
        self._generation = 0  # bumped on every re-render so late callbacks know they are stale
        self._changes = 0  # bumped when an update really changed what the widget shows
        ensure_palette()
        self.root: ui.element = WidgetRootElement(self._components.clear).classes("ck-widget")
        self.root.style("position: relative; width: 100%")  # anchors the container spinner
        with self.root:
            self._body = ui.element("div").classes("ck-widget-body").style("width: 100%")
        self._tree: Node = {}
        self.update(widget)

    # ----- updates -------------------------------------------------------------------------

    def update(self, widget: WidgetRoot) -> None:
        """Replace the whole widget in place (WidgetRootUpdated / ThreadItemReplacedEvent)."""
        try:
            tree = to_plain(widget)
        except Exception:  # a malformed model must not break the page; show a placeholder
            logger.exception("Cannot read widget %r", type(widget).__name__)
            tree = None
        tree = tree if isinstance(tree, dict) else {"type": "(unreadable widget)"}
        if tree == self._tree:
            # Same content (e.g. the item's done event after it streamed): keep what the user
            # typed, but count it as a replacement so a pending form reset does not clear it.
            self._generation += 1
            return
        old, self._tree = self._tree, tree
        self._changes += 1
        # Redraw only the components that changed: the others keep their elements, so a
        # click on another row while this update is on its way still lands (a full redraw
        # deleted the element under the pointer and the click was lost), and less is sent.
        if not old or not patch(self, old, tree):
            self._render()

    def _render(self) -> None:
        theme = self._tree.get("theme")
        if theme in ("light", "dark"):
            self.root.props["data-theme"] = theme  # the palette stylesheet reads it
        else:
            self.root.props.pop("data-theme", None)
        self._generation += 1
        self._components.clear()
        self._body.clear()
        with self._body:
            render_node(self._tree, RenderContext(host=self))

    def apply_text_delta(self, component_id: str, delta: str, done: bool) -> None:
        """Append streamed text to a Text/Markdown/Title/Caption component."""
        entry = self._components.get(component_id)
        if entry is None or entry.element.is_deleted:
            logger.debug("Text delta for unknown widget component %r", component_id)
            return
        entry.node["value"] = str(entry.node.get("value") or "") + delta
        if done:
            entry.node["streaming"] = False
        element = entry.element
        if isinstance(element, SafeMarkdown):
            element.set_markdown(entry.node["value"])
        elif isinstance(element, ui.input):
            element.set_value(entry.node["value"])
        elif isinstance(element, ui.label):
            element.set_text(entry.node["value"])

    def replace_component(self, component: WidgetComponent) -> None:
        """Swap one component (by id) in place; fall back to a full re-render."""
        node = to_plain(component)
        component_id = node.get("id") if isinstance(node, dict) else None
        if component_id and self._tree.get("id") == component_id:
            self._tree = node
            self._render()
            return
        if not component_id or not _replace_in_tree(self._tree, component_id, node):
            logger.warning("Widget component %r not found; ignoring update", component_id)
            return
        entry = self.rendered(component_id)
        if entry is None or not self.swap(node, entry):
            self._render()

    # ----- actions -------------------------------------------------------------------------

    def register(self, node: Node, element: ui.element, ctx: RenderContext) -> None:
        """Remember a rendered component with an id for later in-place updates."""
        self._components[str(node["id"])] = Rendered(node, element, ctx)

    def rendered(self, component_id: str) -> Rendered | None:
        """Return what was rendered for a component id, if it is still on the page."""
        entry = self._components.get(component_id)
        return entry if entry is not None and not entry.element.is_deleted else None

    def forget(self, component_id: str) -> None:
        """Drop a component's record (it is about to be redrawn or removed)."""
        self._components.pop(component_id, None)

    def swap(self, node: Node, entry: Rendered) -> bool:
        """Render `node` where `entry`'s element is and delete that element; False if unable."""
        slot = entry.element.parent_slot
        if slot is None or entry.element not in slot.children:
            return False
        index = slot.children.index(entry.element)
        self._generation += 1
        with slot:
            new_element = render_node(node, entry.ctx)
        new_element.move(slot.parent, index, target_slot=slot.name)
        if not entry.element.visible:
            new_element.set_visibility(False)  # e.g. a ListView row beyond its `limit`
        entry.element.delete()
        return True

    async def run_action(
        self,
        action: Any,
        *,
        control: ui.element | None = None,
        form: FormScope | None = None,
        own: tuple[str, Any] | None = None,
        submit: bool = False,
    ) -> None:
        """Dispatch an action triggered by a control, honouring handler and loadingBehavior."""
        config = as_action(action)
        if config is None or self.read_only or self._container_busy:
            return
        key = id(form) if submit and form is not None else id(control)
        if key in self._in_flight:
            return  # a double click while the first send is still running
        if submit and form is not None and not form.validate():
            return
        fields = form.values() if form is not None else {}
        if own is not None:
            fields[own[0]] = own[1]
        payload = build_payload(config.payload, fields)
        if config.handler == "client":
            await self._run_client(config, payload)
            return
        generation, changes = self._generation, self._changes
        self._in_flight.add(key)
        restore = self._show_loading(config.loadingBehavior, control)
        try:
            await self._on_action(config, payload)
        except Exception:
            logger.exception("Widget action %r failed", config.type)
            if not self.root.is_deleted:
                with self.root:
                    ui.notify("That action failed. Please try again.", type="negative")
        finally:
            self._in_flight.discard(key)
            restore()
        if (
            submit
            and form is not None
            and (generation == self._generation or changes != self._changes)
        ):
            # The server kept this widget, or changed it and kept this form's fields: either
            # way they start afresh (fields it redrew already show their new defaults).
            form.reset()

    async def _run_client(self, config: ActionConfig, payload: dict[str, Any]) -> None:
        handler = self._client_actions.get(config.type)
        if handler is None:
            logger.warning("No client handler registered for widget action %r", config.type)
            return
        result = handler(config, payload)
        if inspect.isawaitable(result):
            await result

    def _show_loading(self, behavior: str, control: ui.element | None) -> Callable[[], None]:
        """Show the loading state for an action and return how to undo it."""
        if behavior == "container":
            self._container_busy = True
            self._body.style(BUSY_STYLE)
            with self.root:
                spinner = ui.spinner(size="lg").classes("absolute-center ck-spinner")

            def restore_container() -> None:
                self._container_busy = False
                if not self._body.is_deleted:
                    self._body.style(remove=BUSY_STYLE)
                if not spinner.is_deleted:
                    spinner.delete()

            return restore_container
        if behavior == "none" or control is None:
            return lambda: None
        was_enabled = getattr(control, "enabled", True)
        set_busy(control, True)
        return lambda: set_busy(control, False, was_enabled=was_enabled)


def _replace_in_tree(node: Any, component_id: str, replacement: Node) -> bool:
    """Replace the descendant with the given id inside a plain widget tree."""
    if not isinstance(node, dict):
        return False
    children = node.get("children")
    if isinstance(children, dict):
        if children.get("id") == component_id:
            node["children"] = replacement
            return True
        return _replace_in_tree(children, component_id, replacement)
    for index, child in enumerate(child_nodes(node)):
        if isinstance(child, dict) and child.get("id") == component_id:
            children[index] = replacement  # type: ignore[index]
            return True
        if _replace_in_tree(child, component_id, replacement):
            return True
    return False
