"""Bring a rendered widget from one version to the next by redrawing only what changed.

An update (ThreadItemReplacedEvent, WidgetRootUpdated) carries the whole widget. Redrawing all
of it deleted every element, the one under the user's pointer included: a second tick on a todo
card, clicked while the first tick's card was on its way, went to an element the server had just
deleted and was lost. Comparing the two trees component by component (by `id`, as ChatKit's own
web component keys its React elements) redraws only the components that changed; everything
else keeps its element, its state and its pending clicks, and far less goes to the browser.
"""

from __future__ import annotations

from typing import Any, Protocol

from nicegui.elements.mixins.value_element import ValueElement

from .widget_core import Node, Rendered, child_nodes


class PatchHost(Protocol):
    """What patching needs from the widget view."""

    def rendered(self, component_id: str) -> Rendered | None:
        """Return what was rendered for a component id, if it is still on the page."""
        ...

    def forget(self, component_id: str) -> None:
        """Drop a component's record."""
        ...

    def swap(self, node: Node, entry: Rendered) -> bool:
        """Render `node` where `entry`'s element is; False if that is not possible."""
        ...


def patch(host: PatchHost, old: Node, new: Node) -> bool:
    """Show `new` where `old` is shown; False when the root itself must be redrawn.

    :param host: the widget view holding the rendered components
    :param old: the tree on screen
    :param new: the tree to show
    """
    return _sync(host, old, new)


def _sync(host: PatchHost, old: Any, new: Any) -> bool:
    """Make `new` shown in place of `old`, as locally as possible; False if the caller must."""
    if old == new:
        _rebind(host, new)
        return True
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return False
    if _own(old) == _own(new):
        olds, news = child_nodes(old), child_nodes(new)
        pairs = zip(olds, news, strict=False)  # lengths checked first
        if len(olds) == len(news) and all(_sync(host, o, n) for o, n in pairs):
            _rebind_one(host, new)
            return True
    elif _ticked_in_place(host, old, new):
        return True
    return _redraw(host, old, new)


def _own(node: Node) -> Node:
    """Return a node's own properties (everything but its children)."""
    return {key: value for key, value in node.items() if key != "children"}


def _ticked_in_place(host: PatchHost, old: Node, new: Node) -> bool:
    """Keep a checkbox whose new default is what it already shows (the user just ticked it)."""
    changed = {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
    if new.get("type") != "Checkbox" or changed != {"defaultChecked"} or not new.get("id"):
        return False
    entry = host.rendered(str(new["id"]))
    element = entry.element if entry is not None else None
    checked = bool(new.get("defaultChecked"))
    if not isinstance(element, ValueElement) or element.value != checked:
        return False
    element._ck_default = checked  # type: ignore[attr-defined]  # a form reset goes back here
    _rebind_one(host, new)
    return True


def _redraw(host: PatchHost, old: Any, new: Node) -> bool:
    """Render `new` in place of the element drawn for `old` (same id); False if there is none."""
    component_id = new.get("id")
    if not component_id or not isinstance(old, dict) or old.get("id") != component_id:
        return False
    entry = host.rendered(str(component_id))
    if entry is None:
        return False
    for stale in _ids(old):
        host.forget(stale)
    return host.swap(new, entry)


def _ids(node: Any) -> list[str]:
    """Return the ids of a node and all its descendants."""
    if not isinstance(node, dict):
        return []
    ids = [str(node["id"])] if node.get("id") else []
    for child in child_nodes(node):
        ids.extend(_ids(child))
    return ids


def _rebind_one(host: PatchHost, node: Node) -> None:
    """Point a kept component's record at its node in the new tree (text deltas edit it)."""
    if node.get("id") and (entry := host.rendered(str(node["id"]))) is not None:
        entry.node = node


def _rebind(host: PatchHost, node: Any) -> None:
    """Point every kept component of an unchanged subtree at its node in the new tree."""
    if isinstance(node, dict):
        _rebind_one(host, node)
        for child in child_nodes(node):
            _rebind(host, child)
