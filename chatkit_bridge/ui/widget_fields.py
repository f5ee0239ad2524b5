"""Shared plumbing of named form fields (binding, look, Enter to submit), Input and Textarea."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement

from .widget_core import FormField, Node, RenderContext, field_id, renders
from .widget_validation import validator

GUTTERS = {"2xs": "6px", "xs": "8px", "sm": "10px", "md": "12px", "lg": "14px", "xl": "16px"}
_FIELD_VARIANTS = {"soft": "filled", "solid": "filled", "ghost": "borderless"}
_LABELLED_TYPES = {"Input", "Textarea", "Select", "DatePicker"}
_DENSE_SIZES = {"3xs", "2xs", "xs", "sm", "md"}


def set_silently(element: ValueElement, value: Any) -> None:
    """Set a value without firing the control's onChangeAction (used by form reset)."""
    element._ck_silent = True  # type: ignore[attr-defined]
    try:
        element.set_value(value)
    finally:
        element._ck_silent = False  # type: ignore[attr-defined]


def bind_field(
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
        reset = lambda: set_silently(element, element._ck_default)  # type: ignore[attr-defined]  # noqa: E731
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


def field_props(element: ui.element, node: Node) -> None:
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


def submit_on_enter(element: ui.element, ctx: RenderContext) -> None:
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
    field_props(field, node)
    bind_field(field, node, ctx, default, typed=True)
    submit_on_enter(field, ctx)
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
    field_props(field, node)
    bind_field(field, node, ctx, default, typed=True)
    return field
