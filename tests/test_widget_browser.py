"""Widgets in a real Chromium: Table layout, scrolling inside the card, palette and labels."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from nicegui.testing import Screen
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

CHROMIUM = Path(os.environ.get("CHROME_BINARY_LOCATION", "/usr/bin/chromium"))

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and shutil.which("chromedriver"))
    and not os.environ.get("REQUIRE_BROWSER"),
    reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
)


def open_gallery(screen: Screen, width: int = 1280) -> None:
    screen.selenium.set_window_size(width, 900)
    screen.open("/gallery", timeout=90)  # cold start on a busy machine
    screen.should_contain("Team hours")


def cell(screen: Screen, text: str) -> WebElement:
    """Return the table cell (th or td) whose text starts with `text`."""
    xpath = f"//*[self::td or self::th][starts-with(normalize-space(.), '{text}')]"
    return screen.selenium.find_element(By.XPATH, xpath)


def example_card(screen: Screen, title: str) -> WebElement:
    """Return the widget card rendered under a gallery heading."""
    xpath = (
        f"//*[contains(@class,'ck-gallery-title') and normalize-space(.)='{title}']"
        "/following-sibling::*[contains(@class,'ck-widget')][1]//*[contains(@class,'ck-card')]"
    )
    return screen.selenium.find_element(By.XPATH, xpath)


def rgba(css: str) -> tuple[float, ...]:
    """Parse a computed colour; Chromium reports oklab() for translucent tokens, so paint it."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    return tuple(numbers) if css.startswith("rgb") else ()


def test_table_cells_sit_side_by_side_in_aligned_columns(screen: Screen) -> None:
    open_gallery(screen)
    task, owner, hours = cell(screen, "Task"), cell(screen, "Owner"), cell(screen, "Hours")
    assert [c.tag_name for c in (task, owner, hours)] == ["th", "th", "th"]
    write, ana, six = cell(screen, "Write the report"), cell(screen, "Ana"), cell(screen, "6")
    assert {c.tag_name for c in (write, ana, six)} == {"td"}
    # One row: same top, left to right.
    assert write.location["y"] == ana.location["y"] == six.location["y"]
    assert write.location["x"] < ana.location["x"] < six.location["x"]
    # Columns line up with their headers.
    for header, body in ((task, write), (owner, ana), (hours, six)):
        assert abs(header.location["x"] - body.location["x"]) <= 1
    # Spans: "Review" covers two rows, "Total" two columns.
    review, ben, chi = cell(screen, "Review"), cell(screen, "Ben"), cell(screen, "Chi")
    assert review.size["height"] >= ben.size["height"] + chi.size["height"] - 2
    assert abs(chi.location["x"] - ana.location["x"]) <= 1
    total = cell(screen, "Total")
    assert abs(total.size["width"] - (task.size["width"] + owner.size["width"])) <= 2
    # Numbers align to the end of their column.
    assert six.value_of_css_property("text-align") == "right"


@pytest.mark.parametrize("width", [1280, 390])
def test_wide_table_scrolls_inside_its_card_never_the_page(screen: Screen, width: int) -> None:
    open_gallery(screen, width)
    scroller = cell(screen, "January").find_element(
        By.XPATH, "ancestor::*[contains(@class,'ck-table-scroll')]"
    )
    inner, outer = scroller.get_property("scrollWidth"), scroller.get_property("clientWidth")
    assert inner > outer  # eight 140 px columns do not fit: the box scrolls
    page = screen.selenium.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert page[0] <= page[1], f"the page scrolls sideways: {page}"


def test_default_border_is_light_grey_and_themes_switch_the_palette(screen: Screen) -> None:
    open_gallery(screen)
    card = example_card(screen, "Table")
    border = card.value_of_css_property("border-top-color")
    assert border.startswith("oklab(") and border.rstrip(")").endswith("/ 0.1"), border
    light = example_card(screen, "Theme: light")
    dark = example_card(screen, "Theme: dark")
    assert rgba(light.value_of_css_property("background-color"))[:3] == (255, 255, 255)
    assert rgba(dark.value_of_css_property("background-color"))[:3] == (33, 33, 33)
    assert rgba(dark.value_of_css_property("color"))[:3] == (255, 255, 255)

    # A page in dark mode: widgets without a theme follow it, `theme: light` does not.
    screen.selenium.execute_script("document.body.classList.add('body--dark')")
    WebDriverWait(screen.selenium, 10).until(
        lambda _: rgba(card.value_of_css_property("background-color"))[:3] == (33, 33, 33)
    )
    assert rgba(light.value_of_css_property("background-color"))[:3] == (255, 255, 255)
    border = card.value_of_css_property("border-top-color")
    assert border.startswith("oklab(1") or border.startswith("oklab(0.99"), border


def test_a_label_focuses_its_field(screen: Screen) -> None:
    open_gallery(screen)
    label = screen.selenium.find_element(
        By.XPATH, "//label[normalize-space(.)='Email (label tied to its field)']"
    )
    label.click()
    focused = screen.selenium.switch_to.active_element
    assert focused.get_attribute("type") == "email"
    assert focused.get_attribute("id") == label.get_attribute("for")
