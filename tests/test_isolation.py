"""A second user who knows every id of the first can neither see nor change anything of theirs."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from nicegui import ui
from nicegui.testing import User

from tests.app_process import running_app
from tests.chat_page import open_thread_id, todo_ids, turn
from tests.isolation_requests import REQUESTS, Alice, requests_on_alices_thread, toggle
from tests.polling import until
from tests.wire import (
    call,
    done_items,
    errors_in,
    events_of,
    folder_of,
    list_cards,
    say,
    start_thread,
    thread_items,
    todos,
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Serve the app on the offline model for the whole module."""
    data = tmp_path_factory.mktemp("isolation") / "data"
    with running_app(data, STORAGE_SECRET="isolation-secret-at-least-32-characters") as url:
        yield url, data


@pytest.fixture(scope="module")
def alice(app: tuple[str, Path]) -> Iterator[Alice]:
    """Give the first user two threads, a todo card, an answer with feedback, and todos."""
    url, data = app
    with httpx.Client(base_url=url, timeout=30) as client:
        first, events = start_thread(client, "Add buy milk and walk the dog")
        second, _ = start_thread(client, "Add call mom tomorrow")
        say(client, first, "I finished buy milk")
        items = thread_items(client, first)
        (message,) = [i["id"] for i in items if i["type"] == "user_message"][:1]
        answer = [i["id"] for i in items if i["type"] == "assistant_message"][-1]
        feedback = call(
            client, "items.feedback", thread_id=first, item_ids=[answer], kind="positive"
        )
        assert feedback.status_code == 200
        (card,) = [item["id"] for item in list_cards(events)]
        alice = Alice(
            client=client,
            folder=folder_of(client, data),
            threads=[first, second],
            message=message,
            answer=answer,
            card=card,
            todos=[todo["id"] for todo in client.get("/api/todos").json()["todos"]],
            snapshot={},
        )
        alice.snapshot = alice.take_snapshot()
        assert len(alice.todos) == 3 and alice.snapshot["files"]
        yield alice


@pytest.fixture
def bob(app: tuple[str, Path]) -> Iterator[httpx.Client]:
    """A second browser session that starts with a thread and a todo of its own."""
    with httpx.Client(base_url=app[0], timeout=30) as client:
        yield client


def bob_thread(bob: httpx.Client) -> tuple[str, str]:
    """Give Bob a thread with a todo card; return the thread and card ids."""
    thread_id, events = start_thread(bob, "Add bob's chore")
    (card,) = [item["id"] for item in list_cards(events)]
    return thread_id, card


@pytest.mark.parametrize("name", REQUESTS)
def test_alices_thread_is_not_found_for_bob(alice: Alice, bob: httpx.Client, name: str) -> None:
    request = requests_on_alices_thread(alice)[name]
    response = bob.post("/chatkit", json=request)

    assert response.status_code == 404, response.text
    # The answer is the one for an id nobody has: it does not even confirm the thread exists.
    missing = json.loads(json.dumps(request).replace(alice.threads[0], "thr_0000000000000000"))
    nobody = bob.post("/chatkit", json=missing)
    assert response.json()["error"] == nobody.json()["error"].replace(
        "thr_0000000000000000", alice.threads[0]
    )
    alice.assert_unchanged()


def test_bob_lists_only_his_own_threads(alice: Alice, bob: httpx.Client) -> None:
    assert call(bob, "threads.list", limit=100).json()["data"] == []
    thread_id, _ = bob_thread(bob)
    listed = call(bob, "threads.list", limit=100, order="asc").json()["data"]
    assert [thread["id"] for thread in listed] == [thread_id]
    after_alices = call(bob, "threads.list", after=alice.threads[0]).json()
    assert after_alices["data"] == []
    alice.assert_unchanged()


def test_alices_item_ids_in_bobs_own_thread_are_not_found(alice: Alice, bob: httpx.Client) -> None:
    thread_id, _ = bob_thread(bob)
    for request in (
        {"type": "threads.retry_after_item", "item_id": alice.message},
        {"type": "threads.custom_action", "item_id": alice.card, "action": toggle(alice.todos[0])},
        {"type": "threads.sync_custom_action", "item_id": alice.card, "action": toggle("x")},
        {"type": "items.feedback", "item_ids": [alice.answer], "kind": "negative"},
        {"type": "threads.add_structured_input", "item_id": alice.message, "input": {}},
    ):
        kind = request.pop("type")
        response = call(bob, kind, thread_id=thread_id, **request)
        assert response.status_code == 404, (kind, response.text)
        assert "not found" in response.json()["error"]

    paged = call(bob, "items.list", thread_id=thread_id, after=alice.message).json()
    assert paged["data"] == [], "a cursor from Alice's thread shows nothing"
    alice.assert_unchanged()


@pytest.mark.parametrize(
    "action",
    [
        {"type": "todo.toggle", "payload": {"checked": True}},
        {"type": "todo.delete", "payload": {}},
        {"type": "todo.rename", "payload": {"title": "pwned"}},
    ],
    ids=["toggle", "delete", "rename"],
)
def test_bobs_card_action_naming_alices_todo_changes_nothing_of_hers(
    alice: Alice, bob: httpx.Client, action: dict[str, Any]
) -> None:
    thread_id, card = bob_thread(bob)
    for todo_id in alice.todos:
        named = {**action, "payload": {**action["payload"], "id": todo_id}}
        for item_id in (card, None):
            response = call(bob, "threads.custom_action", thread_id=thread_id, item_id=item_id,
                            action=named)  # fmt: skip
            events = events_of(response)
            assert not errors_in(events)
            cards = json.dumps(done_items(events, "widget"))
            assert "That todo no longer exists." in cards, "Bob is told there is no such todo"
            assert todo_id not in cards

    assert todos(bob) == [("bob's chore", False)]
    alice.assert_unchanged()


def test_bobs_messages_naming_alices_todos_change_only_his(alice: Alice, bob: httpx.Client) -> None:
    thread_id, _ = bob_thread(bob)
    texts = [f"{verb} {todo_id}" for todo_id in alice.todos for verb in ("Complete", "Delete")]
    cards = []
    for text in [*texts, "Delete walk the dog", "Show my todos", "Delete all my todos"]:
        cards += done_items(say(bob, thread_id, text), "widget")

    assert cards, "Bob's card is shown"
    for title in ("buy milk", "walk the dog", "call mom"):
        assert title not in json.dumps(cards), "no todo of Alice's is on Bob's cards"
    alice.assert_unchanged()


def test_alices_todos_are_not_bobs_through_the_api(alice: Alice, bob: httpx.Client) -> None:
    assert todos(bob) == []
    for todo_id in alice.todos:
        for response in (
            bob.patch(f"/api/todos/{todo_id}", json={"completed": True, "title": "pwned"}),
            bob.delete(f"/api/todos/{todo_id}"),
        ):
            assert response.status_code == 404, response.text
            nobody = bob.delete("/api/todos/todo_000000").json()["error"]
            assert response.json()["error"] == nobody.replace("todo_000000", todo_id)
    assert todos(bob) == []
    alice.assert_unchanged()


# -- the page -------------------------------------------------------------------------


async def test_the_page_does_not_open_alices_thread_for_bob(
    user: User, create_user: Callable[[], User]
) -> None:
    await user.open("/")
    await turn(user, "Add alice secret plan")
    await user.should_see(marker="todo-card")
    alice_thread = open_thread_id(user)
    await until(lambda: len(todo_ids(user)) == 1)  # the panel reads in the background
    (alice_todo,) = todo_ids(user)

    bob = create_user()
    await bob.open(f"/?thread={alice_thread}")
    await bob.should_see("That chat does not exist any more")
    await bob.should_not_see("alice secret plan")
    await bob.should_not_see(marker="todo-card")
    await bob.should_see("No chats yet")
    assert open_thread_id(bob) == "none"
    assert todo_ids(bob) == []

    await turn(bob, f"Delete {alice_todo}")
    assert open_thread_id(bob).startswith("thr_")
    assert open_thread_id(bob) != alice_thread, "Bob's message starts his own thread"
    await turn(bob, "Delete the secret plan")
    await bob.should_see(kind=ui.label, content="Delete the secret plan")  # his own words
    assert todo_ids(bob) == []

    await user.open(f"/?thread={alice_thread}")
    await user.should_see(kind=ui.label, content="Add alice secret plan")
    await user.should_not_see(f"Delete {alice_todo}")
    await user.should_not_see("Delete the secret plan")
    await until(lambda: todo_ids(user) == [alice_todo])
