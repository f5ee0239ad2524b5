"""`POST /chatkit` and `/api/todos` over real HTTP against `python app.py`."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.app_process import running_app
from tests.wire import say, start_thread, todos, user_input


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app on the offline model for the whole module."""
    with running_app(tmp_path_factory.mktemp("http") / "data") as url:
        yield url


@pytest.fixture
def alice(base_url: str) -> Iterator[httpx.Client]:
    """A browser session of its own (cookies kept between requests)."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


@pytest.fixture
def bob(base_url: str) -> Iterator[httpx.Client]:
    """Another browser session."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


def last_card(events: list[dict[str, Any]]) -> str:
    """Return the JSON text of the last todo card shown in a reply."""
    cards = [
        e["item"]["widget"]
        for e in events
        if e["type"] in {"thread.item.done", "thread.item.replaced"}
        and e["item"]["type"] == "widget"
    ]
    assert cards, "the reply shows the todo card"
    return json.dumps(cards[-1], ensure_ascii=False)


def reply_text(events: list[dict[str, Any]]) -> str:
    """Return the assistant's text in a reply."""
    return "".join(
        part["text"]
        for e in events
        if e["type"] == "thread.item.done" and e["item"]["type"] == "assistant_message"
        for part in e["item"]["content"]
    )


def test_seed_conversation_end_to_end(alice: httpx.Client) -> None:
    thread_id, events = start_thread(
        alice, "Add three tasks: buy groceries, finish report, and call mom"
    )
    assert todos(alice) == [
        ("buy groceries", False),
        ("finish report", False),
        ("call mom", False),
    ]
    card = last_card(events)
    assert all(title in card for title in ("buy groceries", "finish report", "call mom"))
    assert "3 pending" in card

    events = say(alice, thread_id, "I finished the groceries")
    assert todos(alice)[0] == ("buy groceries", True)
    assert "buy groceries" in reply_text(events)

    card = last_card(say(alice, thread_id, "Show my todos"))
    assert "2 pending" in card and "1 done" in card

    say(alice, thread_id, "Remove the call mom task")
    assert todos(alice) == [("buy groceries", True), ("finish report", False)]

    report_id = alice.get("/api/todos").json()["todos"][1]["id"]
    say(alice, thread_id, f"Mark {report_id} as complete")
    assert todos(alice) == [("buy groceries", True), ("finish report", True)]
    assert "All caught up" in last_card(say(alice, thread_id, "What's on my list?"))

    say(alice, thread_id, f"Delete {report_id}")
    assert todos(alice) == [("buy groceries", True)]


def test_thread_history_and_title_come_back(alice: httpx.Client) -> None:
    thread_id, _ = start_thread(alice, "Add buy milk to my list")
    thread = alice.post(
        "/chatkit", json={"type": "threads.get_by_id", "params": {"thread_id": thread_id}}
    ).json()
    assert thread["title"] == "Add buy milk to my list"
    types = [item["type"] for item in thread["items"]["data"]]
    assert types[0] == "user_message"
    assert "widget" in types and "assistant_message" in types
    listed = alice.post("/chatkit", json={"type": "threads.list", "params": {}}).json()
    assert thread_id in [t["id"] for t in listed["data"]]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b'{"type": "threads.explode", "params": {}}', 400, "Not a valid ChatKit request"),
        (b'{"type": "threads.get_by_id", "params": {"thread_id": 7}}', 400, "thread_id"),
        (b'{"type": "threads.get_by_id", "params": {"thread_id": "thr_nope"}}', 404, "not found"),
        (b"[]", 400, "Not a valid ChatKit request"),
    ],
)
def test_bad_requests_get_a_json_error(
    alice: httpx.Client, body: bytes, status: int, message: str
) -> None:
    response = alice.post("/chatkit", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert message in response.json()["error"]


def test_streaming_request_for_a_missing_thread_is_404(alice: httpx.Client) -> None:
    params = {"thread_id": "thr_missing", "input": user_input("hi")}
    response = alice.post("/chatkit", json={"type": "threads.add_user_message", "params": params})
    assert response.status_code == 404
    assert response.json() == {"error": "Thread thr_missing not found"}


def test_body_over_one_megabyte_is_413(alice: httpx.Client) -> None:
    huge = {"type": "threads.create", "params": {"input": user_input("x" * 1_100_000)}}
    response = alice.post("/chatkit", json=huge)
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]
    assert alice.get("/healthz").status_code == 200


def test_retry_after_an_assistant_item_is_refused(alice: httpx.Client) -> None:
    thread_id, events = start_thread(alice, "hello")
    assistant = next(
        e["item"]["id"]
        for e in events
        if e["type"] == "thread.item.done" and e["item"]["type"] == "assistant_message"
    )
    params = {"thread_id": thread_id, "item_id": assistant}
    response = alice.post("/chatkit", json={"type": "threads.retry_after_item", "params": params})
    assert response.status_code == 400
    assert "not a user message" in response.json()["error"]


def test_another_user_cannot_touch_a_thread_or_todo(alice: httpx.Client, bob: httpx.Client) -> None:
    thread_id, _ = start_thread(alice, "Add secret plan to my list")
    secret = alice.get("/api/todos").json()["todos"][-1]

    for request in (
        {"type": "threads.get_by_id", "params": {"thread_id": thread_id}},
        {"type": "items.list", "params": {"thread_id": thread_id}},
        {"type": "threads.update", "params": {"thread_id": thread_id, "title": "mine"}},
        {"type": "threads.delete", "params": {"thread_id": thread_id}},
        {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread_id, "input": user_input("delete all")},
        },
    ):
        response = bob.post("/chatkit", json=request)
        assert response.status_code == 404, request["type"]

    assert bob.post("/chatkit", json={"type": "threads.list", "params": {}}).json()["data"] == []
    assert todos(bob) == []
    assert bob.delete(f"/api/todos/{secret['id']}").status_code == 404
    assert bob.patch(f"/api/todos/{secret['id']}", json={"completed": True}).status_code == 404
    assert ("secret plan", False) in todos(alice)


def test_todo_api_adds_changes_and_refuses_bad_titles(alice: httpx.Client) -> None:
    added = alice.post("/api/todos", json={"titles": ["<script>alert(1)</script> 🛒"]})
    assert added.status_code == 201
    todo = added.json()["todos"][0]
    assert todo["title"] == "<script>alert(1)</script> 🛒"
    assert todo["id"].startswith("todo_") and len(todo["id"]) == 11

    changed = alice.patch(f"/api/todos/{todo['id']}", json={"completed": True, "due": "2026-12-24"})
    assert changed.json()["todo"]["completed"] is True
    assert changed.json()["todo"]["due"] == "2026-12-24"

    refused = alice.post("/api/todos", json={"titles": ["   "]})
    assert refused.status_code == 400
    assert "title" in refused.json()["error"]


def test_easyauth_mode_needs_the_principal_header(tmp_path: Path) -> None:
    with running_app(tmp_path / "data", AUTH_MODE="easyauth") as url:
        anonymous = httpx.post(f"{url}/chatkit", json={"type": "threads.list", "params": {}})
        assert anonymous.status_code == 401
        assert httpx.get(f"{url}/api/todos").status_code == 401

        ann = {"X-MS-CLIENT-PRINCIPAL-ID": "ann-123"}
        ben = {"X-MS-CLIENT-PRINCIPAL-ID": "ben-456"}
        created = httpx.post(f"{url}/api/todos", json={"titles": ["ann's task"]}, headers=ann)
        assert created.status_code == 201
        assert httpx.get(f"{url}/api/todos", headers=ben).json()["todos"] == []
        assert len(httpx.get(f"{url}/api/todos", headers=ann).json()["todos"]) == 1
