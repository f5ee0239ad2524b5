"""Author-coloured widget text stays readable (WCAG 4.5:1) in light and in dark."""

import re

import pytest
from nicegui import ElementFilter, ui
from nicegui.testing import User

from chatkit_bridge.ui.widget_contrast import SURFACE, contrast, pair, readable, text_color
from chatkit_bridge.ui.widget_palette import PALETTE
from tests.renderer_support import card, show

LIGHT_DARK = re.compile(r"light-dark\((#[0-9a-f]{6}), (#[0-9a-f]{6})\)")


def halves(css: str) -> tuple[str, str]:
    """Split a `light-dark(a, b)` value (or one colour) into its light and dark colours."""
    match = LIGHT_DARK.fullmatch(css)
    return (match[1], match[2]) if match else (css, css)


def test_the_wcag_ratio_matches_known_pairs() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#0ea5e9", "#ffffff") == pytest.approx(2.77, abs=0.01)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("author", ["#0ea5e9", "purple-600", "yellow-300", "#fcd34d"])
def test_author_text_colours_reach_4_5_in_both_themes(author: str) -> None:
    light, dark = halves(text_color(author, SURFACE) or "")
    assert contrast(light, SURFACE[0]) >= 4.5
    assert contrast(dark, SURFACE[1]) >= 4.5


def test_a_colour_that_already_reads_well_is_left_alone() -> None:
    assert readable("#1d4ed8", "#ffffff") == "#1d4ed8"
    # Sky-500 is darkened only as far as needed: still blue, not black.
    darker = readable("#0ea5e9", "#ffffff")
    assert 4.5 <= contrast(darker, "#ffffff") < 5
    red, green, blue = (int(darker[i : i + 2], 16) for i in (1, 3, 5))
    assert blue > green > red


def test_palette_tokens_on_the_surface_stay_theme_variables() -> None:
    assert text_color("secondary", SURFACE) is None
    assert text_color({"light": "#b45309", "dark": "#fcd34d"}, SURFACE) == (
        "light-dark(#b45309, #fcd34d)"
    )


async def test_text_in_a_light_box_stays_readable_in_dark_mode(user: User) -> None:
    box = {
        "type": "Col",
        "background": "blue-50",
        "children": [
            {"type": "Text", "value": "inherited"},
            {"type": "Caption", "value": "secondary"},
            {"type": "Text", "value": "author", "color": "purple-600"},
        ],
    }
    await show(user, card(box))
    background = pair("blue-50")
    assert background is not None
    with user:
        col = next(e for e in ElementFilter(kind=ui.element) if "ck-col" in e.classes)
        author = next(iter(ElementFilter(kind=ui.label, content="author")))
    # The box redefines every text token for its own background, in light and in dark.
    for name in ("text", "text-secondary", "text-tertiary"):
        light, dark = halves(col.style[f"--ck-{name}"])
        assert contrast(light, background[0]) >= 4.5, name
        assert contrast(dark, background[1]) >= 4.5, name
    light, dark = halves(author.style["color"])
    assert contrast(light, background[0]) >= 4.5 and contrast(dark, background[1]) >= 4.5
    assert PALETTE["text"][1] == "#ffffff"  # what dark mode would have drawn: white on blue-50
