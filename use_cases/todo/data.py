"""Each user's todo list, kept as the "todos" documents of `chatkit_bridge.documents`.

With a data folder that is `users/<hash>/todos/` (numbered chunk files) beside the chat
store's `threads.json` and `threads/`; with another backend, whatever it uses. This
module knows only records: any backend of `UserDocuments` serves it.
"""

from __future__ import annotations

import builtins
import re
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from chatkit_bridge.documents import Listener, Order, Record, TinyDBDocuments, UserDocuments
from chatkit_bridge.jsonfiles import JsonFiles
from use_cases.todo.limits import TodoLimits
from use_cases.todo.models import Todo, TodoError, TodoLimitError, TodoNotFoundError, TodoPage

# Words people add around a description ("the task to call mom") that say
# nothing about which todo they mean.
_FILLER = """
    a an the my our your his her their its this that these those
    task tasks todo todos item items entry entries thing things one ones
    please pls for of on in at to about with and or from by up it is
"""
STOP_WORDS = frozenset(_FILLER.split())

_WORD = re.compile(r"\w+")
_POSITION = re.compile(r"(?:(?:number|no\.?|item|todo|task)\s*)?#?\s*(\d+)(?:st|nd|rd|th)?")
_BARE_ID = re.compile(r"[0-9a-f]{6}")
_CURSOR = re.compile(r"(-?\d{1,18}):(todo_[0-9a-f]{1,32})")
DEFAULT_TITLE_LENGTH = TodoLimits.model_fields["todo_max_title_length"].default
# List order: positions only grow, but an undone delete can bring back a taken one, so the id
# breaks ties and a paging cursor always knows where it stopped. Pages count the done ones.
LIST_ORDER = Order(by=("position", "id"), defaults=(0, ""), counted=("completed",))


def stem(word: str) -> str:
    """Reduce a lowercase word to a crude stem so word forms compare equal."""
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > 5:
        word = _undouble(word[:-3])
    elif word.endswith("ed") and len(word) > 4 and not word.endswith("eed"):
        word = _undouble(word[:-2])
    elif word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    # "make"/"making" and "note"/"noted" meet at "mak" and "not".
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _undouble(word: str) -> str:
    # "shopping" -> "shopp" -> "shop"; "calling" keeps its "ll".
    if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
        return word[:-1]
    return word


def keywords(text: str) -> list[str]:
    """Return the stems of the meaningful words of a text."""
    return [stem(word) for word in _WORD.findall(text.casefold()) if word not in STOP_WORDS]


def find_todos(todos: Sequence[Todo], reference: str) -> list[Todo]:
    """Return the todos that best match a reference; several on a tie, [] on none."""
    ref = reference.strip()
    if not ref or not todos:
        return []
    lowered = ref.casefold()

    by_id = {todo.id: todo for todo in todos}
    for token in [lowered, *lowered.replace("#", " ").split()]:
        if token in by_id:
            return [by_id[token]]
        if _BARE_ID.fullmatch(token) and f"todo_{token}" in by_id:
            return [by_id[f"todo_{token}"]]

    position = _POSITION.fullmatch(lowered)
    if position and 1 <= int(position.group(1)) <= len(todos):
        return [todos[int(position.group(1)) - 1]]

    exact = [todo for todo in todos if todo.title.strip().casefold() == lowered]
    if exact:
        return exact

    wanted = keywords(ref)
    if not wanted:
        return []
    same = [todo for todo in todos if sorted(keywords(todo.title)) == sorted(wanted)]
    if same:
        return same

    best_score = 0
    best: list[Todo] = []
    wanted_set = set(wanted)
    for todo in todos:
        score = len(wanted_set & set(keywords(todo.title)))
        if score > best_score:
            best_score, best = score, [todo]
        elif score == best_score and score > 0:
            best.append(todo)
    return best


def clean_title(title: str, max_length: int = DEFAULT_TITLE_LENGTH) -> str:
    """Strip a title's outer whitespace and check it is usable."""
    cleaned = title.strip() if isinstance(title, str) else ""
    if not cleaned:
        raise TodoError("A todo needs a title: it cannot be empty.")
    if len(cleaned) > max_length:
        raise TodoError(
            f"A todo title can be at most {max_length} characters "
            f"(this one has {len(cleaned)}; limit TODO_MAX_TITLE_LENGTH)."
        )
    return cleaned


def cursor_of(todo: Todo) -> str:
    """Return the paging cursor that continues after `todo`."""
    return f"{todo.position}:{todo.id}"


def parse_cursor(cursor: str) -> tuple[int, str]:
    """Read a cursor made by `cursor_of`; raise TodoError for anything else."""
    match = _CURSOR.fullmatch(cursor.strip())
    if match is None:
        raise TodoError(f"{cursor[:40]!r} is not a cursor this list gave out; use its 'next'.")
    return int(match.group(1)), match.group(2)


def _to_todo(record: Record) -> Todo:
    return Todo.model_validate(record)


def _in_list_order(records: builtins.list[Record]) -> builtins.list[Record]:
    return sorted(records, key=LIST_ORDER.key)


def _index_of(records: builtins.list[Record], todo_id: str) -> int:
    wanted = todo_id.strip().lower()
    for index, record in enumerate(records):
        if record.get("id") == wanted:
            return index
    raise TodoNotFoundError(f"No todo with id {todo_id}")


class TodoRepository:
    """Add, change and find the todos of each user; safe to use from many threads."""

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
        """Return the user's todos in list order."""
        return [_to_todo(record) for record in _in_list_order(self.documents.read(user_id))]

    def page(self, user_id: str, limit: int, after: str | None = None) -> TodoPage:
        """Return up to `limit` todos following the cursor `after`, with whole-list counts."""
        start_key = parse_cursor(after) if after else None
        # The documents read only the chunks that hold the page, and only the page becomes
        # Todo objects: a card of 20 rows costs the same with 20 todos or 10,000.
        page = self.documents.page(user_id, max(limit, 0), start_key)
        todos = [_to_todo(record) for record in page.records]
        cursor = cursor_of(todos[-1]) if todos and page.more else None
        done = page.counts.get("completed", 0)
        return TodoPage(todos=todos, total=page.total, done=done, start=page.start, next=cursor)

    def get(self, user_id: str, todo_id: str) -> Todo:
        """Return one todo by id."""
        record = self.documents.find(user_id, "id", todo_id.strip().lower())
        if record is None:
            raise TodoNotFoundError(f"No todo with id {todo_id}")
        return _to_todo(record)

    def find(self, user_id: str, reference: str) -> builtins.list[Todo]:
        """Return the todos a reference means: id, position ("2", "#2") or description."""
        return find_todos(self.list(user_id), reference)

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

        def change(records: builtins.list[Record]) -> builtins.list[Todo]:
            again: dict[str, Record] = {}
            if origin is not None:
                again = {
                    record["title"]: record
                    for record in records
                    if record.get("origin") == origin and not record.get("completed")
                }
            self._check_room(len(records), sum(title not in again for title in cleaned))
            taken = {record["id"] for record in records}
            position = max((record.get("position", 0) for record in records), default=0)
            now = datetime.now(UTC)
            todos, new = [], []
            for title in cleaned:
                if title in again:
                    todos.append(_to_todo(again[title]))
                    continue
                position += 1
                todo_id = _new_id(taken)
                taken.add(todo_id)
                todo = Todo(
                    id=todo_id,
                    title=title,
                    created_at=now,
                    due=due,
                    position=position,
                    origin=origin,
                )
                todos.append(todo)
                new.append(todo)
            # One save for the whole batch: all of them land or none does.
            records.extend(todo.model_dump(mode="json") for todo in new)
            return todos

        return self.documents.update(user_id, change)

    def restore(self, user_id: str, todos: builtins.list[Todo]) -> builtins.list[Todo]:
        """Put deleted todos back where they were; ones already present are left alone."""
        for todo in todos:
            clean_title(todo.title, self.limits.todo_max_title_length)

        def change(records: builtins.list[Record]) -> builtins.list[Todo]:
            taken = {record["id"] for record in records}
            missing = [todo for todo in todos if todo.id not in taken]
            self._check_room(len(records), len(missing))
            records.extend(todo.model_dump(mode="json") for todo in missing)
            return missing

        return self.documents.update(user_id, change)

    def set_completed(self, user_id: str, todo_id: str, completed: bool) -> Todo:
        """Mark a todo done (stamping when) or open again."""

        def change(record: Record) -> None:
            if completed and not record.get("completed"):
                record["completed_at"] = datetime.now(UTC).isoformat()
            elif not completed:
                record["completed_at"] = None
            record["completed"] = completed

        return self._change(user_id, todo_id, change)

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

        def change(records: builtins.list[Record]) -> Todo:
            return _to_todo(records.pop(_index_of(records, todo_id)))

        return self.documents.update(user_id, change)

    def clear_completed(self, user_id: str) -> builtins.list[Todo]:
        """Remove every completed todo and return the removed ones."""

        def change(records: builtins.list[Record]) -> builtins.list[Todo]:
            done = [record for record in _in_list_order(records) if record.get("completed")]
            records[:] = [record for record in records if not record.get("completed")]
            return [_to_todo(record) for record in done]

        return self.documents.update(user_id, change)

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

    def _change(self, user_id: str, todo_id: str, edit: Callable[[Record], Any]) -> Todo:
        def change(record: Record | None) -> Todo:
            if record is None:
                raise TodoNotFoundError(f"No todo with id {todo_id}")
            edit(record)
            return _to_todo(record)

        # Only the chunk holding the todo is read and written: a tick costs the same in a
        # list of 10 or 10,000.
        return self.documents.update_one(user_id, "id", todo_id.strip().lower(), change)


def _new_id(taken: set[str]) -> str:
    while True:
        todo_id = f"todo_{secrets.token_hex(3)}"
        if todo_id not in taken:
            return todo_id
