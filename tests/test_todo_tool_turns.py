"""Turns of the todo tools: one live card per thread, undo, retries, users, what the model sees."""

from pathlib import Path

import pytest
from agents import RunContextWrapper
from agents.testing import ScriptedModel
from chatkit.agents import AgentContext
from chatkit.types import (
    ThreadItemReplacedEvent,
)

from tests.todo_action_harness import component
from tests.todo_tool_harness import Harness, open_harness, seed
from use_cases.todo.agent import todo_state
from use_cases.todo.tools import TOOL_NAMES
from use_cases.todo.widgets import is_live_todo_card


@pytest.fixture
async def h(tmp_path: Path) -> Harness:
    return await open_harness(tmp_path)


async def test_one_live_card_per_thread_updated_in_place(h: Harness) -> None:
    await seed(h, "a", "b")
    first = (await h.turn(("list_todos", {}))).cards()[0]
    result = await h.turn(("complete_todo", {"reference": "a"}))
    # The change is confirmed in one line; the list card above follows it in place.
    assert [c.id for c in result.cards()] == [first.id]
    (change,) = result.changes()
    assert component(change.widget, "todo-change-text")["value"] == 'Marked "a" as done.'
    assert component(change.widget, "todo-change-undo")["label"] == "Undo"
    stored = await h.stored_cards()
    assert [c.id for c in stored] == [first.id]
    assert "✅ a" in (stored[0].copy_text or "")
    # Asking for the list again moves it down; the old card keeps counts and no controls.
    second = (await h.turn(("list_todos", {}))).cards()[0]
    stored = await h.stored_cards()
    assert [c.id for c in stored] == [first.id, second.id]
    assert [is_live_todo_card(c.widget) for c in stored] == [False, True]
    assert component(stored[0].widget, "todo-done-count")["label"] == "1 done"
    assert not [n for n in stored[0].widget.model_dump_json().split('"') if n == "Checkbox"]


async def test_several_tools_in_one_turn_share_one_card(h: Harness) -> None:
    await h.turn(("list_todos", {}))
    result = await h.turn(
        ("add_todos", {"titles": ["a", "b"]}),
        [
            ("complete_todo", {"reference": "a"}),
            ("rename_todo", {"reference": "b", "new_title": "B"}),
        ],
    )
    assert len({card.id for card in result.cards()}) == 1
    assert len(result.changes()) == 3
    stored = await h.stored_cards()
    assert [is_live_todo_card(c.widget) for c in stored] == [True]
    assert stored[0].copy_text and "✅ a" in stored[0].copy_text and "⬜ B" in stored[0].copy_text


async def test_undo_on_a_confirmation_reverts_once(h: Harness) -> None:
    await seed(h, "keep")
    await h.turn(("list_todos", {}))
    (change,) = (await h.turn(("add_todos", {"titles": ["buy milk"]}))).changes()
    assert h.titles() == ["keep", "buy milk"]
    events = await h.click_undo(change)
    assert h.titles() == ["keep"]
    undone, card = [e.item for e in events if isinstance(e, ThreadItemReplacedEvent)]
    assert undone.id == change.id and component(undone.widget, "todo-change-undo") is None
    assert component(undone.widget, "todo-change-undone")["value"] == "Undone"
    assert is_live_todo_card(card.widget) and "buy milk" not in (card.copy_text or "")
    await h.click_undo(change)  # the old button, pressed again, changes nothing
    assert h.titles() == ["keep"]

    (change,) = (await h.turn(("delete_todo", {"reference": "keep"}))).changes()
    assert h.titles() == []
    await h.click_undo(change)
    await h.click_undo(change)
    assert h.titles() == ["keep"]


async def test_a_retried_turn_adds_nothing_twice(h: Harness) -> None:
    await h.user_says("add buy milk")
    await h.turn(("add_todos", {"titles": ["buy milk"]}))
    # A retry or regenerate answers the same user message again.
    result = await h.turn(("add_todos", {"titles": ["buy milk", "bread"]}))
    assert result.text == "Added 2 todos: buy milk, bread."
    assert h.titles() == ["buy milk", "bread"]
    # A new message asking again is a new wish.
    await h.user_says("add buy milk")
    await h.turn(("add_todos", {"titles": ["buy milk"]}))
    assert h.titles() == ["buy milk", "bread", "buy milk"]


async def test_users_see_only_their_own_todos(h: Harness, tmp_path: Path) -> None:
    await seed(h, "alice's secret")
    bob = Harness(tmp_path, user_id="bob")
    await bob.store.save_thread(bob.thread, bob.context)
    result = await bob.turn(("complete_todo", {"reference": "secret"}))
    assert result.text.startswith("I couldn't find")
    assert h.titles(done=False) == ["alice's secret"]


async def test_agent_instructions_state_today_and_tools_are_complete(h: Harness) -> None:
    model = ScriptedModel([])
    agent = h.use_case.build_agent(model)
    context = AgentContext(thread=h.thread, store=h.store, request_context=h.context)
    prompt = await agent.get_system_prompt(RunContextWrapper(context))
    assert prompt is not None and "Friday 2025-11-28" in prompt and "2025-11-29" in prompt
    assert [tool.name for tool in agent.tools] == list(TOOL_NAMES)
    assert h.use_case.name == "todo" and h.use_case.title == "ChatKit Todo"
    assert "What's on my list?" in [p.prompt for p in h.use_case.starter_prompts]


async def test_the_model_sees_the_first_todos_and_the_true_totals(h: Harness) -> None:
    await seed(h, *[f"task {n}" for n in range(1, 61)])
    state = await todo_state(h.repo, h.context.user_id)
    assert "50. ⬜ task 50" in state and "task 51" not in state
    assert "…and 10 more" in state and "Total: 60 items (0 completed, 60 pending)" in state
