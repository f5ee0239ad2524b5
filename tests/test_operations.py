"""Operations: readiness, one log line per turn without message text, clean shutdown."""

import shutil
import signal
import threading
from pathlib import Path
from typing import Any

import httpx

from tests.app_process import app_process, running_app
from tests.fake_openai import FakeOpenAI, SlowSay
from tests.polling import PATIENCE, wait_for
from tests.wire import assistant_texts, start_thread, thread_items


def test_readyz_reports_a_store_that_cannot_be_written(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_app(data) as url:
        ready = httpx.get(f"{url}/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "model": "Offline demo model"}

        shutil.rmtree(data)
        data.write_text("the volume went away")
        broken = httpx.get(f"{url}/readyz")
        assert broken.status_code == 503
        assert "is not writable" in broken.json()["reason"]
        assert httpx.get(f"{url}/healthz").status_code == 200


def test_each_turn_logs_one_line_without_the_message_or_secrets(tmp_path: Path) -> None:
    data = tmp_path / "data"
    secret_text = "my bank pin is 4321"
    with (
        app_process(data, LOG_LEVEL="INFO", OPENAI_API_KEY="sk-never-logged") as (url, _),
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        start_thread(client, f"Add {secret_text}")
        log_path = data.parent / f"app-{url.rsplit(':', 1)[1]}.log"
    log = log_path.read_text()
    turn_lines = [line for line in log.splitlines() if "turn thread=thr_" in line]
    assert len(turn_lines) == 1
    assert "provider=offline" in turn_lines[0] and "outcome=ok" in turn_lines[0]
    assert "duration_ms=" in turn_lines[0]
    assert secret_text not in log
    assert "sk-never-logged" not in log


def test_sigterm_lets_the_reply_in_flight_finish(tmp_path: Path) -> None:
    data = tmp_path / "data"
    words = " ".join(f"word{n}" for n in range(20))
    events: list[dict[str, Any]] = []
    session: dict[str, Any] = {}
    with FakeOpenAI().running() as fake:
        fake.script = [SlowSay(words, delay=0.1)]
        with app_process(data, LLM_PROVIDER="openai", OPENAI_BASE_URL=fake.base_url) as (
            url,
            process,
        ):

            def chat() -> None:
                with httpx.Client(base_url=url, timeout=30) as client:
                    session["thread_id"], streamed = start_thread(client, "tell me a story")
                    events.extend(streamed)
                    session["cookies"] = dict(client.cookies)

            talker = threading.Thread(target=chat)
            talker.start()
            wait_for(lambda: bool(fake.requests), what="the reply started")
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=PATIENCE)
            talker.join(timeout=PATIENCE)

    done = [e for e in events if e["type"] == "thread.item.done"]
    assert done[-1]["item"]["content"][0]["text"] == words
    # The finished reply is kept: the restarted app shows it in the thread.
    with (
        running_app(data) as url,
        httpx.Client(base_url=url, cookies=session["cookies"], timeout=30) as client,
    ):
        assert words in assistant_texts(thread_items(client, session["thread_id"]))


def test_a_restart_keeps_sessions_threads_and_todos(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_app(data) as url, httpx.Client(base_url=url, timeout=30) as client:
        thread_id, _ = start_thread(client, "Add water the plants")
        cookies = dict(client.cookies)

    with running_app(data) as url, httpx.Client(base_url=url, cookies=cookies) as client:
        listed = client.post("/chatkit", json={"type": "threads.list", "params": {}}).json()
        assert [thread["id"] for thread in listed["data"]] == [thread_id]
        todos = client.get("/api/todos").json()["todos"]
        assert [todo["title"] for todo in todos] == ["water the plants"]
