"""Measure the RSS of `python app.py` idle and with 50 chat pages connected.

Run: python bench/memory.py [--pages 50]

The app runs on 127.0.0.1 with the offline model (tests/app_process.py). Headless Chromium
(/usr/bin/chromium, driven by /usr/bin/chromedriver through Selenium, its own temporary profile,
background networking off) opens "/" in one tab and waits for NiceGUI's socket handshake: that
is "idle", one page loaded. Then it opens the other tabs one by one, each waiting for its
handshake, so every page is a connected NiceGUI client with its own ChatPage. All tabs share one
browser session, so they are one user's pages. RSS is VmRSS from /proc/<pid>/status of the app
process, read after a short settle. Last, all tabs but one are closed, RSS is read again once
NiceGUI has dropped their clients, and as many new tabs are opened: if RSS then stays put, the
memory of closed pages is reused (Python keeps freed memory rather than returning it to the OS).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.app_process import app_process

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--window-size=1280,900",
)
SETTLE_SECONDS = 3.0
DROP_SECONDS = 15.0  # NiceGUI drops a disconnected client after its reconnect timeout


def rss_mb(pid: int) -> float:
    """Return a process's resident set size in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def settled_rss(pid: int) -> float:
    """Wait for the app to calm down, then return its RSS in MB."""
    time.sleep(SETTLE_SECONDS)
    return rss_mb(pid)


def browser(profile: Path) -> webdriver.Chrome:
    """Start headless Chromium with a fresh profile and no outside network traffic."""
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium must not download a driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def open_page(driver: webdriver.Chrome, url: str) -> None:
    """Load the chat page in the current tab and wait until its socket is connected."""
    driver.get(url)
    WebDriverWait(driver, 60).until(
        lambda d: d.execute_script("return window.did_handshake === true")
    )


def main() -> None:
    """Start the app and the browser, open the pages and print RSS figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}")
    with (
        tempfile.TemporaryDirectory(dir=Path.cwd()) as folder,
        app_process(Path(folder) / "data", LOG_LEVEL="WARNING") as (base_url, process),
    ):
        started_rss = settled_rss(process.pid)
        driver = browser(Path(folder) / "chromium-profile")
        try:
            open_page(driver, f"{base_url}/")
            idle = settled_rss(process.pid)
            started = time.perf_counter()
            for _ in range(args.pages - 1):
                driver.switch_to.new_window("tab")
                open_page(driver, f"{base_url}/")
            opening = time.perf_counter() - started
            full = settled_rss(process.pid)
            first = driver.window_handles[0]
            for handle in driver.window_handles[1:]:
                driver.switch_to.window(handle)
                driver.close()
            driver.switch_to.window(first)
            time.sleep(DROP_SECONDS)
            after_close = rss_mb(process.pid)
            for _ in range(args.pages - 1):
                driver.switch_to.new_window("tab")
                open_page(driver, f"{base_url}/")
            reopened = settled_rss(process.pid)
        finally:
            driver.quit()
    others = args.pages - 1
    figures = [
        ("RSS after startup, no page", f"{started_rss:.1f} MB"),
        ("RSS idle (startup + 1 page)", f"{idle:.1f} MB"),
        (f"RSS with {args.pages} connected pages", f"{full:.1f} MB"),
        ("per extra page", f"{(full - idle) / others:.2f} MB"),
        (f"RSS {DROP_SECONDS:.0f} s after closing {others} tabs", f"{after_close:.1f} MB"),
        (f"RSS after opening {others} new tabs again", f"{reopened:.1f} MB"),
        (f"opening {others} tabs took", f"{opening:.1f} s"),
    ]
    for label, value in figures:
        print(f"{label + ':':42} {value}")


if __name__ == "__main__":
    main()
