"""Shared test setup: NiceGUI's test plugins and settings that never reach the network."""

import asyncio
import inspect
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from nicegui import core
from nicegui.testing import Screen
from selenium import webdriver

from tests.fake_openai import FakeOpenAI
from tests.polling import PATIENCE, make_screen_checks_patient, make_user_checks_patient
from tests.postgres import HOW_TO

pytest_plugins = ["nicegui.testing.plugin", "tests.leftovers", "tests.todo_backends"]

os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("CHROME_BINARY_LOCATION", "/usr/bin/chromium")

make_user_checks_patient()
make_screen_checks_patient()


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Keep browser-test screenshots out of the working tree (NiceGUI writes ./screenshots)."""
    Screen.SCREENSHOT_DIR = (
        Path(tempfile.gettempdir()) / "chatkit-todo-screenshots" / str(os.getpid())
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Make every async test clean up the tasks it started (first fixture in, last out)."""
    for item in items:
        if isinstance(item, pytest.Function) and inspect.iscoroutinefunction(item.obj):
            item.fixturenames.insert(0, "no_task_left_behind")


@pytest.fixture
async def no_task_left_behind() -> AsyncIterator[None]:
    """After the test and its other fixtures, cancel and await every task still running.

    Tasks a test leaves (a reply still streaming when an assertion failed, the agent run
    under it) otherwise meet a closing loop: "Task was destroyed but it is pending!", or a
    shutdown that waits on them forever. A task that ignores cancellation fails the test by name.
    """
    yield
    current = asyncio.current_task()
    leftover = [task for task in asyncio.all_tasks() if task is not current and not task.done()]
    for task in leftover:
        task.cancel()
    if leftover:
        _, pending = await asyncio.wait(leftover, timeout=PATIENCE)
        assert not pending, f"tasks ignored cancellation: {sorted(t.get_name() for t in pending)}"


@pytest.fixture(autouse=True)
def fresh_lifespan() -> Iterator[None]:
    """Give back NiceGUI's app the lifespan it had before the test.

    Every `app.include_router` (app.py includes four or more) wraps the app's lifespan in one
    more context (FastAPI's `_merge_lifespan_context`), and NiceGUI's user simulation reuses the
    one app for every test: after about a thousand tests, starting the app hit Python's
    recursion limit.
    """
    router = core.app.router
    lifespan = router.lifespan_context
    yield
    router.lifespan_context = lifespan


@pytest.fixture(autouse=True)
def app_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Give every test its own data folder and the offline model, whatever `.env` says."""
    data = tmp_path / "data"
    monkeypatch.setenv("DATA_STORE_PATH", str(data))
    monkeypatch.setenv("LLM_PROVIDER", "offline")
    monkeypatch.setenv("AUTH_MODE", "browser")
    monkeypatch.setenv("STORAGE_SECRET", "test-storage-secret-at-least-32-chars")
    monkeypatch.setenv("LOG_LEVEL", "INFO")
    return data


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """Serve the app from a scripted OpenAI-compatible server instead of the offline model."""
    with FakeOpenAI().running() as fake:
        monkeypatch.setenv("LLM_PROVIDER", "openai")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("LLM_MAX_RETRIES", "0")
        yield fake


@pytest.fixture(scope="session")
def nicegui_chrome_options(
    nicegui_chrome_options: webdriver.ChromeOptions,
) -> webdriver.ChromeOptions:
    """Keep Chromium off the network: this machine allows only 127.0.0.1."""
    for flag in (
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1280,900",
    ):
        nicegui_chrome_options.add_argument(flag)
    return nicegui_chrome_options


@pytest.fixture
def browser(nicegui_driver: webdriver.Chrome) -> Iterator[webdriver.Chrome]:
    """Chromium for tests that drive a real `python app.py`: fresh cookies, patience for load."""
    nicegui_driver.set_page_load_timeout(60)
    nicegui_driver.delete_all_cookies()
    yield nicegui_driver
    nicegui_driver.delete_all_cookies()
    nicegui_driver.get("about:blank")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say once, not per test, how to run the PostgreSQL tests that were skipped."""
    skipped = terminalreporter.stats.get("skipped", [])
    if any(HOW_TO in str(report.longrepr) for report in skipped):
        terminalreporter.write_line(HOW_TO)
