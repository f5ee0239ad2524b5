"""Each user's todo list, kept as the "todos" documents of `chatkit_bridge.documents`.

With a data folder that is `users/<hash>/todos/` (numbered chunk files) beside the chat
store's `threads.json` and `threads/`; with another backend, whatever it uses. This
module knows only records: any backend of `UserDocuments` serves it.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Collection
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from chatkit_bridge.document_order import Tail, Where
from chatkit_bridge.documents import Listener, Record, TinyDBDocuments, UserDocuments
from chatkit_bridge.jsonfiles import JsonFiles
from use_cases.todo.additions import new_todos
from use_cases.todo.fields import (
    clean_title,
    complete,
    completed_at,
    cursor_of,
    parse_cursor,
)
from use_cases.todo.limits import TodoLimits
from use_cases.todo.list_order import LIST_ORDER, in_list_order, to_todo
from use_cases.todo.lookup import find
from use_cases.todo.models import Todo, TodoError, TodoLimitError, TodoNotFoundError, TodoPage


def _ids(todo_ids: Collection[str]) -> frozenset[str]:
    return frozenset(todo_id.strip().lower() for todo_id in todo_ids)


class TodoRepository:
    """Add, change and find the todos of each user; safe to use from many threads.

    No operation but `list` reads the whole list: the documents read only the chunks that
    hold what an operation takes (an id, the done todos, the newest chunk for an add), a
    change of several todos is one change of the document, and only the todos an operation
    returns become `Todo` objects.
    """

    def __init__(
        self,
        documents: str | Path | UserDocuments,
        files: JsonFiles | None = None,
        limits: TodoLimits | None = None,
    ) -> None:
        """Keep todos in `documents`, or in TinyDB files under a data folder.

        :param documents: the "todos" documents of any backend, or the app's data folder.
        :param files: the file registry for a data folder (default: the shared one).
        :param limits: per-user bounds (default: read from the environment).
        """
        self.limits = limits or TodoLimits()
        if isinstance(documents, UserDocuments):
            self.documents = documents
            # The backend sets aside what fails this check, so one broken todo (an older
            # bug, a hand edit) cannot break the whole list.
            self.documents.validate = self.documents.validate or Todo.model_validate
        else:
            self.documents = TinyDBDocuments(documents, "todos", files, Todo.model_validate)
        self.documents.order = LIST_ORDER

    # -- reading ----------------------------------------------------------

    def list(self, user_id: str) -> builtins.list[Todo]:
        """Return the user's whole list in list order (reads and checks every todo)."""
        return in_list_order(self.documents.read(user_id))

    def page(self, user_id: str, limit: int, after: str | None = None) -> TodoPage:
        """Return up to `limit` todos following the cursor `after`, with whole-list counts."""
        start_key = parse_cursor(after) if after else None
        # The documents read only the chunks that hold the page, and only the page becomes
        # Todo objects: a card of 20 rows costs the same with 20 todos or 10,000.
        page = self.documents.page(user_id, max(limit, 0), start_key)
        todos = [to_todo(record) for record in page.records]
        cursor = cursor_of(todos[-1]) if todos and page.more else None
        done = page.counts.get("completed", 0)
        return TodoPage(todos=todos, total=page.total, done=done, start=page.start, next=cursor)

    def page_here(self, user_id: str, limit: int, after: str | None = None) -> TodoPage | None:
        """Return `page(...)` if it is read at once on this thread (data in memory), else None.

        For the event loop (`UserDocuments.read_here`); None: call `page` in a worker thread.
        """
        done, page = self.documents.read_here(user_id, lambda: self.page(user_id, limit, after))
        return page if done else None

    def count(self, user_id: str) -> int:
        """Return how many todos the user has (from the chunk summaries)."""
        return self.documents.page(user_id, 0).total

    def get(self, user_id: str, todo_id: str) -> Todo:
        """Return one todo by id."""
        record = self.documents.find(user_id, "id", todo_id.strip().lower())
        if record is None:
            raise TodoNotFoundError(f"No todo with id {todo_id}")
        return to_todo(record)

    def first(self, user_id: str) -> Todo | None:
        """Return the first todo of the list, None when it is empty."""
        records = self.documents.page(user_id, 1).records
        return to_todo(records[0]) if records else None

    def last(self, user_id: str) -> Todo | None:
        """Return the last todo of the list, None when it is empty."""
        record = self.documents.last(user_id)
        return None if record is None else to_todo(record)

    def last_completed(self, user_id: str) -> Todo | None:
        """Return the todo completed last, None when none is done."""
        done = self.documents.select(user_id, Where(flag="completed"))
        return to_todo(max(done, key=completed_at)) if done else None

    def find(self, user_id: str, reference: str, limit: int | None = None) -> builtins.list[Todo]:
        """Return the todos a reference means: id, position ("2", "#2") or description.

        Several on a tie, [] on none (`lookup.find`).

        :param limit: at most this many of the tied todos (the first in list order).
        """
        return find(self.documents, user_id, reference, self.limits.todo_max_per_user, limit)

    # -- changing ---------------------------------------------------------

    def add(
        self,
        user_id: str,
        titles: builtins.list[str],
        due: date | None = None,
        origin: str | None = None,
    ) -> builtins.list[Todo]:
        """Add todos at the end of the list; any bad title adds nothing.

        :param origin: the chat turn adding them; an open todo with the same title and origin
            is returned instead of added again, so a retried turn adds nothing twice.
        """
        if isinstance(titles, str):
            titles = [titles]
        cleaned = [clean_title(title, self.limits.todo_max_title_length) for title in titles]
        if not cleaned:
            raise TodoError("Nothing to add: give at least one title.")

        def make(tail: Tail) -> tuple[builtins.list[Todo], builtins.list[Record]]:
            return new_todos(tail, cleaned, due, origin, self._check_room)

        return self.documents.append(user_id, make)

    def restore(self, user_id: str, todos: builtins.list[Todo]) -> builtins.list[Todo]:
        """Put deleted todos back where they were; ones already present are left alone."""
        for todo in todos:
            clean_title(todo.title, self.limits.todo_max_title_length)

        def make(tail: Tail) -> tuple[builtins.list[Todo], builtins.list[Record]]:
            present = {record["id"] for record in tail.having("id", [t.id for t in todos])}
            missing = [todo for todo in todos if todo.id not in present]
            self._check_room(tail.total, len(missing))
            # Appended to the newest chunk; their old positions put them back in their place.
            return missing, [todo.model_dump(mode="json") for todo in missing]

        return self.documents.append(user_id, make)

    def set_completed(self, user_id: str, todo_id: str, completed: bool) -> Todo:
        """Mark a todo done (stamping when) or open again."""
        return self._change(user_id, todo_id, lambda record: complete(record, completed))

    def set_completed_many(
        self, user_id: str, todo_ids: Collection[str] | None, completed: bool
    ) -> builtins.list[tuple[Todo, Todo]]:
        """Tick (or reopen) several todos, or all (`todo_ids` None), in one change.

        :return: (before, after) of each todo that changed, in list order.
        """
        where = Where(
            field="id" if todo_ids is not None else None,
            values=_ids(todo_ids) if todo_ids is not None else None,
            # Reopening takes only done todos: chunks counting none are not even read.
            flag=None if completed else "completed",
            test=(lambda record: not record.get("completed")) if completed else None,
        )

        now = datetime.now(UTC)
        stamp = now.isoformat()

        def edit(record: Record) -> Record:
            complete(record, completed, stamp)
            return record

        pairs = self.documents.update_where(user_id, where, edit)
        pairs.sort(key=lambda pair: LIST_ORDER.key(pair[0]))
        befores = [to_todo(before) for before, _ in pairs]
        # Only the two fields `complete` set differ: copying is a third of validating again.
        change = {"completed": completed, "completed_at": now if completed else None}
        return [(before, before.model_copy(update=change)) for before in befores]

    def rename(self, user_id: str, todo_id: str, title: str) -> Todo:
        """Give a todo a new title."""
        cleaned = clean_title(title, self.limits.todo_max_title_length)
        return self._change(user_id, todo_id, lambda record: record.update(title=cleaned))

    def set_due(self, user_id: str, todo_id: str, due: date | None) -> Todo:
        """Set or clear a todo's due date."""
        value = due.isoformat() if due is not None else None
        return self._change(user_id, todo_id, lambda record: record.update(due=value))

    def delete(self, user_id: str, todo_id: str) -> Todo:
        """Remove a todo and return it."""
        removed = self.delete_many(user_id, [todo_id])
        if not removed:
            raise TodoNotFoundError(f"No todo with id {todo_id}")
        return removed[0]

    def delete_many(self, user_id: str, todo_ids: Collection[str] | None) -> builtins.list[Todo]:
        """Remove several todos, or all (`todo_ids` None), in one change; return them in order."""
        if todo_ids is None:
            return self._remove(user_id, Where())
        return self._remove(user_id, Where(field="id", values=_ids(todo_ids)))

    def clear_completed(self, user_id: str) -> builtins.list[Todo]:
        """Remove every completed todo and return the removed ones."""
        return self._remove(user_id, Where(flag="completed"))

    # -- change notifications ---------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(user_id)` after every saved change; return the unsubscribe function."""
        return self.documents.subscribe(listener)

    # -- plumbing ---------------------------------------------------------

    def _check_room(self, have: int, adding: int) -> None:
        cap = self.limits.todo_max_per_user
        if adding and have + adding > cap:
            raise TodoLimitError(
                f"A list can hold at most {cap} todos (limit TODO_MAX_PER_USER); you have {have}. "
                "Delete or clear some first."
            )

    def _remove(self, user_id: str, where: Where) -> builtins.list[Todo]:
        pairs = self.documents.update_where(user_id, where, lambda _record: None)
        return in_list_order([before for before, _ in pairs])

    def _change(self, user_id: str, todo_id: str, edit: Callable[[Record], Any]) -> Todo:
        def change(record: Record | None) -> Todo:
            if record is None:
                raise TodoNotFoundError(f"No todo with id {todo_id}")
            edit(record)
            return to_todo(record)

        # Only the chunk holding the todo is read and written: a tick costs the same in a
        # list of 10 or 10,000.
        return self.documents.update_one(user_id, "id", todo_id.strip().lower(), change)
