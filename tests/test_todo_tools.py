"""The todo tools, run by a real agent with a scripted model, a real store and repository.

Cards and whole turns: tests/test_todo_tool_turns.py; the harness: tests/todo_tool_harness.py.
"""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.todo_tool_harness import TODAY, Harness, open_harness, seed


@pytest.fixture
async def h(tmp_path: Path) -> Harness:
    return await open_harness(tmp_path)


async def test_add_todos_adds_and_shows_the_card(h: Harness) -> None:
    titles = ["buy groceries", "finish report", "call mom"]
    result = await h.turn(("add_todos", {"titles": titles}))
    assert result.text == "Added 3 todos: buy groceries, finish report, call mom."
    assert h.titles() == titles
    (card,) = result.cards()
    assert "3. ⬜ call mom" in (card.copy_text or "")
    assert [c.id for c in await h.stored_cards()] == [card.id]


async def test_add_one_todo_with_a_due_date(h: Harness) -> None:
    result = await h.turn(("add_todos", {"titles": ["call mom"], "due": "2025-11-29"}))
    assert result.text == 'Added "call mom" (due Sat 29 Nov).'
    assert h.repo.list("alice")[0].due == date(2025, 11, 29)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"titles": ["ok", "  "]}, "Nothing was added: A todo needs a title"),
        ({"titles": ["x" * 501]}, "Nothing was added: A todo title can be at most 500"),
        ({"titles": []}, "Nothing was added: Give at least one title."),
        ({"titles": ["ok"], "due": "next-ish"}, 'Nothing was added: "next-ish" is not a date'),
    ],
)
async def test_bad_input_changes_nothing(h: Harness, args: dict[str, Any], expected: str) -> None:
    result = await h.turn(("add_todos", args))
    assert result.text.startswith(expected)
    assert h.titles() == [] and result.cards() == []


async def test_list_todos_summarises_and_shows_the_card(h: Harness) -> None:
    assert (await h.turn(("list_todos", {}))).text == "Your todo list is empty."
    await seed(h, "a", "b", "c")
    h.repo.set_completed("alice", h.repo.list("alice")[0].id, True)
    result = await h.turn(("list_todos", {}))
    assert result.text == "You have 3 todos: 2 pending, 1 done."
    assert len(result.cards()) == 1


@pytest.mark.parametrize("reference", ["2", "#2", "finish the report", "last"])
async def test_complete_by_position_words_or_last(h: Harness, reference: str) -> None:
    await seed(h, "buy groceries", "finish report")
    result = await h.turn(("complete_todo", {"reference": reference}))
    assert result.text == 'Marked "finish report" as done.'
    assert h.titles(done=True) == ["finish report"]
    assert "✅ finish report" in (result.cards()[0].copy_text or "")


async def test_complete_by_id_and_again(h: Harness) -> None:
    await seed(h, "buy groceries")
    todo_id = h.repo.list("alice")[0].id
    assert (await h.turn(("complete_todo", {"reference": todo_id}))).text == (
        'Marked "buy groceries" as done.'
    )
    again = await h.turn(("complete_todo", {"reference": todo_id}))
    assert again.text == '"buy groceries" was already done.'


async def test_ambiguous_reference_changes_nothing_and_names_candidates(h: Harness) -> None:
    await seed(h, "buy milk", "buy bread", "call mom")
    ids = {t.title: t.id for t in h.repo.list("alice")}
    for tool in ("complete_todo", "delete_todo"):
        result = await h.turn((tool, {"reference": "buy"}))
        assert f'"buy milk" ({ids["buy milk"]})' in result.text
        assert f'"buy bread" ({ids["buy bread"]})' in result.text
        assert "Which one" in result.text and result.cards() == []
    assert h.titles() == ["buy milk", "buy bread", "call mom"] and h.titles(done=True) == []


async def test_a_reference_tying_many_todos_names_a_few(h: Harness) -> None:
    await seed(h, *(f"buy thing {n}" for n in range(300)), "call mom")
    result = await h.turn(("complete_todo", {"reference": "buy"}))
    first = h.repo.page("alice", 6).todos
    assert all(f'"{todo.title}" ({todo.id})' in result.text for todo in first[:5])
    assert first[5].id not in result.text
    assert result.text.endswith("or more. Which one do you mean?")
    assert h.titles(done=True) == []


async def test_unknown_reference_says_so(h: Harness) -> None:
    await seed(h, "buy milk")
    result = await h.turn(("delete_todo", {"reference": "walk the dog"}))
    assert result.text == 'I couldn\'t find a todo matching "walk the dog".'
    assert (await h.turn(("complete_todo", {"reference": "7"}))).text.startswith("I couldn't")
    assert h.titles() == ["buy milk"]


async def test_all_completes_reopens_and_deletes_everything(h: Harness) -> None:
    await seed(h, "a", "b", "c")
    assert (await h.turn(("complete_todo", {"reference": "all"}))).text == (
        "Marked all 3 todos as done."
    )
    assert h.titles(done=False) == []
    assert (await h.turn(("reopen_todo", {"reference": "all"}))).text == "Reopened all 3 todos."
    assert h.titles(done=True) == []
    assert (await h.turn(("delete_todo", {"reference": "all"}))).text == "Deleted all 3 todos."
    assert h.titles() == []
    rename = await h.turn(("rename_todo", {"reference": "all", "new_title": "x"}))
    assert rename.text.startswith("Please name one todo")


async def test_all_is_one_change_of_the_list_however_long(h: Harness) -> None:
    await seed(h, *(f"chore {n}" for n in range(450)))
    heard: list[str] = []
    h.repo.subscribe(heard.append)
    for reference, tool, text in [
        ("everything", "complete_todo", "Marked all 450 todos as done."),
        ("all", "reopen_todo", "Reopened all 450 todos."),
        ("all todos", "delete_todo", "Deleted all 450 todos."),
    ]:
        heard.clear()
        assert (await h.turn((tool, {"reference": reference}))).text == text
        # One saved change per command (a save per todo would be heard 450 times).
        assert heard == ["alice"], (tool, len(heard))
    assert h.titles() == []
    assert (await h.turn(("delete_todo", {"reference": "all"}))).text == "Your todo list is empty."


async def test_undo_reopens_the_last_completed(h: Harness) -> None:
    await seed(h, "a", "b", "c")
    await h.turn(("complete_todo", {"reference": "c"}), ("complete_todo", {"reference": "a"}))
    result = await h.turn(("reopen_todo", {"reference": "last completed"}))
    assert result.text == 'Reopened "a".'
    assert h.titles(done=True) == ["c"]
    await h.turn(("reopen_todo", {"reference": "last completed"}))
    nothing = await h.turn(("reopen_todo", {"reference": "last completed"}))
    assert nothing.text == "No todo has been completed yet."


async def test_rename_todo(h: Harness) -> None:
    await seed(h, "buy milk")
    result = await h.turn(("rename_todo", {"reference": "milk", "new_title": " buy oat milk "}))
    assert result.text == 'Renamed "buy milk" to "buy oat milk".'
    refused = await h.turn(("rename_todo", {"reference": "1", "new_title": ""}))
    assert refused.text.startswith('"buy oat milk" was not renamed: A todo needs a title')
    assert h.titles() == ["buy oat milk"] and refused.cards() == []


async def test_set_and_remove_due_date(h: Harness) -> None:
    await seed(h, "pay rent")
    result = await h.turn(("set_due_date", {"reference": "rent", "due": "2025-11-28"}))
    assert result.text == '"pay rent" is now due today.'
    assert h.repo.list("alice")[0].due == TODAY
    bad = await h.turn(("set_due_date", {"reference": "rent", "due": "soonish"}))
    assert bad.text.startswith("The due date was not changed") and bad.cards() == []
    removed = await h.turn(("set_due_date", {"reference": "rent", "due": None}))
    assert removed.text == 'Removed the due date from "pay rent".'
    assert h.repo.list("alice")[0].due is None


async def test_clear_completed(h: Harness) -> None:
    await seed(h, "a", "b", "c")
    assert (await h.turn(("clear_completed", {}))).text == "There are no completed todos to clear."
    await h.turn(("complete_todo", {"reference": "a"}), ("complete_todo", {"reference": "c"}))
    result = await h.turn(("clear_completed", {}))
    assert result.text == "Cleared 2 todos that were done: a, c."
    assert h.titles() == ["b"]
