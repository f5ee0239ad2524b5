"""Renderers for ChatKit's Table, Table.Row and Table.Cell (ChatKit 1.9 front end).

The Python SDK has no classes for these yet; they arrive as dynamic components. A table is a
real `<table>` inside a horizontally scrolling box, so a wide table scrolls inside its card and
never widens the chat.
"""

from __future__ import annotations

from nicegui import ui

from . import widget_style as st
from . import widget_tokens as tokens
from .widget_core import Node, RenderContext, child_nodes, render_children, render_node, renders

# Minimum column widths for `colSize`. ChatKit does not publish its values: these are a guess
# on the spacing scale (documented in docs/WIDGETS.md).
COL_SIZES = {"xs": "48px", "sm": "80px", "md": "120px", "lg": "180px", "xl": "240px"}
CELL_ALIGN = {"start": "left", "center": "center", "end": "right"}
CELL_VALIGN = {"start": "top", "center": "middle", "end": "bottom"}
DEFAULT_CELL_PADDING = {"padding": "8px 12px"}


@renders("Table")
def render_table(node: Node, ctx: RenderContext) -> ui.element:
    """Render a table: header rows first in <thead>, the rest in <tbody>."""
    rows = [row for row in child_nodes(node) if isinstance(row, dict)]
    split = next((i for i, row in enumerate(rows) if not row.get("header")), len(rows))
    scroller = ui.element("div").classes("ck-table-scroll")
    scroller.props["tabindex"] = "0"  # keyboard users can scroll a wide table too
    st.apply(
        scroller, {"width": "100%", "max-width": "100%", "min-width": "0", "overflow-x": "auto"}
    )
    with scroller:
        table = ui.element("table").classes("ck-table")
        st.apply(table, {"width": "100%", "border-collapse": "collapse", "font-size": "14px"})
        with table:
            for tag, group in (("thead", rows[:split]), ("tbody", rows[split:])):
                if group:
                    with ui.element(tag):
                        for row in group:
                            render_node(row, ctx)
    return scroller


@renders("Table.Row")
def render_table_row(node: Node, ctx: RenderContext) -> ui.element:
    """Render one row; a `header` row's cells become column headers."""
    row = ui.element("tr").classes("ck-table-row")
    header = bool(node.get("header"))
    if header:
        row.classes("ck-table-header")
    with row:
        render_children(node, ctx.with_header(header).with_direction("col"))
    return row


@renders("Table.Cell")
def render_table_cell(node: Node, ctx: RenderContext) -> ui.element:
    """Render one cell with its spans, alignment, width, padding and column size."""
    cell = ui.element("th" if ctx.header else "td").classes("ck-table-cell")
    for key, attribute in (("colSpan", "colspan"), ("rowSpan", "rowspan")):
        span = node.get(key)
        if isinstance(span, int) and not isinstance(span, bool) and 1 < span <= 1000:
            cell.props[attribute] = span
    if ctx.header:
        cell.props["scope"] = "col"
    st.apply(cell, _cell_styles(node, header=ctx.header))
    with cell:
        render_children(node, ctx.with_header(False))
    return cell


def _cell_styles(node: Node, *, header: bool) -> dict[str, str]:
    styles = {
        "text-align": CELL_ALIGN.get(node.get("align") or "", "left"),
        "vertical-align": CELL_VALIGN.get(node.get("vAlign") or "", "middle"),
        "border-bottom": f"1px solid {tokens.BORDER_COLORS['subtle']}",
    }
    if header:
        styles.update(
            {
                "font-weight": "600",
                "color": tokens.TEXT_COLORS["secondary"],
                "border-bottom": f"1px solid {tokens.BORDER_COLORS['default']}",
                "white-space": "nowrap",
            }
        )
    padding = st.spacing_styles("padding", node.get("padding"))
    styles.update(padding or DEFAULT_CELL_PADDING)
    if (width := st.length(node.get("width"))) is not None:
        styles["width"] = width
    if (min_width := COL_SIZES.get(node.get("colSize") or "")) is not None:
        styles["min-width"] = min_width
    return styles
