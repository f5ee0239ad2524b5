"""Finding todos by a reference: an id, a position or a description; ties, not guesses."""

from pathlib import Path

import pytest

from chatkit_bridge.jsonfiles import JsonFiles
from use_cases.todo.data import TodoRepository


@pytest.fixture
def repo(tmp_path: Path) -> TodoRepository:
    return TodoRepository(tmp_path, files=JsonFiles())


def titles(todos) -> list[str]:
    return [todo.title for todo in todos]


@pytest.fixture
def chores(repo: TodoRepository) -> TodoRepository:
    repo.add(
        "alice",
        ["buy groceries", "call mom", "finish report", "Call dad", "walk the dog"],
    )
    return repo


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("the grocery shopping", ["buy groceries"]),
        ("groceries", ["buy groceries"]),
        ("Buy Groceries", ["buy groceries"]),
        ("call mom task", ["call mom"]),
        ("the report", ["finish report"]),
        ("my todo to finish the reports", ["finish report"]),
        ("walking dogs", ["walk the dog"]),
        ("1", ["buy groceries"]),
        ("#2", ["call mom"]),
        ("# 3", ["finish report"]),
    ],
)
def test_find_by_description_and_position(
    chores: TodoRepository, reference: str, expected: list[str]
) -> None:
    assert titles(chores.find("alice", reference)) == expected


def test_find_returns_every_tie_instead_of_guessing(chores: TodoRepository) -> None:
    assert titles(chores.find("alice", "call")) == ["call mom", "Call dad"]
    assert titles(chores.find("alice", "the call task")) == ["call mom", "Call dad"]


def test_words_shared_by_several_todos_are_ambiguous(chores: TodoRepository) -> None:
    chores.add("alice", ["Shop"])

    assert titles(chores.find("alice", "shop")) == ["Shop"]
    assert titles(chores.find("alice", "the grocery shopping")) == ["buy groceries", "Shop"]


@pytest.mark.parametrize("reference", ["taxes", "the task", "", "   ", "99", "#0"])
def test_find_returns_nothing_when_nothing_matches(chores: TodoRepository, reference: str) -> None:
    assert chores.find("alice", reference) == []


def test_find_by_id_wins(chores: TodoRepository) -> None:
    report = chores.list("alice")[2]

    assert chores.find("alice", report.id.upper()) == [report]
    assert chores.find("alice", report.id.removeprefix("todo_")) == [report]


def test_exact_title_beats_partial_matches(repo: TodoRepository) -> None:
    repo.add("alice", ["call mom about the party", "call mom", "email mom"])

    assert titles(repo.find("alice", "Call Mom")) == ["call mom"]
    assert titles(repo.find("alice", "the call mom task")) == ["call mom"]


def test_find_keeps_emoji_titles_reachable(repo: TodoRepository) -> None:
    repo.add("alice", ["🎉", "party 🎉"])

    assert titles(repo.find("alice", "🎉")) == ["🎉"]
    assert titles(repo.find("alice", "party")) == ["party 🎉"]


def test_find_only_looks_at_the_users_own_todos(chores: TodoRepository) -> None:
    assert chores.find("bob", "call mom") == []
