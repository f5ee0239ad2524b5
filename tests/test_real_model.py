"""Opt-in: drive the whole app through a real OpenAI-compatible server (llama.cpp, Ollama...).

    REAL_MODEL_URL=http://127.0.0.1:8080/v1 python -m pytest -m real_model -s

Real models answer differently every time, so this checks protocol and survival only: every
turn ends with a reply or a clear error, the thread stays usable, nothing is lost. Optional:
REAL_MODEL_NAME (default "local"), REAL_MODEL_CONTEXT (LLM_CONTEXT_TOKENS, default 4096).
"""

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.app_process import running_app
from tests.wire import Event, call, say, start_thread, stream, thread_items

REAL_MODEL_URL = os.environ.get("REAL_MODEL_URL", "")
TURN_SECONDS = 300
MESSAGES = (
    "Add buy milk and walk the dog",
    "What's on my list?",
    "Mark the first one as done",
    "I need to call mom tomorrow",
    "Rename walk the dog to walk the cat " + "and then some more words " * 40,
    "Delete everything that is done",
    "What can you do?",
)
pytestmark = [
    pytest.mark.real_model,
    pytest.mark.skipif(not REAL_MODEL_URL, reason="set REAL_MODEL_URL to a /v1 address"),
    # A small model on a CPU may take minutes per turn; each turn has its own bound.
    pytest.mark.timeout(2 * len(MESSAGES) * TURN_SECONDS),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve `python app.py` on the real model."""
    data: Path = tmp_path_factory.mktemp("real-model") / "data"
    with running_app(
        data,
        LLM_PROVIDER="openai",
        OPENAI_BASE_URL=REAL_MODEL_URL,
        OPENAI_MODEL=os.environ.get("REAL_MODEL_NAME", "local"),
        LLM_CONTEXT_TOKENS=os.environ.get("REAL_MODEL_CONTEXT", "4096"),
        LLM_TIMEOUT_SECONDS=str(TURN_SECONDS),
        LLM_TURN_TIMEOUT_SECONDS=str(TURN_SECONDS),
        STORAGE_SECRET="real-model-test-secret-0123456789abcdef",
        LOG_LEVEL="INFO",
    ) as url:
        yield url


def outcome(events: list[Event]) -> str:
    """Describe how a turn ended: its reply, a clear error, or a protocol failure."""
    errors = [e for e in events if e["type"] == "error"]
    replies = [
        e["item"]
        for e in events
        if e["type"] == "thread.item.done" and e["item"]["type"] == "assistant_message"
    ]
    notes = [
        e["item"]["widget"].get("key")
        for e in events
        if e["type"] == "thread.item.done" and e["item"]["type"] == "widget"
    ]
    assert len(errors) <= 1, errors
    if errors:
        message = errors[0].get("message") or ""
        assert message.strip(), "an error says what went wrong"
        assert "Traceback" not in message
        return f"error: {message}"
    assert replies, f"a turn without error ends with a reply: {[e['type'] for e in events]}"
    return f"reply ({len(replies)} message(s), widgets: {notes})"


def test_every_turn_ends_with_a_reply_or_a_clear_error_and_nothing_is_lost(app: str) -> None:
    with httpx.Client(base_url=app, timeout=TURN_SECONDS + 60) as client:
        started = time.monotonic()
        thread_id, events = start_thread(client, MESSAGES[0])
        report = [(MESSAGES[0], outcome(events), time.monotonic() - started)]
        for text in MESSAGES[1:]:
            started = time.monotonic()
            events = say(client, thread_id, text)
            report.append((text, outcome(events), time.monotonic() - started))
            if any(e["type"] == "error" and e.get("allow_retry") for e in events):
                user = [i for i in thread_items(client, thread_id) if i["type"] == "user_message"]
                retried = stream(
                    client, "threads.retry_after_item", thread_id=thread_id, item_id=user[-1]["id"]
                )
                report.append((f"retry of {text[:20]}", outcome(retried), 0.0))

        items = thread_items(client, thread_id)
        typed = [
            "".join(part["text"] for part in item["content"])
            for item in items
            if item["type"] == "user_message"
        ]
        assert typed == list(MESSAGES), "every message the user sent is kept, in order"
        assert call(client, "threads.get_by_id", thread_id=thread_id).status_code == 200
        assert client.get("/api/todos").status_code == 200
        assert client.get("/healthz").status_code == 200

    for text, result, seconds in report:
        print(f"{seconds:6.1f} s  {text[:40]!r:44} {result}")
