"""Shared test setup: NiceGUI's test plugins and settings that never reach the network."""

import os
from pathlib import Path

import pytest
from selenium import webdriver

from tests.postgres import HOW_TO

pytest_plugins = ["nicegui.testing.plugin"]

os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("CHROME_BINARY_LOCATION", "/usr/bin/chromium")


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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say once, not per test, how to run the PostgreSQL tests that were skipped."""
    skipped = terminalreporter.stats.get("skipped", [])
    if any(HOW_TO in str(report.longrepr) for report in skipped):
        terminalreporter.write_line(HOW_TO)
