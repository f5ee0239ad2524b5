"""Start-up: `python app.py` answers /healthz before its chat has loaded; nothing fails."""

import subprocess
import sys
import threading
from pathlib import Path

import httpx

from chatkit_bridge.startup import STARTING
from tests.app_process import ROOT, app_environment, free_port
from tests.polling import STARTUP_PATIENCE, wait_for


def test_healthz_answers_while_the_chat_loads_and_the_first_page_waits_for_it(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {
        **app_environment(),
        "APP_HOST": "127.0.0.1",
        "APP_PORT": str(port),
        "DATA_STORE_PATH": str(tmp_path / "data"),
        "LLM_PROVIDER": "offline",
        "LOG_LEVEL": "WARNING",
    }
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "app.log").open("w")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")], cwd=tmp_path, env=env, stdout=log, stderr=log
    )
    try:

        def healthy() -> bool:
            if process.poll() is not None:
                raise RuntimeError((tmp_path / "app.log").read_text())
            try:
                return httpx.get(f"{base}/healthz", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(healthy, timeout=STARTUP_PATIENCE, what="/healthz")
        # Loading the chat takes about a second of CPU after this: it is not done yet.
        readiness = httpx.get(f"{base}/readyz", timeout=5)
        assert readiness.status_code == 503
        assert readiness.json() == {"status": "not ready", "reason": STARTING}

        pages: list[httpx.Response] = []
        opener = threading.Thread(
            target=lambda: pages.append(httpx.get(f"{base}/", timeout=STARTUP_PATIENCE))
        )
        opener.start()
        opener.join(STARTUP_PATIENCE)
        # The first page waited for the chat instead of failing, and it is the chat page.
        assert pages and pages[0].status_code == 200, pages
        assert "<title>ChatKit Todo</title>" in pages[0].text
        ready = httpx.get(f"{base}/readyz", timeout=30)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
