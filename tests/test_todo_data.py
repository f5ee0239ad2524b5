"""The todo list a user keeps: operations, validation, Unicode and listeners.

Finding todos by id, position or description: tests/test_todo_lookup.py.
"""

import logging
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from use_cases.todo.data import TodoRepository
from use_cases.todo.fields import DEFAULT_TITLE_LENGTH as MAX_TITLE_LENGTH
from use_cases.todo.models import TodoError, TodoNotFoundError


@pytest.fixture
def repo(tmp_path: Path) -> TodoRepository:
    return TodoRepository(tmp_path, files=JsonFiles())


def reopened(path: Path) -> TodoRepository:
    """A repository with nothing cached, as after a restart."""
    return TodoRepository(path, files=JsonFiles())


def titles(todos) -> list[str]:
    return [todo.title for todo in todos]


# -- adding and listing -----------------------------------------------------


def test_added_todos_are_listed_in_order_and_survive_restart(
    repo: TodoRepository, tmp_path: Path
) -> None:
    first = repo.add("alice", ["Buy milk"])
    more = repo.add("alice", ["Call mom", "Pay rent"], due=date(2026, 3, 1))

    assert titles(repo.list("alice")) == ["Buy milk", "Call mom", "Pay rent"]
    assert reopened(tmp_path).list("alice") == repo.list("alice")
    assert [todo.due for todo in more] == [date(2026, 3, 1)] * 2
    assert first[0].due is None
    assert not first[0].completed and first[0].completed_at is None
    assert (datetime.now(UTC) - first[0].created_at).total_seconds() < 60


def test_ids_are_short_unique_and_lowercase_hex(repo: TodoRepository) -> None:
    todos = repo.add("alice", [f"task {n}" for n in range(300)])

    assert all(re.fullmatch(r"todo_[0-9a-f]{6}", todo.id) for todo in todos)
    assert len({todo.id for todo in todos}) == 300


def test_users_have_separate_lists(repo: TodoRepository, tmp_path: Path) -> None:
    repo.add("alice", ["Alice's"])
    repo.add("bob", ["Bob's"])

    assert titles(repo.list("alice")) == ["Alice's"]
    assert titles(repo.list("bob")) == ["Bob's"]
    assert repo.list("carol") == []
    todo_id = repo.list("alice")[0].id
    with pytest.raises(TodoNotFoundError):
        repo.get("bob", todo_id)
    assert (user_folder(tmp_path, "alice") / "todos" / "000000.json").is_file()


def test_titles_are_stripped_and_kept_exactly(repo: TodoRepository, tmp_path: Path) -> None:
    odd = [
        "  Buy 🥛 & 🍪  ",
        'Say "hi" — it\'s <script>alert(1)</script>',
        "\tשלום עולם مرحبا\n",
        "Ünïcödé 中文 \u200d👩‍👩‍👧",
        "a" * MAX_TITLE_LENGTH,
    ]

    repo.add("alice", odd)

    expected = [title.strip() for title in odd]
    assert titles(repo.list("alice")) == expected
    assert titles(reopened(tmp_path).list("alice")) == expected


@pytest.mark.parametrize("bad", ["", "   ", "\n\t"])
def test_empty_titles_are_refused(repo: TodoRepository, bad: str) -> None:
    with pytest.raises(TodoError, match="needs a title"):
        repo.add("alice", [bad])


def test_overlong_title_names_the_limit(repo: TodoRepository) -> None:
    with pytest.raises(TodoError, match=f"at most {MAX_TITLE_LENGTH} characters"):
        repo.add("alice", ["x" * (MAX_TITLE_LENGTH + 1)])


def test_adding_is_all_or_nothing(repo: TodoRepository) -> None:
    repo.add("alice", ["Keep me"])

    with pytest.raises(TodoError):
        repo.add("alice", ["Fine", "   ", "Also fine"])
    with pytest.raises(TodoError, match="at least one"):
        repo.add("alice", [])

    assert titles(repo.list("alice")) == ["Keep me"]


# -- changing ------------------------------------------------------------------


def test_complete_and_reopen(repo: TodoRepository, tmp_path: Path) -> None:
    (todo,) = repo.add("alice", ["Buy milk"])

    done = repo.set_completed("alice", todo.id, True)
    assert done.completed and done.completed_at is not None
    again = repo.set_completed("alice", todo.id, True)
    assert again.completed_at == done.completed_at  # completing twice keeps the first time
    assert reopened(tmp_path).get("alice", todo.id).completed

    reopened_todo = repo.set_completed("alice", todo.id, False)
    assert not reopened_todo.completed and reopened_todo.completed_at is None


def test_rename_and_due(repo: TodoRepository, tmp_path: Path) -> None:
    (todo,) = repo.add("alice", ["Buy milk"])

    assert repo.rename("alice", todo.id, "  Buy oat milk 🌾 ").title == "Buy oat milk 🌾"
    with pytest.raises(TodoError, match="needs a title"):
        repo.rename("alice", todo.id, " ")
    assert repo.set_due("alice", todo.id, date(2026, 5, 4)).due == date(2026, 5, 4)

    stored = reopened(tmp_path).get("alice", todo.id)
    assert (stored.title, stored.due) == ("Buy oat milk 🌾", date(2026, 5, 4))
    assert repo.set_due("alice", todo.id, None).due is None


def test_delete_returns_the_todo_and_keeps_order(repo: TodoRepository) -> None:
    _, b, _ = repo.add("alice", ["a", "b", "c"])

    assert repo.delete("alice", b.id) == b
    assert titles(repo.list("alice")) == ["a", "c"]
    repo.add("alice", ["d"])
    assert titles(repo.list("alice")) == ["a", "c", "d"]


def test_clear_completed(repo: TodoRepository) -> None:
    a, _, c = repo.add("alice", ["a", "b", "c"])
    repo.set_completed("alice", a.id, True)
    repo.set_completed("alice", c.id, True)

    removed = repo.clear_completed("alice")

    assert titles(removed) == ["a", "c"] and all(todo.completed for todo in removed)
    assert titles(repo.list("alice")) == ["b"]
    assert repo.clear_completed("alice") == []


def test_unknown_id_is_reported_with_the_id(repo: TodoRepository) -> None:
    repo.add("alice", ["a"])
    for operation in (
        lambda: repo.get("alice", "todo_000000"),
        lambda: repo.set_completed("alice", "todo_000000", True),
        lambda: repo.rename("alice", "todo_000000", "x"),
        lambda: repo.set_due("alice", "todo_000000", None),
        lambda: repo.delete("alice", "todo_000000"),
    ):
        with pytest.raises(TodoNotFoundError, match="No todo with id todo_000000"):
            operation()
    assert titles(repo.list("alice")) == ["a"]


def test_ids_are_matched_case_insensitively(repo: TodoRepository) -> None:
    (todo,) = repo.add("alice", ["a"])

    assert repo.get("alice", todo.id.upper()) == todo


# -- listeners -----------------------------------------------------------------


def test_listeners_hear_every_change_until_unsubscribed(repo: TodoRepository) -> None:
    heard: list[str] = []
    unsubscribe = repo.subscribe(heard.append)

    (todo,) = repo.add("alice", ["a"])
    repo.set_completed("alice", todo.id, True)
    repo.rename("bob", repo.add("bob", ["b"])[0].id, "bb")
    repo.clear_completed("alice")
    repo.list("alice")
    repo.find("alice", "a")
    unsubscribe()
    unsubscribe()  # twice is harmless
    repo.add("alice", ["after"])

    assert heard == ["alice", "alice", "bob", "bob", "alice"]


def test_failed_changes_are_not_announced(repo: TodoRepository) -> None:
    heard: list[str] = []
    repo.subscribe(heard.append)

    with pytest.raises(TodoError):
        repo.add("alice", [""])
    with pytest.raises(TodoNotFoundError):
        repo.delete("alice", "todo_000000")
    repo.clear_completed("alice")

    assert heard == []


def test_a_failing_listener_is_logged_and_does_not_break_writes(
    repo: TodoRepository, caplog: pytest.LogCaptureFixture
) -> None:
    heard: list[str] = []

    def broken(user_id: str) -> None:
        raise RuntimeError("listener bug")

    repo.subscribe(broken)
    repo.subscribe(heard.append)
    with caplog.at_level(logging.ERROR):
        repo.add("alice", ["still saved"])

    assert titles(repo.list("alice")) == ["still saved"]
    assert heard == ["alice"]
    assert "listener bug" in caplog.text


def test_listeners_may_read_the_list(repo: TodoRepository) -> None:
    seen: list[list[str]] = []
    repo.subscribe(lambda user_id: seen.append(titles(repo.list(user_id))))

    repo.add("alice", ["a"])
    repo.add("alice", ["b"])

    assert seen == [["a"], ["a", "b"]]
