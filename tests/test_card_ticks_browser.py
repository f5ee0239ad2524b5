"""Ticking the todo card in a real Chromium: every tick counts, however fast they come."""

import os
import shutil
from pathlib import Path

import pytest
from nicegui.testing import Screen
from selenium.webdriver.common.by import By

from tests.polling import STARTUP_PATIENCE, wait_for
from tests.test_browser import send, wait_for_reply

CHROMIUM = Path(os.environ.get("CHROME_BINARY_LOCATION", "/usr/bin/chromium"))
TITLES = ["water plants", "pay rent", "book dentist", "fix bike", "call grandma"]

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and shutil.which("chromedriver"))
    and not os.environ.get("REQUIRE_BROWSER"),
    reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
)

# Clicks the card's checkbox named after a todo: found afresh each time, as a user's pointer
# finds whatever the page shows at that moment.
CLICK_CARD_BOX = """
const name = JSON.stringify('Completed: ' + arguments[0]);
document.querySelector(`.thread-view .ck-widget [role=checkbox][aria-label=${name}]`).click();
"""


def panel_text(screen: Screen) -> str:
    """Return what the side panel shows."""
    return screen.selenium.find_element(By.CSS_SELECTOR, ".todo-panel").text


def struck_card_titles(screen: Screen) -> set[str]:
    """Return the card's todo titles drawn struck through (ticked, as the server drew them)."""
    return set(
        screen.selenium.execute_script(
            """return [...document.querySelectorAll('.thread-view .ck-widget .ck-text')]
                 .filter((t) => getComputedStyle(t).textDecorationLine.includes('line-through'))
                 .map((t) => t.textContent.trim());"""
        )
    )


def test_ticks_in_quick_succession_all_reach_card_and_panel(screen: Screen) -> None:
    screen.selenium.set_window_size(1280, 900)
    screen.open("/", timeout=STARTUP_PATIENCE)
    send(screen, "Add " + ", ".join(TITLES))
    screen.should_contain(f"{len(TITLES)} pending")
    wait_for_reply(screen)

    # Each tick follows the previous one as soon as the panel shows it, while the card may
    # still be redrawing: the moment a click used to land on a box that was being replaced.
    for done, title in enumerate(TITLES, start=1):
        screen.selenium.execute_script(CLICK_CARD_BOX, title)
        wait_for(lambda done=done: f"· {done} done" in panel_text(screen), what=f"tick {done}")

    wait_for(lambda: struck_card_titles(screen) == set(TITLES), what="every card row ticked")
    screen.should_contain(f"{len(TITLES)} done")
    assert f"0 pending · {len(TITLES)} done" in panel_text(screen)
    boxes = screen.selenium.find_elements(By.CSS_SELECTOR, ".thread-view .ck-widget .q-checkbox")
    assert [box.get_attribute("aria-checked") for box in boxes] == ["true"] * len(TITLES)
