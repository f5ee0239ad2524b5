"""Renderers for interactive controls: Button and the named form fields."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement

from . import widget_style as st
from .widget_content import material_icon
from .widget_core import FormField, Node, RenderContext, renders

BUTTON_COLORS = {
    "primary": "#0d0d0d",
    "secondary": "#5d5d5d",
    "info": "#2563eb",
    "discovery": "#7c3aed",
    "success": "#16a34a",
    "caution": "#ca8a04",
    "warning": "#ea580c",
    "danger": "#dc2626",
}
_DENSE_SIZES = {"3xs", "2xs", "xs", "sm", "md"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _button_styles(node: Node) -> dict[str, str]:
    style = node.get("style")
    color_name = node.get("color") or ("secondary" if style == "secondary" else "primary")
    variant = node.get("variant") or ("outline" if style == "secondary" else "solid")
    base = BUTTON_COLORS.get(color_name, BUTTON_COLORS["primary"])
    styles = {
        "font-size": st.CONTROL_FONT_SIZES.get(node.get("size") or "md", "14px"),
        "border-radius": "9999px" if node.get("pill") else "8px",
        "font-weight": "500",
    }
    if variant == "solid" and color_name == "secondary":
        styles.update({"background": "#ececf0", "color": BUTTON_COLORS["primary"]})
    elif variant == "solid":
        styles.update({"background": base, "color": "#ffffff"})
    elif variant == "soft":
        styles.update({"background": st.mix(base, "#ffffff", 0.12), "color": base})
    elif variant == "outline":
        border = "#d1d1d6" if color_name == "secondary" else base
        styles.update({"border": f"1px solid {border}", "color": base})
        if color_name == "secondary":
            styles["color"] = BUTTON_COLORS["primary"]
    else:  # ghost
        styles["color"] = base
    if node.get("block"):
        styles["width"] = "100%"
    else:
        styles["width"] = "fit-content"  # do not stretch in columns; `block` asks for that
    if node.get("uniform"):
        styles.update({"padding": "0", "min-width": "2.572em", "width": "2.572em"})
    return styles


@renders("Button")
def render_button(node: Node, ctx: RenderContext) -> ui.element:
    """Render a button; `submit` buttons submit the enclosing form."""
    icon = material_icon(node["iconStart"]) if node.get("iconStart") else None
    button = ui.button(str(node.get("label") or ""), icon=icon, color=None)
    button.props("unelevated no-caps").classes("ck-button")
    if node.get("iconEnd"):
        button.props["icon-right"] = material_icon(node["iconEnd"])
    st.apply(button, _button_styles(node))
    if node.get("disabled") or ctx.host.read_only:
        button.disable()
        return button
    form, action = ctx.form, node.get("onClickAction")

    def click() -> Any:
        if node.get("submit") and form is not None and form.submit_action is not None:
            return ctx.host.run_action(form.submit_action, control=button, form=form, submit=True)
        if action is not None:
            return ctx.host.run_action(action, control=button, form=form)
        return None

    button.on_click(click)
    return button


def _set_silently(element: ValueElement, value: Any) -> None:
    """Set a value without firing the control's onChangeAction (used by form reset)."""
    element._ck_silent = True  # type: ignore[attr-defined]
    try:
        element.set_value(value)
    finally:
        element._ck_silent = False  # type: ignore[attr-defined]


def _validator(element: ValueElement, node: Node) -> Callable[[], bool]:
    """Check `required` and `pattern` on submit and show the error on the control."""

    def validate() -> bool:
        value = element.value
        error = None
        if node.get("required") and value in (None, "", False, []):
            error = "Required"
        elif node.get("pattern") and isinstance(value, str) and value:
            try:
                if not re.fullmatch(str(node["pattern"]), value):
                    error = "Invalid format"
            except re.error:
                pass  # JS-only regex syntax: let the server decide
        element.props["error"] = error is not None
        element.props["error-message"] = error or ""
        return error is None

    return validate


def _bind_field(
    element: ValueElement,
    node: Node,
    ctx: RenderContext,
    default: Any,
    *,
    typed: bool = False,
    accept: Callable[[Any], bool] = lambda _: True,
) -> None:
    """Register a named control in its form and wire its onChangeAction.

    Typed fields (Input, Textarea) send their change action on blur, not on every keystroke.
    """
    name = str(node.get("name") or "")
    if node.get("disabled") or ctx.host.read_only:
        element.disable()
    if ctx.form is not None and name:
        reset = lambda: _set_silently(element, default)  # noqa: E731
        ctx.form.fields.append(
            FormField(name, element, lambda: element.value, reset, _validator(element, node))
        )
    action = node.get("onChangeAction")
    last_sent = [default]

    def clear_error() -> None:
        if element.props.get("error"):
            element.props["error"] = False  # the user is fixing it

    def changed() -> Any:
        if getattr(element, "_ck_silent", False) or action is None or ctx.host.read_only:
            return None
        if (typed and element.value == last_sent[0]) or not accept(element.value):
            return None  # blurred without editing, or a half-typed value
        last_sent[0] = element.value
        own = (name, element.value) if name else None
        return ctx.host.run_action(action, control=element, form=ctx.form, own=own)

    element.on_value_change(clear_error)
    if typed:
        element.on("blur", changed)
    else:
        element.on_value_change(changed)


def _field_props(element: ui.element, node: Node) -> None:
    """Apply the shared look of text-like fields: variant, size, pill, block."""
    element.props("outlined" if node.get("variant") != "soft" else "filled")
    if (node.get("size") or "md") in _DENSE_SIZES:
        element.props("dense")  # Quasar's default field height matches ChatKit's "lg"
    if node.get("pill"):
        element.props("rounded")
    if node.get("autoFocus"):
        element.props("autofocus")
    element.classes(f"ck-{str(node.get('type', 'field')).lower()}")
    if node.get("block", True):
        element.style("width: 100%")


def _submit_on_enter(element: ui.element, ctx: RenderContext) -> None:
    form = ctx.form
    if form is not None and form.submit_action is not None and not ctx.host.read_only:
        action = form.submit_action
        element.on(
            "keydown.enter",
            lambda: ctx.host.run_action(action, control=element, form=form, submit=True),
        )


@renders("Input")
def render_input(node: Node, ctx: RenderContext) -> ui.element:
    """Render a single-line input; Enter submits the enclosing form."""
    default = str(node.get("defaultValue") or "")
    kind = node.get("inputType") or "text"
    field = ui.input(
        placeholder=node.get("placeholder"), value=default, password=kind == "password"
    )
    if kind not in {"text", "password"}:
        field.props["type"] = kind
    _field_props(field, node)
    _bind_field(field, node, ctx, default, typed=True)
    _submit_on_enter(field, ctx)
    return field


@renders("Textarea")
def render_textarea(node: Node, ctx: RenderContext) -> ui.element:
    """Render a multi-line input."""
    default = str(node.get("defaultValue") or "")
    field = ui.textarea(placeholder=node.get("placeholder"), value=default)
    if isinstance(node.get("rows"), int):
        field.props["rows"] = node["rows"]
    if node.get("autoResize"):
        field.props("autogrow")
    _field_props(field, node)
    _bind_field(field, node, ctx, default, typed=True)
    return field


def _options(node: Node) -> dict[str, str]:
    return {
        str(o["value"]): str(o.get("label", o["value"]))
        for o in node.get("options") or []
        if isinstance(o, dict) and "value" in o
    }


class _OptionFlags:
    """Mixin marking options ChatKit flags as `disabled`; survives NiceGUI's option rebuilds."""

    _ck_disabled: frozenset[str] = frozenset()

    def _update_options(self) -> None:
        super()._update_options()  # type: ignore[misc]
        for option in self._props["options"]:  # type: ignore[attr-defined]
            if self._values[option["value"]] in self._ck_disabled:  # type: ignore[attr-defined]
                option["disable"] = True


class _Select(_OptionFlags, ui.select):
    pass


class _Radio(_OptionFlags, ui.radio):
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
    _field_props(field, {**node, "block": node.get("block", False)})
    field.style("min-width: 160px")
    _bind_field(field, node, ctx, default)
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
    _bind_field(field, node, ctx, default)
    return field


@renders("Checkbox")
def render_checkbox(node: Node, ctx: RenderContext) -> ui.element:
    """Render a checkbox whose value is a bool."""
    default = bool(node.get("defaultChecked"))
    field = ui.checkbox(str(node.get("label") or ""), value=default).classes("ck-checkbox")
    field.props("dense")
    _bind_field(field, node, ctx, default)
    return field


@renders("DatePicker")
def render_date_picker(node: Node, ctx: RenderContext) -> ui.element:
    """Render a date input with a calendar popup; the value is "YYYY-MM-DD"."""
    default = str(node["defaultValue"])[:10] if node.get("defaultValue") else None
    field = ui.input(placeholder=node.get("placeholder") or "YYYY-MM-DD", value=default)
    _field_props(field, {**node, "block": node.get("block", False)})
    if node.get("clearable"):
        field.props("clearable")
    with field:
        menu = ui.menu().props("no-parent-event")
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
    _bind_field(field, node, ctx, default, accept=lambda v: not v or bool(_ISO_DATE.fullmatch(v)))
    return field
