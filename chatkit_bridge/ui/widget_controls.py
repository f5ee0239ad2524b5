"""Renderers for interactive controls: Button and the named form fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement

from chatkit_bridge.compat import OptionFlags

from . import widget_style as st
from .widget_content import material_icon
from .widget_core import FormField, Node, RenderContext, field_id, renders
from .widget_palette import var
from .widget_validation import ISO_DATE, validator

BUTTON_COLORS = {
    "primary",
    "secondary",
    "info",
    "discovery",
    "success",
    "caution",
    "warning",
    "danger",
}
# Control heights of the design system (see widget_palette for the source).
CONTROL_HEIGHTS = {
    "3xs": "22px",
    "2xs": "24px",
    "xs": "26px",
    "sm": "28px",
    "md": "32px",
    "lg": "36px",
    "xl": "40px",
    "2xl": "44px",
    "3xl": "48px",
}
GUTTERS = {"2xs": "6px", "xs": "8px", "sm": "10px", "md": "12px", "lg": "14px", "xl": "16px"}
_FIELD_VARIANTS = {"soft": "filled", "solid": "filled", "ghost": "borderless"}
_LABELLED_TYPES = {"Input", "Textarea", "Select", "DatePicker"}
_DENSE_SIZES = {"3xs", "2xs", "xs", "sm", "md"}


def _button_styles(node: Node) -> dict[str, str]:
    style = node.get("style")
    name = node.get("color") or ("secondary" if style == "secondary" else "primary")
    name = name if name in BUTTON_COLORS else "primary"
    variant = node.get("variant") or ("outline" if style == "secondary" else "solid")
    size = node.get("size") if node.get("size") in CONTROL_HEIGHTS else "md"
    styles = {
        "font-size": st.CONTROL_FONT_SIZES[size],
        "min-height": CONTROL_HEIGHTS[size],
        "border-radius": "9999px" if node.get("pill") else st.RADII["md"],
        "font-weight": "500",
    }
    match variant:
        case "solid":
            styles.update(
                {"background": var(f"{name}-solid-bg"), "color": var(f"{name}-solid-text")}
            )
        case "soft":
            styles.update({"background": var(f"{name}-soft-bg"), "color": var(f"{name}-soft-text")})
        case "outline":
            styles.update(
                {
                    "border": f"1px solid {var(f'{name}-outline-border')}",
                    "color": var(f"{name}-outline-text"),
                }
            )
        case _:  # ghost
            styles["color"] = var(f"{name}-ghost-text")
    styles["width"] = "100%" if node.get("block") else "fit-content"  # `block` stretches
    if node.get("uniform"):
        styles.update(
            {"padding": "0", "min-width": CONTROL_HEIGHTS[size], "width": CONTROL_HEIGHTS[size]}
        )
    return styles


@renders("Button")
def render_button(node: Node, ctx: RenderContext) -> ui.element:
    """Render a button; `submit` buttons submit the enclosing form."""
    icon = material_icon(node["iconStart"]) if node.get("iconStart") else None
    button = ui.button(str(node.get("label") or ""), icon=icon, color=None)
    button.props("unelevated no-caps").classes("ck-button")
    if not node.get("label"):
        button.props["aria-label"] = _icon_button_name(node)  # screen readers need a name
    if node.get("iconEnd"):
        button.props["icon-right"] = material_icon(node["iconEnd"])
    st.apply(button, _button_styles(node))
    if (icon_size := st.ICON_SIZES.get(node.get("iconSize") or "")) is not None:
        button.classes("ck-icon-sized").style(f"--ck-icon-size: {icon_size}")
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


def _icon_button_name(node: Node) -> str:
    """Name an icon-only button: its `ariaLabel`, else its action (`todo.delete` -> Delete)."""
    if node.get("ariaLabel"):
        return str(node["ariaLabel"])
    action = node.get("onClickAction") or {}
    kind = action.get("type") if isinstance(action, dict) else getattr(action, "type", None)
    words = str(kind or node.get("iconStart") or "button").rsplit(".", 1)[-1]
    return words.replace("_", " ").replace("-", " ").capitalize()


def _set_silently(element: ValueElement, value: Any) -> None:
    """Set a value without firing the control's onChangeAction (used by form reset)."""
    element._ck_silent = True  # type: ignore[attr-defined]
    try:
        element.set_value(value)
    finally:
        element._ck_silent = False  # type: ignore[attr-defined]


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
    if name and node.get("type") in _LABELLED_TYPES:
        element.props["for"] = field_id(ctx, name)  # Quasar gives the native control this id
    if node.get("disabled") or ctx.host.read_only:
        element.disable()
    element._ck_default = default  # type: ignore[attr-defined]  # patching may move it on
    if ctx.form is not None and name:
        reset = lambda: _set_silently(element, element._ck_default)  # type: ignore[attr-defined]  # noqa: E731
        ctx.form.fields.append(
            FormField(name, element, lambda: element.value, reset, validator(element, node))
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
    element.props(_FIELD_VARIANTS.get(node.get("variant") or "", "outlined"))
    if (node.get("size") or "md") in _DENSE_SIZES:
        element.props("dense")  # Quasar's default field height matches ChatKit's "lg"
    if node.get("pill"):
        element.props("rounded")
    if node.get("autoFocus"):
        element.props("autofocus")
    if node.get("autoComplete"):
        element.props["autocomplete"] = str(node["autoComplete"])
    if not node.get("allowAutofillExtensions"):
        # Password managers' extensions skip fields marked like this (ChatKit's default).
        element.props["data-1p-ignore"] = True
        element.props["data-lpignore"] = "true"
    if (gutter := GUTTERS.get(node.get("gutterSize") or "")) is not None:
        element.classes("ck-gutter").style(f"--ck-gutter: {gutter}")
    element.classes(f"ck-{str(node.get('type', 'field')).lower()}")
    name = node.get("ariaLabel") or node.get("placeholder") or node.get("name")
    # A text field without a visible label still needs a name (Quasar passes it to the
    # <input>; a select has its floating label instead).
    if name and not isinstance(element, ui.select):
        element.props["aria-label"] = str(name)
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
    if isinstance(max_rows := node.get("maxRows"), int) and max_rows > 0:
        field.props["input-style"] = f"max-height: {max_rows * 1.5:g}em; overflow-y: auto"
    _field_props(field, node)
    _bind_field(field, node, ctx, default, typed=True)
    return field


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
    if not node.get("label"):  # screen readers need a name: its field name and its row's text
        name = str(node.get("name") or "").replace("_", " ").capitalize()
        label = ": ".join(part for part in (name, ctx.subject) if part)
        if label:
            field.props["aria-label"] = label
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
    _bind_field(field, node, ctx, default, accept=lambda v: not v or bool(ISO_DATE.fullmatch(v)))
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
