"""A page obeys only its own socket: a message naming its `client_id` on another socket is dropped.

NiceGUI 3.18 looks a page up by the `client_id` inside each socket.io message and ignores which
socket sent it; `chatkit_bridge.compat` makes the page's own socket the only one it listens to.
The victim is a real Chromium on `python app.py`; the intruder is a second socket.io connection
that knows the page's id (as if it had leaked) and sends the page's own "click dark mode" event.
"""

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import socketio
from selenium import webdriver

from tests.app_process import running_app
from tests.polling import wait_for

CHROMIUM = Path(os.environ.get("CHROME_BINARY_LOCATION", "/usr/bin/chromium"))

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and shutil.which("chromedriver"))
    and not os.environ.get("REQUIRE_BROWSER"),
    reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
)

DARK_TOGGLE_EVENT = """
const [id, element] = Object.entries(mounted_app.elements)
  .find(([, e]) => e.props && e.props.icon === 'dark_mode');
const click = element.events.find((e) => e.type === 'click');
return {id: Number(id), client_id: window.clientId, listener_id: click.listener_id, args: []};
"""
IS_DARK = "return document.body.classList.contains('body--dark')"


def test_another_socket_cannot_drive_a_page_even_knowing_its_id(
    browser: webdriver.Chrome, tmp_path: Path
) -> None:
    with running_app(tmp_path / "data") as app_url:
        browser.get(f"{app_url}/")
        wait_for(lambda: browser.execute_script("return window.did_handshake === true"))
        event: dict[str, Any] = browser.execute_script(DARK_TOGGLE_EVENT)
        assert browser.execute_script(IS_DARK) is False

        # The page's own socket, with the very message the intruder will send, switches it.
        started = time.monotonic()
        browser.execute_script("window.socket.emit('event', arguments[0])", event)
        wait_for(lambda: browser.execute_script(IS_DARK) is True)
        own_socket_seconds = time.monotonic() - started
        browser.execute_script("window.socket.emit('event', arguments[0])", event)
        wait_for(lambda: browser.execute_script(IS_DARK) is False)

        intruder = socketio.Client()
        intruder.connect(app_url, socketio_path="/_nicegui_ws/socket.io", transports=["polling"])
        try:
            intruder.emit("event", event)
            # A round trip on the same socket: its earlier message has been handled by now.
            intruder.call("handshake", {"client_id": "nobody", "tab_id": "x", "document_id": "y"})
        finally:
            intruder.disconnect()
        stays_light(browser, max(3 * own_socket_seconds, 5.0))


def stays_light(browser: webdriver.Chrome, seconds: float) -> None:
    """Fail as soon as the page turns dark within a window longer than the page's own switch."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert browser.execute_script(IS_DARK) is False, "another socket drove the page"
        time.sleep(0.1)
