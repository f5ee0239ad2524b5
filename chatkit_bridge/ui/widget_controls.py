"""Renderers for choice controls: Select, RadioGroup, Checkbox and DatePicker.

Button lives in widget_buttons, Input and Textarea with the shared field plumbing in
widget_fields.
"""

from __future__ import annotations

from nicegui import ui

from chatkit_bridge.compat import OptionFlags

from .widget_core import Node, RenderContext, renders
from .widget_fields import bind_field, field_props
from .widget_validation import ISO_DATE


def _options(node: Node) -> dict[str, str]:
    return {
        str(o["value"]): str(o.get("label", o["value"]))
        for o in node.get("options") or []
        if isinstance(o, dict) and "value" in o
    }


class _Select(OptionFlags, ui.select):
    pass


class _Radio(OptionFlags, ui.radio):
    pass


def _disable_options(element: _Select | _Radio, node: Node) -> None:
    """Remember which options are disabled and rebuild the option list."""
    element._ck_disabled = frozenset(
        str(o.get("value"))
        for o in node.get("options") or []
        if isinstance(o, dict) and o.get("disabled")
    )
    element.update()


@renders("Select")
def render_select(node: Node, ctx: RenderContext) -> ui.element:
    """Render a dropdown; the placeholder becomes the floating label."""
    options = _options(node)
    default = node.get("defaultValue") if node.get("defaultValue") in options else None
    searchable = node.get("searchable")
    searchable = len(options) > 15 if searchable is None else bool(searchable)  # ChatKit's rule
    field = _Select(options, value=default, label=node.get("placeholder"), with_input=searchable)
    field.props("options-dense")
    _disable_options(field, node)
    if node.get("clearable"):
        field.props("clearable")
    field_props(field, {**node, "block": node.get("block", False)})
    field.style("min-width: 160px")
    bind_field(field, node, ctx, default)
    return field


@renders("RadioGroup")
def render_radio_group(node: Node, ctx: RenderContext) -> ui.element:
    """Render radio options in a row or column."""
    options = _options(node)
    default = node.get("defaultValue") if node.get("defaultValue") in options else None
    field = _Radio(options, value=default).classes("ck-radiogroup")
    _disable_options(field, node)
    if node.get("direction") == "row":
        field.props("inline")
    if node.get("ariaLabel"):
        field.props["aria-label"] = str(node["ariaLabel"])
    bind_field(field, node, ctx, default)
    return field


@renders("Checkbox")
def render_checkbox(node: Node, ctx: RenderContext) -> ui.element:
    """Render a checkbox whose value is a bool."""
    default = bool(node.get("defaultChecked"))
    field = ui.checkbox(str(node.get("label") or ""), value=default).classes("ck-checkbox")
    field.props("dense")
    if not node.get("label"):  # screen readers need a name: its field name and its row's text
        name = str(node.get("name") or "").replace("_", " ").capitalize()
        label = ": ".join(part for part in (name, ctx.subject) if part)
        if label:
            field.props["aria-label"] = label
    bind_field(field, node, ctx, default)
    return field


@renders("DatePicker")
def render_date_picker(node: Node, ctx: RenderContext) -> ui.element:
    """Render a date input with a calendar popup; the value is "YYYY-MM-DD"."""
    default = str(node["defaultValue"])[:10] if node.get("defaultValue") else None
    field = ui.input(placeholder=node.get("placeholder") or "YYYY-MM-DD", value=default)
    field_props(field, {**node, "block": node.get("block", False)})
    if node.get("clearable"):
        field.props("clearable")
    with field:
        menu = ui.menu().props("no-parent-event")
        menu.props["anchor"], menu.props["self"] = _popup_position(node)
        with menu:
            calendar = ui.date().bind_value(field)
            calendar.on_value_change(menu.close)
            for key, prop in (
                ("min", "navigation-min-year-month"),
                ("max", "navigation-max-year-month"),
            ):
                if node.get(key):
                    calendar.props[prop] = str(node[key])[:7].replace("-", "/")
    with field.add_slot("append"):
        icon = ui.icon("event").classes("cursor-pointer")
        if not (node.get("disabled") or ctx.host.read_only):
            icon.on("click", menu.open)
    # Only complete dates (or a cleared field) count as a change while the user types.
    bind_field(field, node, ctx, default, accept=lambda v: not v or bool(ISO_DATE.fullmatch(v)))
    return field


_ALONG = {"start": "left", "center": "middle", "end": "right"}
_ACROSS = {"start": "top", "center": "middle", "end": "bottom"}


def _popup_position(node: Node) -> tuple[str, str]:
    """Translate a DatePicker's `side` and `align` into Quasar's menu anchor and self."""
    side, align = node.get("side") or "bottom", node.get("align") or "start"
    if side in ("left", "right"):
        other = "right" if side == "left" else "left"
        vertical = _ACROSS.get(align, "top")
        return f"{vertical} {side}", f"{vertical} {other}"
    horizontal = _ALONG.get(align, "left")
    if side == "top":
        return f"top {horizontal}", f"bottom {horizontal}"
    return f"bottom {horizontal}", f"top {horizontal}"
