"""The chat in a real Chromium: send, tick, markup as text, reload.

The README screenshot is refreshed on purpose, not by tests: `python -m tests.screenshot`.
"""

import os
import shutil
from pathlib import Path

import pytest
from nicegui.testing import Screen
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from tests.polling import STARTUP_PATIENCE, wait_for

CHROMIUM = Path(os.environ.get("CHROME_BINARY_LOCATION", "/usr/bin/chromium"))

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and shutil.which("chromedriver"))
    and not os.environ.get("REQUIRE_BROWSER"),
    reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
)


def send(screen: Screen, text: str) -> None:
    """Type a message in the composer and press Enter."""
    composer = screen.selenium.find_element(By.CSS_SELECTOR, ".composer textarea")
    composer.send_keys(text)
    composer.send_keys(Keys.ENTER)


def card_checkboxes(screen: Screen) -> list[WebElement]:
    """Return the checkboxes of the todo card in the chat."""
    return screen.selenium.find_elements(By.CSS_SELECTOR, ".thread-view .ck-widget .q-checkbox")


def test_send_tick_and_see_card_and_panel_agree(screen: Screen) -> None:
    screen.selenium.set_window_size(1280, 900)
    screen.open("/", timeout=STARTUP_PATIENCE)
    send(screen, "Add three tasks: buy groceries, finish report, and call mom")
    screen.should_contain("3 pending")
    wait_for_reply(screen)

    card_checkboxes(screen)[0].click()
    screen.should_contain("1 done")
    panel = screen.selenium.find_element(By.CSS_SELECTOR, ".todo-panel")
    wait_for(lambda: "2 pending · 1 done" in panel.text)
    title = screen.selenium.find_element(
        By.XPATH, "//div[contains(@class,'ck-widget')]//*[normalize-space(text())='buy groceries']"
    )
    assert "line-through" in title.value_of_css_property("text-decoration-line")
    panel_title = panel.find_element(By.XPATH, ".//*[normalize-space(text())='buy groceries']")
    assert "line-through" in panel_title.value_of_css_property("text-decoration-line")


def wait_for_reply(screen: Screen) -> None:
    """Wait until the reply has ended (Stop is hidden), as a user would before clicking."""
    wait_for(
        lambda: (
            not [
                button
                for button in screen.selenium.find_elements(By.CSS_SELECTOR, "footer button")
                if button.is_displayed() and button.text.strip() == "stop"
            ]
        )
    )


def test_markup_in_a_title_shows_as_text_and_never_runs(screen: Screen) -> None:
    screen.open("/", timeout=STARTUP_PATIENCE)
    send(screen, "Add <img src=x onerror=alert(1)> now")
    screen.should_contain("1 pending")
    screen.should_contain("<img src=x onerror=alert(1)> now")
    assert not screen.selenium.find_elements(By.CSS_SELECTOR, ".thread-view img[src='x']")
    with pytest.raises(NoAlertPresentException):
        screen.selenium.switch_to.alert.text  # noqa: B018 - reading it is the check


def test_reload_brings_the_conversation_back(screen: Screen) -> None:
    screen.open("/", timeout=STARTUP_PATIENCE)
    send(screen, "Add renew passport")
    screen.should_contain("1 pending")
    wait_for(lambda: "thread=" in screen.selenium.current_url)
    screen.selenium.refresh()
    screen.should_contain("Add renew passport")
    screen.should_contain("1 pending")


def test_many_commands_keep_one_usable_list_and_a_panel_delete_can_be_undone(
    screen: Screen,
) -> None:
    screen.open("/", timeout=STARTUP_PATIENCE)
    send(screen, "Add buy milk")
    screen.should_contain("1 pending")
    wait_for_reply(screen)
    for text in ("Add call mom", "Add walk the dog", "Show my todos"):
        send(screen, text)
        wait_for_reply(screen)
    screen.should_contain("3 pending")
    # One list with a checkbox per todo; the older list kept counts and nothing to click.
    wait_for(lambda: len(card_checkboxes(screen)) == 3)
    screen.should_contain("The list moved further down")
    wait_for(lambda: 'Added "call mom".' in screen.selenium.find_element(By.TAG_NAME, "body").text)

    panel = screen.selenium.find_element(By.CSS_SELECTOR, ".todo-panel")
    row = panel.find_element(By.XPATH, ".//*[normalize-space(text())='call mom']/..")
    row.find_element(By.CSS_SELECTOR, "button[aria-label='Delete']").click()
    wait_for(lambda: "2 pending" in panel.text and 'Deleted "call mom"' in panel.text)
    wait_for(lambda: len(card_checkboxes(screen)) == 2)
    panel.find_element(By.XPATH, ".//button[normalize-space(.)='Undo']").click()
    wait_for(lambda: "3 pending" in panel.text and "call mom" in panel.text)
    wait_for(lambda: len(card_checkboxes(screen)) == 3)
