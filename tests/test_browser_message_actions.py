"""Regenerate, edit and thread search in a real Chromium, found by their accessible names."""

import pytest
from nicegui.testing import Screen
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from tests.test_browser import pytestmark as browser_mark
from tests.test_browser import send, wait_for

pytestmark = browser_mark
WAIT = 30.0


def named(screen: Screen, name: str) -> list[WebElement]:
    """Return the visible buttons and inputs whose accessible name is `name`."""
    found = screen.selenium.find_elements(By.CSS_SELECTOR, f'[aria-label="{name}"]')
    try:
        return [element for element in found if element.is_displayed()]
    except StaleElementReferenceException:  # re-rendered meanwhile: ask again on the next poll
        return []


def texts(screen: Screen, selector: str) -> list[str]:
    """Return the visible texts of the elements a selector finds, read in one step."""
    # One script call: elements re-rendered between finding and reading cannot go stale.
    script = "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText)"
    return screen.selenium.execute_script(script, selector)


def panel_text(screen: Screen) -> str:
    """Return the text of the todo side panel."""
    return "\n".join(texts(screen, ".todo-panel"))


def thread_titles(screen: Screen) -> list[str]:
    """Return the titles the thread drawer lists."""
    return texts(screen, ".thread-title")


def bubbles(screen: Screen) -> list[str]:
    """Return the texts of the user's message bubbles."""
    return texts(screen, ".user-bubble")


@pytest.mark.timeout(300)
def test_regenerate_and_edit_by_their_names_without_repeating_changes(screen: Screen) -> None:
    screen.selenium.set_window_size(1280, 900)
    screen.open("/", timeout=30)
    send(screen, "add buy milk")
    wait_for(lambda: len(named(screen, "Regenerate reply")) == 1, WAIT)
    (regenerate,) = named(screen, "Regenerate reply")
    assert regenerate.accessible_name == "Regenerate reply"
    assert named(screen, "Copy reply")[0].accessible_name == "Copy reply"

    regenerate.click()
    wait_for(
        lambda: len(named(screen, "Regenerate reply")) == 1 and "buy milk" in panel_text(screen),
        WAIT,
    )
    assert panel_text(screen).count("buy milk") == 1, "regenerating did not add a second one"

    (edit,) = named(screen, "Edit message")
    assert edit.accessible_name == "Edit message"
    edit.click()
    wait_for(lambda: bool(named(screen, "Edited message")), WAIT)
    (field,) = named(screen, "Edited message")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("add buy bread")
    field.send_keys(Keys.ENTER)

    wait_for(lambda: bubbles(screen) == ["add buy bread"], WAIT)
    wait_for(
        lambda: "buy bread" in panel_text(screen) and "buy milk" not in panel_text(screen), WAIT
    )


@pytest.mark.timeout(300)
def test_the_drawer_search_is_named_and_finds_a_chat_by_its_text(screen: Screen) -> None:
    screen.selenium.set_window_size(1280, 900)
    screen.open("/", timeout=30)
    send(screen, "add call the plumber")
    wait_for(lambda: len(named(screen, "Regenerate reply")) == 1, WAIT)
    (search,) = named(screen, "Search chats")
    assert search.accessible_name == "Search chats"
    assert named(screen, "Chat actions"), "the thread menu button has a name"

    search.send_keys("plumb")
    wait_for(lambda: thread_titles(screen) == ["Add call the plumber"], WAIT)
    search.send_keys(" nowhere")
    wait_for(lambda: thread_titles(screen) == [], WAIT)
    screen.should_contain("No chats match")
