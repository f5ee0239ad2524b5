"""Two `python app.py` on one PostgreSQL database: nothing lost, sessions and changes shared."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from tests.app_process import running_app
from tests.postgres import private_schema
from tests.two_processes import write_through_both_and_check
from tests.wire import add_todos, start_thread

CHROMIUM = Path(os.environ.get("CHROME_BINARY_LOCATION", "/usr/bin/chromium"))


def test_two_processes_share_one_database_and_lose_nothing(tmp_path: Path) -> None:
    with private_schema() as dsn:
        # Separate data folders, as two replicas on two machines; no STORAGE_SECRET given:
        # both must sign sessions with the one secret kept in the database.
        settings = {"DATABASE_URL": dsn, "STORAGE_SECRET": ""}
        for replica in ("a", "b"):
            (tmp_path / replica).mkdir()
        with (
            running_app(tmp_path / "a" / "data", **settings) as url_a,
            running_app(tmp_path / "b" / "data", **settings) as url_b,
        ):
            write_through_both_and_check(url_a, url_b)


@pytest.mark.skipif(
    not (CHROMIUM.exists() and shutil.which("chromedriver"))
    and not os.environ.get("REQUIRE_BROWSER"),
    reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
)
def test_a_change_through_one_process_appears_in_a_page_of_the_other(tmp_path: Path) -> None:
    options = webdriver.ChromeOptions()
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1280,900",  # wide enough that the todo panel is open
    ):
        options.add_argument(flag)
    options.binary_location = str(CHROMIUM)
    with private_schema() as dsn:
        settings = {"DATABASE_URL": dsn}
        for replica in ("a", "b"):
            (tmp_path / replica).mkdir()
        with (
            running_app(tmp_path / "a" / "data", **settings) as url_a,
            running_app(tmp_path / "b" / "data", **settings) as url_b,
        ):
            browser = webdriver.Chrome(options=options)
            try:
                browser.set_page_load_timeout(90)
                browser.get(f"{url_a}/")
                wait = WebDriverWait(browser, 60)
                panel = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".todo-panel"))
                cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
                with httpx.Client(base_url=url_b, timeout=60, cookies=cookies) as b:
                    (todo_id,) = add_todos(b, "made on the other process")
                    wait.until(lambda _: "made on the other process" in panel.text)
                    response = b.patch(f"/api/todos/{todo_id}", json={"completed": True})
                    assert response.status_code == 200, response.text
                    wait.until(lambda _: "1 done" in panel.text)
                    # A chat started through B appears in A's thread list.
                    start_thread(b, "Add plant the tulips")
                    threads = browser.find_element(By.CSS_SELECTOR, ".thread-list")
                    wait.until(lambda _: "plant the tulips" in threads.text.lower())
            finally:
                browser.quit()
