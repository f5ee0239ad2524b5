"""Renderers for roots and layout: Card, ListView, ListViewItem, Basic, Box/Row/Col, Form, ..."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from . import widget_style as st
from . import widget_tokens as tokens
from .widget_content import material_icon
from .widget_contrast import on_background
from .widget_core import (
    FormScope,
    Node,
    RenderContext,
    child_nodes,
    render_children,
    render_node,
    renders,
)

CARD_WIDTHS = {"sm": "380px", "md": "520px", "lg": "680px", "full": "100%"}
_HOVER = "ck-clickable"  # hover colour from the palette stylesheet, light and dark


def flex_box(node: Node, direction: str, defaults: dict[str, str] | None = None) -> ui.element:
    """Create a flex container honouring every BoxBase property of the node."""
    styles = {"display": "flex", "flex-direction": "row" if direction == "row" else "column"}
    styles.update(defaults or {})
    styles.update(st.box_styles(node))
    return st.apply(ui.element("div").classes(f"ck-{direction}"), styles)


def render_status(status: Any) -> None:
    """Render a Card/ListView status header: icon or favicon plus text."""
    if not isinstance(status, dict) or not status.get("text"):
        return
    secondary = tokens.TEXT_COLORS["secondary"]
    row = ui.element("div").classes("ck-status")
    st.apply(row, {"display": "flex", "align-items": "center", "gap": "6px"})
    with row:
        favicon = str(status.get("favicon") or "")
        if favicon.startswith(("https://", "http://", "data:image/", "/")):
            frame = f"border: 1px solid {tokens.BORDER_COLORS['default']}; border-radius: 4px; "
            frame = frame if status.get("frame") else ""
            ui.image(favicon).style(f"{frame}width: 16px; height: 16px")
        elif status.get("icon"):
            ui.icon(material_icon(status["icon"])).style(f"font-size: 16px; color: {secondary}")
        ui.label(str(status["text"])).style(f"font-size: 13px; color: {secondary}")


def _collapsible(body: ui.element) -> None:
    """Hide a card body behind a show/hide toggle (ChatKit's `collapsed`)."""
    body.set_visibility(False)

    def toggle() -> None:
        body.set_visibility(not body.visible)
        button.set_text("Hide details" if body.visible else "Show details")

    button = ui.button("Show details", on_click=toggle, color=None).props("flat dense no-caps")
    button.classes("ck-collapse-toggle self-start")


@renders("Card")
def render_card(node: Node, ctx: RenderContext) -> ui.element:
    """Render a card with optional status, collapsible body and confirm/cancel footer."""
    confirm, cancel = node.get("confirm"), node.get("cancel")
    if node.get("asForm"):
        action = confirm.get("action") if isinstance(confirm, dict) else None
        ctx = ctx.with_form(FormScope(submit_action=action))
    styles = {
        "width": "100%",
        "max-width": CARD_WIDTHS.get(node.get("size") or "md", CARD_WIDTHS["md"]),
        "padding": "16px",
        "gap": "12px",
        "align-items": "stretch",
        "border": f"1px solid {tokens.BORDER_COLORS['default']}",
        "border-radius": tokens.RADII["2xl"],
        "background": tokens.BACKGROUND_COLORS["surface"],
        "color": tokens.TEXT_COLORS["prose"],
        "box-shadow": "0 1px 3px rgba(0, 0, 0, 0.06)",
    }
    styles.update(st.spacing_styles("padding", node.get("padding")))
    styles.update(st.border_styles(node.get("border")))
    if (background := st.color(node.get("background"), tokens.BACKGROUND_COLORS)) is not None:
        styles["background"] = background
    # `flush` children (Divider, Image) reach the card's edges by cancelling this padding.
    styles["--ck-pad-left"] = styles.get("padding-left", styles["padding"])
    styles["--ck-pad-right"] = styles.get("padding-right", styles["padding"])
    card = st.apply(ui.card().tight().props("flat").classes("ck-card"), styles)
    ctx = on_background(card, node.get("background"), ctx)
    with card:
        render_status(node.get("status"))
        body = st.apply(
            ui.element("div").classes("ck-card-body"),
            {"display": "flex", "flex-direction": "column", "gap": "12px", "width": "100%"},
        )
        with body:
            render_children(node, ctx)
        if node.get("collapsed"):
            _collapsible(body)
        if isinstance(confirm, dict) or isinstance(cancel, dict):
            _card_footer(confirm, cancel, ctx)
    return card


def _card_footer(confirm: Any, cancel: Any, ctx: RenderContext) -> None:
    footer = ui.element("div").classes("ck-card-footer")
    st.apply(
        footer, {"display": "flex", "justify-content": "flex-end", "gap": "8px", "width": "100%"}
    )
    with footer:
        if isinstance(cancel, dict):
            button = {
                "type": "Button",
                "label": cancel.get("label", "Cancel"),
                "style": "secondary",
            }
            render_node({**button, "onClickAction": cancel.get("action")}, ctx)
        if isinstance(confirm, dict):
            button = {
                "type": "Button",
                "label": confirm.get("label", "Confirm"),
                "style": "primary",
            }
            if ctx.form is not None and ctx.form.submit_action is not None:
                # asForm: confirm submits the card's fields (validation, reset afterwards).
                render_node({**button, "submit": True}, ctx)
            else:
                render_node({**button, "onClickAction": confirm.get("action")}, ctx)


@renders("ListView")
def render_list_view(node: Node, ctx: RenderContext) -> ui.element:
    """Render a list of items, honouring `limit` with a "Show more" toggle."""
    container = ui.element("div").classes("ck-list-view")
    st.apply(
        container,
        {
            "display": "flex",
            "flex-direction": "column",
            "width": "100%",
            "max-width": CARD_WIDTHS["md"],
            "border": f"1px solid {tokens.BORDER_COLORS['default']}",
            "border-radius": tokens.RADII["2xl"],
            "background": tokens.BACKGROUND_COLORS["surface"],
            "overflow": "hidden",
        },
    )
    limit = node.get("limit")
    items = child_nodes(node)
    with container:
        if node.get("status"):
            with ui.element("div").style("padding: 10px 12px 0 12px"):
                render_status(node.get("status"))
        hidden: list[ui.element] = []
        for index, item in enumerate(items):
            element = render_node(item, ctx)
            if isinstance(limit, int) and index >= limit:
                element.set_visibility(False)
                hidden.append(element)
        if hidden:

            def show_all() -> None:
                for element in hidden:
                    element.set_visibility(True)
                more.delete()

            more = ui.button(f"Show {len(hidden)} more", on_click=show_all, color=None)
            more.props("flat dense no-caps").classes("ck-show-more self-center")
    return container


@renders("ListViewItem")
def render_list_view_item(node: Node, ctx: RenderContext) -> ui.element:
    """Render one list row; clickable when it has an onClickAction."""
    defaults = {"align-items": "center", "gap": "8px", "padding": "10px 12px"}
    item = flex_box({**node, "padding": None}, "row", defaults).classes("ck-list-item")
    item.style(f"border-bottom: 1px solid {tokens.BORDER_COLORS['subtle']}")
    action = node.get("onClickAction")
    if action is not None and not ctx.host.read_only:
        item.classes(_HOVER)
        item.on("click", lambda: ctx.host.run_action(action, control=item, form=ctx.form))
    with item:
        render_children(node, ctx.with_direction("row"))
    return item


@renders("Basic")
def render_basic(node: Node, ctx: RenderContext) -> ui.element:
    """Render a Basic root: a plain column of components."""
    box = flex_box(node, node.get("direction") or "col", {"gap": "8px", "width": "100%"})
    ctx = on_background(box, node.get("background"), ctx)
    with box:
        render_children(node, ctx.with_direction(node.get("direction") or "col"))
    return box


@renders("Box", "Row", "Col")
def render_box(node: Node, ctx: RenderContext) -> ui.element:
    """Render a flex container (Row: centred row, Col: column, Box: `direction`, default col)."""
    kind = node.get("type")
    direction = (
        "row" if kind == "Row" or (kind == "Box" and node.get("direction") == "row") else "col"
    )
    defaults = {"align-items": "center"} if kind == "Row" else {}
    box = flex_box(node, direction, defaults)
    ctx = on_background(box, node.get("background"), ctx)
    with box:
        render_children(node, ctx.with_direction(direction))
    return box


@renders("Form")
def render_form(node: Node, ctx: RenderContext) -> ui.element:
    """Render a form: a flex container whose named fields feed its onSubmitAction."""
    direction = node.get("direction") or "col"
    # A div, not a <form>: a native submit would reload the page.
    box = flex_box(node, direction, {"gap": "8px"}).classes("ck-form")
    ctx = on_background(box, node.get("background"), ctx)
    inner = ctx.with_form(FormScope(submit_action=node.get("onSubmitAction")))
    with box:
        render_children(node, inner.with_direction(direction))
    return box


@renders("Divider")
def render_divider(node: Node, ctx: RenderContext) -> ui.element:
    """Render a horizontal (or, inside a row, vertical) rule."""
    line_color = st.color(node.get("color") or "default", tokens.BORDER_COLORS)
    thickness = st.length(node.get("size")) or "1px"
    spacing = st.space(node.get("spacing")) or "0"
    if ctx.direction == "row":
        styles = {"border-left": f"{thickness} solid {line_color}", "align-self": "stretch"}
        styles["margin"] = f"0 {spacing}"
    else:
        styles = {"border-top": f"{thickness} solid {line_color}", "width": "100%"}
        styles["margin"] = f"{spacing} 0"
        if node.get("flush"):
            styles.update(st.flush_styles())
    return st.apply(ui.element("div").classes("ck-divider"), styles)


@renders("Spacer")
def render_spacer(node: Node, ctx: RenderContext) -> ui.element:
    """Render a flexible gap that pushes siblings apart."""
    styles = {"flex": "1 1 auto"}
    if (min_size := st.length(node.get("minSize"))) is not None:
        styles["min-width" if ctx.direction == "row" else "min-height"] = min_size
    return st.apply(ui.element("div").classes("ck-spacer"), styles)


@renders("Transition")
def render_transition(node: Node, ctx: RenderContext) -> ui.element:
    """Render the single child; `display: contents` keeps the parent's layout intact."""
    wrapper = ui.element("div").classes("ck-transition").style("display: contents")
    with wrapper:
        render_children(node, ctx)
    return wrapper
