"""Renderer for Button: ChatKit's colours, variants, sizes and icon-only names."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from . import widget_style as st
from . import widget_tokens as tokens
from .widget_content import material_icon
from .widget_core import Node, RenderContext, renders
from .widget_palette import var

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


def button_styles(node: Node) -> dict[str, str]:
    style = node.get("style")
    name = node.get("color") or ("secondary" if style == "secondary" else "primary")
    name = name if name in BUTTON_COLORS else "primary"
    variant = node.get("variant") or ("outline" if style == "secondary" else "solid")
    size = node.get("size") if node.get("size") in CONTROL_HEIGHTS else "md"
    styles = {
        "font-size": tokens.CONTROL_FONT_SIZES[size],
        "min-height": CONTROL_HEIGHTS[size],
        "border-radius": "9999px" if node.get("pill") else tokens.RADII["md"],
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
    st.apply(button, button_styles(node))
    if (icon_size := tokens.ICON_SIZES.get(node.get("iconSize") or "")) is not None:
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
