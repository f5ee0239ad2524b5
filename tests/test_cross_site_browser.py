"""A hostile page on another port of 127.0.0.1, opened in the victim's Chromium, changes nothing.

The victim uses the real `python app.py` in Chromium (same-origin use keeps working), then
visits a page served from another port of the same host: the same *site*, so the browser sends
the app's `SameSite=Lax` cookie along. That page auto-submits forms and fires fetches at
`/chatkit` and `/api/todos`; afterwards the victim's todos and threads are exactly what they were.
"""

import json
import os
import shutil
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.app_process import running_app
from tests.closing_server import ClosingHTTPServer, serving
from tests.polling import wait_for
from tests.wire import call, todos

CHROMIUM = Path(os.environ.get("CHROME_BINARY_LOCATION", "/usr/bin/chromium"))

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and shutil.which("chromedriver"))
    and not os.environ.get("REQUIRE_BROWSER"),
    reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
)


def create_thread_body(text: str) -> dict[str, Any]:
    """Build the ChatKit request that starts a thread with a message."""
    content = [{"type": "input_text", "text": text}]
    return {
        "type": "threads.create",
        "params": {"input": {"content": content, "attachments": [], "inference_options": {}}},
    }


def form_field(body: dict[str, Any]) -> str:
    """Make a text/plain form field whose `name=value` is JSON (the classic form CSRF trick)."""
    # The browser sends `name=value`: `{..., "pad": "` + `=` + `"}` is one JSON object.
    return json.dumps(body)[:-1] + ', "pad": "'


def attacker_page(app_url: str) -> str:
    """Return a page that attacks the app with forms and fetches, then titles itself `done`."""
    chat = create_thread_body("Add pwned by form")
    fetch_chat = json.dumps(create_thread_body("Add pwned by fetch"))
    forms = "".join(
        f"""<iframe name="sink{i}"></iframe>
        <form id="form{i}" method="POST" action="{app_url}{path}" enctype="text/plain"
              target="sink{i}"><input name='{form_field(body)}' value='"}}'></form>"""
        for i, (path, body) in enumerate(
            [("/chatkit", chat), ("/api/todos", {"titles": ["pwned by form"]})]
        )
    )
    return f"""<!doctype html><html><head><title>attacker</title></head><body>{forms}
<script>
const app = {json.dumps(app_url)};
const results = [];
async function attempt(path, mode, type, body) {{
  try {{
    const r = await fetch(app + path, {{method: 'POST', mode: mode, credentials: 'include',
                                        headers: {{'Content-Type': type}}, body: body}});
    results.push(r.type + ':' + r.status);
  }} catch (error) {{ results.push('blocked'); }}
}}
(async () => {{
  await attempt('/chatkit', 'no-cors', 'text/plain', {json.dumps(fetch_chat)});
  await attempt('/api/todos', 'no-cors', 'text/plain', '{{"titles": ["pwned by fetch"]}}');
  await attempt('/api/todos', 'cors', 'application/json', '{{"titles": ["pwned by cors"]}}');
  let loaded = 0;
  for (const frame of document.querySelectorAll('iframe')) {{
    frame.onload = () => {{ loaded += 1; if (loaded === 2) document.title = 'done'; }};
  }}
  document.getElementById('form0').submit();
  document.getElementById('form1').submit();
}})();
</script></body></html>"""


class AttackerSite:
    """Serve one hostile page from its own port on 127.0.0.1."""

    def __init__(self, page: str) -> None:
        body = page.encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                """Keep test output quiet."""

        # Closing it also ends connections Chromium (shared by the whole session) opened and
        # never used (a preconnect): their handler threads would wait on them indefinitely.
        self.server = ClosingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self._serving = serving(self.server)

    def __enter__(self) -> "AttackerSite":
        self._serving.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._serving.__exit__(None, None, None)


def thread_text(browser: webdriver.Chrome) -> str:
    """Return the visible text of the widgets in the open thread."""
    widgets = browser.find_elements(By.CSS_SELECTOR, ".thread-view .ck-widget")
    return " ".join(widget.text for widget in widgets)


def test_a_page_on_another_port_changes_nothing_and_the_app_keeps_working(
    browser: webdriver.Chrome, tmp_path: Path
) -> None:
    with running_app(tmp_path / "data") as app_url:
        browser.get(f"{app_url}/")
        composer = browser.find_element(By.CSS_SELECTOR, ".composer textarea")
        composer.send_keys("Add buy milk")
        composer.send_keys(Keys.ENTER)
        wait_for(lambda: "buy milk" in thread_text(browser))
        cookie = browser.get_cookie("session")
        assert cookie is not None

        with AttackerSite(attacker_page(app_url)) as attacker:
            browser.get(attacker.url)
            wait_for(lambda: browser.title == "done")
            results = browser.execute_script("return results")

        with httpx.Client(base_url=app_url, cookies={"session": cookie["value"]}) as victim:
            assert todos(victim) == [("buy milk", False)], results
            threads = call(victim, "threads.list", limit=10).json()["data"]
            assert [t["title"] for t in threads] == ["Add buy milk"], results
        # The no-cors fetches got opaque answers and the CORS one was blocked by the browser.
        assert results == ["opaque:0", "opaque:0", "blocked"]

        browser.get(f"{app_url}/")
        composer = browser.find_element(By.CSS_SELECTOR, ".composer textarea")
        composer.send_keys("Add call mom")
        composer.send_keys(Keys.ENTER)
        wait_for(lambda: "call mom" in thread_text(browser))
        with httpx.Client(base_url=app_url, cookies={"session": cookie["value"]}) as victim:
            assert todos(victim) == [("buy milk", False), ("call mom", False)]
