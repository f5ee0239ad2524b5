"""Clicks on the todo card, through TodoUseCase.handle_action with a real store.

The harness (a thread with a live card, clicks, stored events): tests/todo_action_harness.py.
"""

import asyncio
from pathlib import Path

import pytest
from chatkit.actions import Action
from chatkit.types import (
    HiddenContextItem,
    ThreadItemDoneEvent,
    WidgetItem,
)

from chatkit_bridge.use_case import ActionRequest
from tests.polling import stays
from tests.todo_action_harness import Harness, component, notes, replaced_card
from use_cases.todo.widgets import is_live_todo_card


@pytest.fixture
async def h(tmp_path: Path) -> Harness:
    harness = Harness(tmp_path)
    await harness.store.save_thread(harness.thread, harness.context)
    harness.repo.add("alice", ["buy groceries", "finish report"])
    return harness


async def test_toggle_ticks_the_todo_and_replaces_the_card(h: Harness) -> None:
    card = await h.show_card()
    todo = h.todo("buy groceries")
    events = await h.click("todo.toggle", {"id": todo.id}, card)
    assert h.todo("buy groceries").completed
    new = replaced_card(events)
    assert new.id == card.id and is_live_todo_card(new.widget)
    assert component(new.widget, f"todo-title-{todo.id}")["lineThrough"] is True
    assert component(new.widget, "todo-done-count")["label"] == "1 done"
    assert (await h.stored(card.id)).model_dump() == new.model_dump()
    assert notes(events) == [f"The user ticked 'buy groceries' ({todo.id}) as done via the card."]
    # The note is stored in the thread for the model's next turn.
    page = await h.store.load_thread_items(h.thread.id, None, 10, "asc", h.context)
    assert isinstance(page.data[-1], HiddenContextItem)


async def test_toggle_without_value_flips_back(h: Harness) -> None:
    card = await h.show_card()
    todo_id = h.todo("finish report").id
    await h.click("todo.toggle", {"id": todo_id}, card)
    events = await h.click("todo.toggle", {"id": todo_id}, await h.stored(card.id))
    assert not h.todo("finish report").completed
    assert "unticked 'finish report'" in notes(events)[0]


@pytest.mark.parametrize("key", ["checked", "completed", "value"])
async def test_toggle_with_explicit_value_is_idempotent(h: Harness, key: str) -> None:
    card = await h.show_card()
    todo_id = h.todo("buy groceries").id
    first = await h.click("todo.toggle", {"id": todo_id, key: True}, card)
    second = await h.click("todo.toggle", {"id": todo_id, key: True}, await h.stored(card.id))
    assert h.todo("buy groceries").completed
    assert len(notes(first)) == 1 and notes(second) == []
    assert component(replaced_card(second).widget, f"todo-check-{todo_id}")["defaultChecked"]
    await h.click("todo.toggle", {"id": todo_id, key: False}, card)
    assert not h.todo("buy groceries").completed


async def test_delete_removes_the_row(h: Harness) -> None:
    card = await h.show_card()
    todo_id = h.todo("buy groceries").id
    events = await h.click("todo.delete", {"id": todo_id}, card)
    assert [t.title for t in h.repo.list("alice")] == ["finish report"]
    assert component(replaced_card(events).widget, f"todo-row-{todo_id}") is None
    assert notes(events) == [f"The user deleted 'buy groceries' ({todo_id}) via the card."]


async def test_add_from_the_form(h: Harness) -> None:
    card = await h.show_card()
    events = await h.click("todo.add", {"title": "  call mom  "}, card)
    added = h.todo("call mom")
    assert component(replaced_card(events).widget, f"todo-row-{added.id}") is not None
    assert notes(events) == [f"The user added 'call mom' ({added.id}) via the card."]


@pytest.mark.parametrize("title", ["", "   ", "x" * 501])
async def test_bad_title_shows_an_error_in_the_card(h: Harness, title: str) -> None:
    card = await h.show_card()
    events = await h.click("todo.add", {"title": title}, card)
    assert len(h.repo.list("alice")) == 2
    error = component(replaced_card(events).widget, "todo-error")
    assert error is not None and "title" in error["value"]
    assert notes(events) == []
    # The next good action clears the error.
    events = await h.click("todo.add", {"title": "ok"}, await h.stored(card.id))
    assert component(replaced_card(events).widget, "todo-error") is None


async def test_rename(h: Harness) -> None:
    card = await h.show_card()
    todo_id = h.todo("finish report").id
    events = await h.click("todo.rename", {"id": todo_id, "title": "finish Q4 report"}, card)
    assert h.repo.get("alice", todo_id).title == "finish Q4 report"
    title = component(replaced_card(events).widget, f"todo-title-{todo_id}")
    assert title["value"] == "finish Q4 report"
    assert "to 'finish Q4 report'" in notes(events)[0]


async def test_unknown_or_foreign_id_changes_nothing(h: Harness) -> None:
    (bobs,) = h.repo.add("bob", ["bob's todo"])
    card = await h.show_card()
    for kind in ("todo.toggle", "todo.delete", "todo.rename"):
        for todo_id in (bobs.id, "todo_nope00", None):
            events = await h.click(kind, {"id": todo_id, "title": "hacked"}, card)
            assert component(replaced_card(events).widget, "todo-error")["value"] == (
                "That todo no longer exists."
            )
            assert notes(events) == []
    assert h.repo.get("bob", bobs.id) == bobs
    assert [(t.title, t.completed) for t in h.repo.list("alice")] == [
        ("buy groceries", False),
        ("finish report", False),
    ]


async def test_without_a_live_sender_the_live_card_is_updated_in_place(h: Harness) -> None:
    old_card = await h.show_card(live=False)
    live = await h.show_card()
    events = await h.click("todo.toggle", {"id": h.todo("buy groceries").id}, None)
    updated = replaced_card(events)
    assert updated.id == live.id and is_live_todo_card(updated.widget)
    assert component(updated.widget, "todo-done-count")["label"] == "1 done"
    # A click that reaches the server from an old card (API clients) updates the live one too.
    events = await h.click("todo.delete", {"id": h.todo("finish report").id}, old_card)
    assert [t.title for t in h.repo.list("alice")] == ["buy groceries"]
    assert replaced_card(events).id == live.id
    assert not [e for e in events if isinstance(e, ThreadItemDoneEvent) and e.item.type == "widget"]


async def test_without_any_live_card_a_fresh_one_is_added(h: Harness) -> None:
    events = await h.click("todo.toggle", {"id": h.todo("buy groceries").id}, None)
    (fresh,) = [
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, WidgetItem)
    ]
    assert is_live_todo_card(fresh.widget)
    assert (await h.stored(fresh.id)).widget == fresh.widget


async def test_deleting_from_the_card_offers_undo(h: Harness) -> None:
    card = await h.show_card()
    todo = h.todo("finish report")
    events = await h.click("todo.delete", {"id": todo.id}, card)
    card = replaced_card(events)
    assert component(card.widget, "todo-undo-text")["value"] == 'Deleted "finish report".'
    undo = component(card.widget, "todo-undo-button")["onClickAction"]
    events = await h.click(undo["type"], undo["payload"], card)
    assert h.todo("finish report") == todo  # back with its id, position and state
    assert component(replaced_card(events).widget, "todo-undo") is None
    await h.click(undo["type"], undo["payload"], card)
    assert [t.title for t in h.repo.list("alice")] == ["buy groceries", "finish report"]


async def test_unknown_action_only_refreshes(h: Harness) -> None:
    card = await h.show_card()
    events = await h.click("todo.explode", None, card)
    assert is_live_todo_card(replaced_card(events).widget) and notes(events) == []
    assert len(h.repo.list("alice")) == 2


async def test_refresh_redraws_only_a_live_card(h: Harness) -> None:
    assert h.use_case.refresh_action == "todo.refresh"
    card = await h.show_card()
    h.repo.add("alice", ["added in the panel"])  # a change made outside this thread
    events = await h.click("todo.refresh", {}, card)
    assert "added in the panel" in (replaced_card(events).copy_text or "")
    assert notes(events) == [] and len(events) == 1
    snapshot = await h.show_card(live=False)
    assert await h.click("todo.refresh", {}, snapshot) == []
    assert await h.click("todo.refresh", {}, None) == []


async def test_subscribe_reports_only_this_users_changes(h: Harness) -> None:
    calls: list[str] = []
    unsubscribe = h.use_case.subscribe("alice", lambda: calls.append("alice"))
    h.repo.add("bob", ["not alice's"])
    h.repo.add("alice", ["hers"])
    unsubscribe()
    h.repo.add("alice", ["after unsubscribing"])
    assert calls == ["alice"]


async def test_card_updates_of_a_thread_run_one_at_a_time(h: Harness) -> None:
    card = await h.show_card()
    todo_id = h.todo("buy groceries").id
    h.repo.add("alice", ["added in another tab"])
    refresh = h.use_case.handle_action(
        ActionRequest(h.thread, Action(type="todo.refresh", payload={}), card, h.context, h.store)
    )
    stale = await anext(refresh)  # computed, not yet handed over: the thread is still locked
    toggle = asyncio.create_task(h.click("todo.toggle", {"id": todo_id, "checked": True}, card))
    await stays(lambda: not toggle.done() and not h.todo("buy groceries").completed)
    assert [event async for event in refresh] == []
    events = await toggle
    assert component(stale.item.widget, "todo-done-count")["label"] == "0 done"
    assert component(replaced_card(events).widget, "todo-done-count")["label"] == "1 done"
