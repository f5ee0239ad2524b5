"""The `todo_lists` fixture: a todo list on each backend, opened afresh on every call."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chatkit_bridge.jsonfiles import JsonFiles
from chatkit_bridge.postgres_documents import PostgresDocuments
from tests.postgres import private_schema
from use_cases.todo.data import TodoRepository

OpenRepository = Callable[[], TodoRepository]


@pytest.fixture(params=["tinydb", "postgres"])
def todo_lists(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenRepository]:
    """Return how to open the todo list with a cache of its own (as after a restart, or as
    another process would)."""
    if request.param == "tinydb":
        yield lambda: TodoRepository(tmp_path, files=JsonFiles())
        return
    with private_schema() as dsn:
        yield lambda: TodoRepository(PostgresDocuments(dsn, "todos"))
