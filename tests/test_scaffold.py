"""`python -m chatkit_bridge new NAME` in a scratch copy: only the new folder appears, its own
tests pass, and the app serves it at once; a real Chromium chats with it."""

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.app_process import ROOT, STOP_PATIENCE, app_environment, free_port, loaded, stop
from tests.polling import PATIENCE, wait_for

CHROMIUM = Path(os.environ.get("CHROME_BINARY_LOCATION", "/usr/bin/chromium"))
NAME = "desk_helper"
SKIPPED = shutil.ignore_patterns(
    ".git", ".venv", "data", "__pycache__", "screenshots", ".pytest_cache", "*.log", ".env"
)


def hashes(folder: Path) -> dict[str, str]:
    """Return every file under `folder` (relative path) with the hash of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def run(copy: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run a command in the scratch copy, as a user would from its root."""
    return subprocess.run(
        args, cwd=copy, env=app_environment(), capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def scaffolded(tmp_path: Path) -> Iterator[Path]:
    """Copy the project, scaffold NAME into it, and check nothing else changed."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=SKIPPED)
    before = hashes(copy)
    result = run(copy, sys.executable, "-m", "chatkit_bridge", "new", NAME)
    assert result.returncode == 0, result.stderr
    assert f"USE_CASES={NAME} python app.py" in result.stdout
    assert f"python -m pytest use_cases/{NAME}" in result.stdout
    after = hashes(copy)
    changed = {path for path in before if after.get(path) != before[path]}
    added = set(after) - set(before)
    assert changed == set()
    assert added and all(path.startswith(f"use_cases/{NAME}/") for path in added)
    assert {f"use_cases/{NAME}/{NAME}.widget", f"use_cases/{NAME}/rules.py"} <= added
    yield copy


def test_the_new_use_case_passes_its_own_tests(scaffolded: Path) -> None:
    result = run(scaffolded, sys.executable, "-m", "pytest", f"use_cases/{NAME}", "-q")
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout


@pytest.mark.skipif(
    not (CHROMIUM.exists() and shutil.which("chromedriver"))
    and not os.environ.get("REQUIRE_BROWSER"),
    reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
)
def test_the_new_use_case_chats_in_the_browser(
    scaffolded: Path, nicegui_driver: webdriver.Chrome
) -> None:
    port = free_port()
    env = {
        **app_environment(),
        "USE_CASES": NAME,
        "APP_HOST": "127.0.0.1",
        "APP_PORT": str(port),
        "DATA_STORE_PATH": str(scaffolded / "data"),
        "LLM_PROVIDER": "offline",
        "LOG_LEVEL": "WARNING",
    }
    log = (scaffolded / "app.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "app.py"], cwd=scaffolded, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    driver = nicegui_driver
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_serving(base_url, process, timeout=120)
        driver.set_page_load_timeout(60)  # a cold first page on a busy machine
        driver.get(base_url)
        page_shows(driver, "Desk helper assistant")
        starter = (By.XPATH, "//button[contains(., 'Add an item')]")
        wait_for(lambda: driver.find_element(*starter).is_displayed(), what="the starter prompt")
        driver.find_element(*starter).click()
        page_shows(driver, 'Added "water the plants". You have 1 item.')
        page_shows(driver, "1 item")
        # The reply shows a moment before its turn ends: a message sent in between is refused.
        wait_for(lambda: turn_ended(driver), what="the turn's end (Stop hidden)")
        composer = driver.find_element(By.CSS_SELECTOR, ".composer textarea")
        composer.send_keys("note: call the bank")
        composer.send_keys(Keys.ENTER)
        page_shows(driver, "2 items")
        page_shows(driver, "call the bank")
    finally:
        driver.set_page_load_timeout(4)  # what NiceGUI's shared driver expects
        stop(process)
        log.close()


def turn_ended(driver: webdriver.Chrome) -> bool:
    """Whether no turn is running on the page (its Stop button is hidden)."""
    stops = driver.find_elements(By.CSS_SELECTOR, "[aria-label='Stop']")
    return not any(stop.is_displayed() for stop in stops)


def page_shows(driver: webdriver.Chrome, text: str, timeout: float = PATIENCE) -> None:
    """Wait until the page's visible text contains `text`."""
    wait_for(
        lambda: text in driver.find_element(By.TAG_NAME, "body").text,
        timeout,
        what=f"{text!r} on the page",
    )


def wait_until_serving(base_url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll /healthz; a copied project starts cold (no bytecode yet), so allow more time."""

    def serving() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"app.py exited with {process.returncode}")
        return loaded(base_url)

    wait_for(serving, timeout, what="app.py answering and loaded")


def test_dev_mode_restarts_when_a_use_case_file_is_saved(scaffolded: Path) -> None:
    port = free_port()
    env = {
        **app_environment(),
        "USE_CASES": NAME,
        "APP_HOST": "127.0.0.1",
        "APP_PORT": str(port),
        "DATA_STORE_PATH": str(scaffolded / "data"),
        "LLM_PROVIDER": "offline",
    }
    log_path = scaffolded / "dev.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "app.py", "--dev"],
            cwd=scaffolded,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the reloader's worker is ended with it
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(base_url, process, timeout=120)
            assert "<title>Desk helper assistant</title>" in httpx.get(base_url, timeout=30).text
            use_case = scaffolded / "use_cases" / NAME / "use_case.py"
            use_case.write_text(
                use_case.read_text().replace('"Desk helper assistant"', '"Front desk"')
            )
            page_title_becomes(base_url, "<title>Front desk</title>")
            widget = scaffolded / "use_cases" / NAME / f"{NAME}.widget"
            widget.write_text(widget.read_text().replace('"version"', ' "version"', 1))
            wait_for(lambda: f"{NAME}.widget" in log_path.read_text(), what="reload logged")
            assert f"changes in 'use_cases/{NAME}/{NAME}.widget'" in log_path.read_text()
        finally:
            stop_group(process)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """End the reloader and its worker (its own process group), killing what stays too long.

    Only the reloader is this process's child: a worker outliving it would run on unseen.
    """
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_PATIENCE)
        wait_for(lambda: not group_alive(process.pid), what="the reloader's worker's end")
    except (subprocess.TimeoutExpired, AssertionError):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def group_alive(group: int) -> bool:
    """Whether any process of a process group is still running (zombies aside)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue  # ended meanwhile
        if int(pgrp) == group and state != "Z":
            return True
    return False


def page_title_becomes(base_url: str, title: str, timeout: float = 120) -> None:
    """Poll the page until the restarted app serves the new title."""

    def shows_title() -> bool:
        try:
            return title in httpx.get(base_url, timeout=5).text
        except httpx.HTTPError:
            return False  # restarting

    wait_for(shows_title, timeout, what=f"the page showing {title}")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Help-Desk", "not a valid name"),
        ("class", "not a valid name"),
        ("gallery", "taken by the app"),
        ("todo", "already exists"),
    ],
)
def test_bad_names_are_refused_and_nothing_is_written(name: str, reason: str) -> None:
    before = sorted(path.name for path in (ROOT / "use_cases").iterdir())
    result = subprocess.run(
        [sys.executable, "-m", "chatkit_bridge", "new", name],
        cwd=ROOT,
        env=app_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert reason in result.stderr
    assert sorted(path.name for path in (ROOT / "use_cases").iterdir()) == before
