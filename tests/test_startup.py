"""Start-up: `python app.py` answers /healthz first, serves the chat page before its chat stack
(the Agents SDK, openai, ChatKit's server) has loaded, and holds what needs the stack."""

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from chatkit_bridge.startup import STARTING
from chatkit_bridge.ui.chat_page import STARTING_NOTE
from tests.app_process import ROOT, app_environment, free_port, loaded, stop
from tests.polling import STARTUP_PATIENCE, wait_for


@contextmanager
def started_app(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start `python app.py` (offline model, log in tmp_path/app.log) without waiting for it."""
    port = free_port()
    env = {
        **app_environment(),
        "APP_HOST": "127.0.0.1",
        "APP_PORT": str(port),
        "DATA_STORE_PATH": str(tmp_path / "data"),
        "LLM_PROVIDER": "offline",
        "LOG_LEVEL": "WARNING",
    }
    with (tmp_path / "app.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py")], cwd=tmp_path, env=env, stdout=log, stderr=log
        )
        try:
            yield f"http://127.0.0.1:{port}", process
        finally:
            stop(process)


def test_the_first_page_comes_before_the_chat_stack_and_nothing_fails(tmp_path: Path) -> None:
    with started_app(tmp_path) as (base, process):

        def healthy() -> bool:
            if process.poll() is not None:
                raise RuntimeError((tmp_path / "app.log").read_text())
            try:
                return httpx.get(f"{base}/healthz", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(healthy, timeout=STARTUP_PATIENCE, what="/healthz")
        page = httpx.get(f"{base}/", timeout=STARTUP_PATIENCE)
        # The chat page, built while its stack was still loading (it says the assistant is
        # starting): it did not wait for the Agents SDK, which loads once the page is out.
        assert page.status_code == 200
        assert "<title>ChatKit Todo</title>" in page.text
        assert STARTING_NOTE in page.text
        # Sent while the stack loads (seconds of CPU after the page): the API waits for it.
        answers: list[httpx.Response] = []
        early = threading.Thread(
            target=lambda: answers.append(httpx.get(f"{base}/api/todos", timeout=STARTUP_PATIENCE))
        )
        early.start()

        wait_for(lambda: loaded(base), timeout=STARTUP_PATIENCE, what="the chat stack loaded")
        early.join(STARTUP_PATIENCE)
        assert answers and answers[0].status_code == 200, answers
        assert answers[0].json()["todos"] == []
        ready = httpx.get(f"{base}/readyz", timeout=30)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        # Once loaded, a page has nothing to wait for and does not say so.
        assert STARTING_NOTE not in httpx.get(f"{base}/", timeout=30).text


def test_readyz_says_loading_until_the_chat_stack_is_in(tmp_path: Path) -> None:
    with started_app(tmp_path) as (base, process):
        seen: list[dict[str, str]] = []

        def ready() -> bool:
            if process.poll() is not None:
                raise RuntimeError((tmp_path / "app.log").read_text())
            try:
                answer = httpx.get(f"{base}/readyz", timeout=5)
            except httpx.HTTPError:
                return False
            seen.append(answer.json())
            return answer.status_code == 200

        wait_for(ready, timeout=STARTUP_PATIENCE, what="/readyz")
        # Every answer before "ready" named the reason; /chatkit answers once it says ready.
        assert all(s == {"status": "not ready", "reason": STARTING} for s in seen[:-1]), seen
        assert seen[-1]["status"] == "ready"
        chatkit = httpx.post(
            f"{base}/chatkit",
            json={"type": "threads.list", "params": {}},
            headers={"Origin": base},
            timeout=30,
        )
        assert chatkit.status_code == 200, chatkit.text
