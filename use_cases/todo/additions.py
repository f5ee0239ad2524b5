"""New todos at the end of a list, built from what the list's newest chunk tells."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime

from chatkit_bridge.document_order import Tail
from chatkit_bridge.documents import Record
from use_cases.todo.list_order import to_todo
from use_cases.todo.models import Todo


def new_todos(
    tail: Tail,
    titles: list[str],
    due: date | None,
    origin: str | None,
    check_room: Callable[[int, int], None],
) -> tuple[list[Todo], list[Record]]:
    """Return the todos an add answers with, and the records to append for the new ones.

    :param tail: the list's count, highest key and tagged lookups (`UserDocuments.append`).
    :param titles: the cleaned titles, in order.
    :param origin: the chat turn adding them; an open todo with the same title and origin
        is answered instead of added again, so a retried turn adds nothing twice.
    :param check_room: raises when (todos held, todos added) exceeds the list's limit.
    """
    again: dict[str, Record] = {}
    if origin is not None:
        again = {
            record["title"]: record
            for record in tail.having("origin", [origin])
            if not record.get("completed")
        }
    adding = [title for title in titles if title not in again]
    check_room(tail.total, len(adding))
    # The next position comes from the highest key, so only the newest chunk is read.
    position = int(tail.high[0]) if tail.high else 0
    ids = iter(new_ids(tail, len(adding)))
    now = datetime.now(UTC)
    todos, new = [], []
    for title in titles:
        if title in again:
            todos.append(to_todo(again[title]))
            continue
        position += 1
        todo = Todo(
            id=next(ids),
            title=title,
            created_at=now,
            due=due,
            position=position,
            origin=origin,
        )
        todos.append(todo)
        new.append(todo.model_dump(mode="json"))
    # One save for the whole batch: all of them land or none does.
    return todos, new


def new_ids(tail: Tail, count: int) -> list[str]:
    """Return `count` new ids, none taken (the summaries know which chunks hold an id)."""
    ids: set[str] = set()
    while len(ids) < count:
        fresh = {f"todo_{secrets.token_hex(3)}" for _ in range(count - len(ids))} - ids
        ids |= fresh - {record["id"] for record in tail.having("id", fresh)}
    return sorted(ids)
