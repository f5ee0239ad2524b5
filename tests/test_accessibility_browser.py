"""No serious accessibility violations (axe-core) in a chat with cards and in the gallery,
in light and dark, on a desktop and a phone; every button and link has a name.
"""

from pathlib import Path

import axe_playwright_python
import pytest
from nicegui.testing import Screen
from selenium.webdriver.common.by import By

from tests import test_chat_browser
from tests.test_browser import pytestmark, wait_for  # noqa: F401 - same skip rule
from tests.test_chat_browser import js, phone, replies_done, type_and_send

# axe-core 4.12 as the axe-playwright-python package ships it; Selenium injects it directly.
AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")

# The chat tests' browser settings, given back after each test.
browser_settings = test_chat_browser.browser_settings


def serious_violations(screen: Screen, options: str = "{}", context: str = "document") -> list[str]:
    """Run axe-core on the page; return serious and critical violations, described."""
    screen.selenium.execute_script(AXE_JS)
    results = screen.selenium.execute_async_script(
        f"const done = arguments[arguments.length - 1]; axe.run({context}, {options}).then(done);"
    )
    return [
        f"{v['id']} ({v['impact']}): {[n['html'][:120] for n in v['nodes']][:5]}"
        for v in results["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("variant", ["light", "dark", "phone"])
def test_no_serious_accessibility_violations_in_a_chat_with_cards(
    screen: Screen, variant: str
) -> None:
    if variant == "dark":
        screen.open("/", timeout=40)
        screen.selenium.add_cookie({"name": "chat_dark", "value": "1", "path": "/"})
    screen.open("/", timeout=40)
    if variant == "phone":
        phone(screen, 390, 800)
    type_and_send(screen, "Add buy milk and call mom")
    wait_for(lambda: replies_done(screen, 1))
    type_and_send(screen, "help")
    wait_for(lambda: replies_done(screen, 2))
    assert serious_violations(screen) == []
    unnamed = js(
        screen,
        "return [...document.querySelectorAll('button, a[href]')].filter(b =>"
        " !(b.getAttribute('aria-label') || b.textContent.trim() || b.title)).length",
    )
    assert unnamed == 0


@pytest.mark.parametrize("dark", [False, True])
def test_no_serious_accessibility_violations_in_the_gallery(screen: Screen, dark: bool) -> None:
    screen.open("/gallery", timeout=40)
    if dark:
        screen.selenium.add_cookie({"name": "chat_dark", "value": "1", "path": "/"})
        screen.open("/gallery", timeout=40)
    wait_for(lambda: screen.selenium.find_elements(By.CSS_SELECTOR, ".ck-widget"))
    # Every example, author-chosen colours (primitives, hex, light/dark pairs) included.
    assert serious_violations(screen) == []
