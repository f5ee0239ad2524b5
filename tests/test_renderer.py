"""The ChatKit widget renderer: pure helpers, components, safety."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from nicegui import ElementFilter, ui
from nicegui.testing import User

from chatkit_bridge.ui import widget_core
from chatkit_bridge.ui.safe_markdown import SafeMarkdown
from chatkit_bridge.ui.widget_actions import build_payload, nest_fields
from chatkit_bridge.ui.widget_chart import chart_options
from chatkit_bridge.ui.widget_content import material_icon
from chatkit_bridge.ui.widget_style import box_styles, color, primitive_color, safe_css
from tests.renderer_support import RENDERER_LOGGER, card, show, widget

# ----- pure helpers --------------------------------------------------------------------------


def test_dotted_names_nest_and_payload_keys_win() -> None:
    assert nest_fields({"todo.title": "a", "todo.meta.tag": "b", "x": 1}) == {
        "todo": {"title": "a", "meta": {"tag": "b"}},
        "x": 1,
    }
    payload = {"id": "t1", "todo": {"title": "from payload"}}
    merged = build_payload(payload, {"todo.title": "typed", "todo.notes": "n", "id": "field"})
    assert merged == {"id": "t1", "todo": {"title": "from payload", "notes": "n"}}
    assert build_payload(None, {}) == {}


def test_colors_and_css_values_are_sanitised() -> None:
    assert color("secondary") == "var(--ck-text-secondary)"
    assert color({"light": "#123456", "dark": "secondary"}) == (
        "light-dark(#123456, var(--ck-text-secondary))"
    )
    assert color({"light": "#123456"}) == "#123456"
    assert primitive_color("red-500") == "#ef4444"
    assert color("blue-100", {}) is not None
    assert safe_css("red; background: url(x)") is None
    assert box_styles({"gap": 2, "padding": {"x": 1}, "radius": "full"}) == {
        "gap": "8px",
        "padding-left": "4px",
        "padding-right": "4px",
        "border-radius": "9999px",
    }


def test_chart_options_translate_series_and_axis() -> None:
    options = chart_options(
        {
            "data": [{"m": "Jan", "a": 1, "b": 2}, {"m": "Feb", "a": 3, "b": 4}],
            "xAxis": {"dataKey": "m", "labels": {"Jan": "January"}},
            "series": [
                {"type": "bar", "dataKey": "a", "label": "A", "stack": "s", "color": "blue"},
                {"type": "area", "dataKey": "b", "label": "B", "curveType": "step"},
            ],
            "showYAxis": False,
        }
    )
    assert options["xAxis"]["data"] == ["January", "Feb"]
    assert options["yAxis"]["show"] is False
    bar, area = options["series"]
    assert bar == {
        "type": "bar",
        "name": "A",
        "data": [1, 3],
        "stack": "s",
        "itemStyle": {"color": "#3b82f6"},
    }
    assert area["type"] == "line" and area["areaStyle"] and area["step"] == "middle"
    assert "legend" in options and "tooltip" in options


def test_icon_names_map_to_material_icons() -> None:
    assert material_icon("check-circle-filled") == "check_circle"
    assert material_icon("lucide:trash-2") == "delete"
    assert material_icon("vendor:unknown") == "fiber_manual_record"


# ----- rendering -----------------------------------------------------------------------------


async def test_unknown_component_renders_a_placeholder(user: User) -> None:
    await show(user, card({"type": "Carousel", "slides": []}, {"type": "Text", "value": "after"}))
    await user.should_see("Unsupported component: Carousel")
    await user.should_see("after")


async def test_a_failing_component_does_not_kill_the_widget(
    user: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(node: dict[str, Any], ctx: Any) -> ui.element:
        ui.label("half-built")
        raise RuntimeError("boom")

    monkeypatch.setitem(widget_core.RENDERERS, "Badge", broken)
    await show(user, card({"type": "Badge", "label": "b"}, {"type": "Text", "value": "still here"}))
    await user.should_see("still here")
    await user.should_see("Unsupported component: Badge")
    await user.should_not_see("half-built")
    assert any(r.name == RENDERER_LOGGER and r.levelno == logging.ERROR for r in caplog.records)
    caplog.clear()  # the error was expected; the user fixture fails tests on ERROR logs


async def test_html_looking_text_is_shown_literally(user: User) -> None:
    evil = "<img src=x onerror=alert(1)>"
    script = "<script>alert(1)</script>"
    await show(
        user,
        card(
            {"type": "Text", "value": evil},
            {"type": "Title", "value": script},
            {"type": "Caption", "value": evil},
            {"type": "Badge", "label": script},
            {"type": "Button", "label": evil},
            {"type": "Checkbox", "name": "c", "label": script},
        ),
    )
    with user:
        labels = [e.text for e in ElementFilter(kind=ui.label)]
        assert labels.count(evil) == 2 and labels.count(script) == 2
        assert [b.text for b in ElementFilter(kind=ui.button)] == [evil]
        assert [c.text for c in ElementFilter(kind=ui.checkbox)] == [script]
        assert not list(ElementFilter(kind=ui.html))


async def test_dict_children_and_dynamic_types_render(user: User) -> None:
    root = widget(
        {
            "type": "Basic",
            "children": [
                {
                    "type": "Row",
                    "children": [
                        {"type": "Icon", "name": "star"},
                        {"type": "Text", "value": "row text"},
                    ],
                },
                {"type": "Transition", "children": {"type": "Markdown", "value": "**md**"}},
                {"type": "Image", "src": "javascript:alert(1)", "alt": "bad"},
            ],
        }
    )
    await show(user, root)
    await user.should_see("row text")
    await user.should_see("Image not shown: bad")
    with user:
        assert [m.markdown for m in ElementFilter(kind=SafeMarkdown)] == ["**md**"]
        assert [i.name for i in ElementFilter(kind=ui.icon)] == ["star_border"]


async def test_inputs_show_their_defaults(user: User) -> None:
    await show(
        user,
        card(
            {"type": "Input", "name": "a", "defaultValue": "hello"},
            {"type": "Checkbox", "name": "b", "defaultChecked": True, "label": "B"},
            {
                "type": "Select",
                "name": "c",
                "options": [{"value": "x", "label": "X"}],
                "defaultValue": "x",
            },
            {
                "type": "RadioGroup",
                "name": "d",
                "options": [{"value": "r", "label": "R"}],
                "defaultValue": "r",
            },
            {"type": "DatePicker", "name": "e", "defaultValue": "2025-03-04T00:00:00"},
        ),
    )
    with user:
        assert [i.value for i in ElementFilter(kind=ui.input)] == ["hello", "2025-03-04"]
        assert next(iter(ElementFilter(kind=ui.checkbox))).value is True
        assert next(iter(ElementFilter(kind=ui.select))).value == "x"
        assert next(iter(ElementFilter(kind=ui.radio))).value == "r"
