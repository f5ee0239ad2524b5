"""Renderer for the Chart component (bar, line and area series) via ECharts, bundled offline."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from . import widget_style as st
from . import widget_tokens as tokens
from .widget_core import Node, RenderContext, renders

_SERIES_TYPES = {"bar": "bar", "line": "line", "area": "line"}
_STEP_CURVES = {"step": "middle", "stepBefore": "start", "stepAfter": "end"}


def _series(
    spec: dict[str, Any], data: list[dict[str, Any]], gaps: dict[str, Any]
) -> dict[str, Any]:
    kind = spec.get("type", "bar")
    series: dict[str, Any] = {
        "type": _SERIES_TYPES.get(kind, "bar"),
        "name": str(spec.get("label") or spec.get("dataKey", "")),
        "data": [row.get(str(spec.get("dataKey", ""))) for row in data],
    }
    if spec.get("stack"):
        series["stack"] = str(spec["stack"])
    if (series_color := st.color(spec.get("color"), tokens.CHART_COLORS)) is not None:
        series["itemStyle"] = {"color": series_color}
    if kind == "area":
        series["areaStyle"] = {"opacity": 0.3}
    curve = spec.get("curveType")
    if kind != "bar" and curve in _STEP_CURVES:
        series["step"] = _STEP_CURVES[curve]
    elif kind != "bar" and curve not in (None, "linear", "linearClosed"):
        series["smooth"] = True
    if kind == "bar":
        series.update(gaps)
    return series


def chart_options(node: Node) -> dict[str, Any]:
    """Translate a ChatKit Chart node into an ECharts option dict."""
    data = [row for row in node.get("data") or [] if isinstance(row, dict)]
    x_axis = node.get("xAxis")
    axis = x_axis if isinstance(x_axis, dict) else {"dataKey": x_axis}
    key, labels = str(axis.get("dataKey") or ""), axis.get("labels") or {}
    gaps: dict[str, Any] = {}
    if isinstance(node.get("barGap"), int):
        gaps["barGap"] = f"{node['barGap']}px"
    if isinstance(node.get("barCategoryGap"), int):
        gaps["barCategoryGap"] = f"{node['barCategoryGap']}px"
    series = [_series(s, data, gaps) for s in node.get("series") or [] if isinstance(s, dict)]
    options: dict[str, Any] = {
        "animation": False,
        "grid": {"left": 8, "right": 8, "top": 24, "bottom": 8, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [str(labels.get(str(row.get(key)), row.get(key, ""))) for row in data],
            "show": not axis.get("hide", False),
        },
        "yAxis": {"type": "value", "show": node.get("showYAxis", True)},
        "series": series,
        "color": list(tokens.CHART_COLORS.values()),
    }
    if node.get("showLegend", True) and len(series) > 1:
        options["legend"] = {"top": 0}
    if node.get("showTooltip", True):
        options["tooltip"] = {"trigger": "axis"}
    return options


@renders("Chart")
def render_chart(node: Node, ctx: RenderContext) -> ui.element:
    """Render a chart with ECharts, sized by the node's size properties."""
    chart = ui.echart(chart_options(node)).classes("ck-chart")
    styles = {"width": "100%", "height": "220px", **st.size_styles(node)}
    return st.apply(chart, styles)
