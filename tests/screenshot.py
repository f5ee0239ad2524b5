"""Refresh the README screenshot, docs/screenshot.png: `python -m tests.screenshot`.

Starts `python app.py` on a free port with a throw-away data folder and the offline model, adds
three todos in headless Chromium, ticks one, and saves the window. Tests never write this file.
Needs Chromium and chromedriver (`apt-get install chromium chromium-driver`).
"""

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.app_process import ROOT, running_app
from tests.polling import PATIENCE, wait_for

TARGET = ROOT / "docs" / "screenshot.png"
PROMPT = "Add three tasks: buy groceries, finish report, and call mom"


def browser(width: int, height: int) -> webdriver.Chrome:
    """Start headless Chromium that only talks to 127.0.0.1."""
    options = webdriver.ChromeOptions()
    for flag in (
        "headless",
        "no-sandbox",
        "disable-dev-shm-usage",
        "disable-gpu",
        "disable-background-networking",
        "disable-component-update",
        "no-first-run",
        f"window-size={width},{height}",
    ):
        options.add_argument(flag)
    options.binary_location = os.environ.get("CHROME_BINARY_LOCATION", "/usr/bin/chromium")
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium download a driver
    service = Service(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.implicitly_wait(PATIENCE)
    return driver


def panel_text(driver: webdriver.Chrome) -> str:
    """Return the side panel's text; empty while the page redraws it."""
    try:
        return driver.find_element(By.CSS_SELECTOR, ".todo-panel").text
    except StaleElementReferenceException:
        return ""


def take(target: Path, width: int = 1280, height: int = 900) -> None:
    """Show a ticked todo list on a fresh app and save the window to `target`.

    :param target: the PNG file to write
    :param width: window width in pixels
    :param height: window height in pixels
    """
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        with running_app(data, STORAGE_SECRET="screenshot-secret-" + "x" * 32) as url:
            driver = browser(width, height)
            try:
                driver.get(url)
                composer = driver.find_element(By.CSS_SELECTOR, ".composer textarea")
                composer.send_keys(PROMPT)
                composer.send_keys(Keys.ENTER)
                wait_for(lambda: "3 pending" in panel_text(driver), what="three todos")
                checkbox = ".thread-view .ck-widget .q-checkbox"
                driver.find_elements(By.CSS_SELECTOR, checkbox)[0].click()
                wait_for(lambda: "2 pending · 1 done" in panel_text(driver), what="one ticked")
                target.parent.mkdir(parents=True, exist_ok=True)
                driver.save_screenshot(str(target))
            finally:
                driver.quit()


def main() -> None:
    """Parse the command line and take the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TARGET, help="PNG to write")
    args = parser.parse_args()
    take(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
