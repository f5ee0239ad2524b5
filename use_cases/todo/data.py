"""Each user's todo list, kept durably in `users/<hash>/todos.json` under the data folder.

The folder is the store's data folder; the store's files in a user folder are
`threads.json` and `threads/`, so the names never clash. Both share the
process-wide locks of `chatkit_bridge.jsonfiles`.
"""

from __future__ import annotations

import builtins
import logging
import re
import secrets
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tinydb.table import Document, Table

from chatkit_bridge.jsonfiles import JsonFiles, shared_files, user_folder
from use_cases.todo.models import MAX_TITLE_LENGTH, Todo, TodoError, TodoNotFoundError

logger = logging.getLogger(__name__)

Listener = Callable[[str], None]

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


def clean_title(title: str) -> str:
    """Strip a title's outer whitespace and check it is usable."""
    cleaned = title.strip() if isinstance(title, str) else ""
    if not cleaned:
        raise TodoError("A todo needs a title: it cannot be empty.")
    if len(cleaned) > MAX_TITLE_LENGTH:
        raise TodoError(
            f"A todo title can be at most {MAX_TITLE_LENGTH} characters "
            f"(this one has {len(cleaned)})."
        )
    return cleaned


def _to_todo(doc: dict[str, Any]) -> Todo:
    return Todo.model_validate(dict(doc))


def _sorted(docs: builtins.list[Document]) -> builtins.list[Document]:
    return sorted(docs, key=lambda doc: (doc.get("position", 0), doc.doc_id))


class TodoRepository:
    """Add, change and find the todos of each user; safe to use from many threads."""

    def __init__(self, folder: str | Path, files: JsonFiles | None = None) -> None:
        """Keep todos under `folder` (the app's data folder)."""
        self.root = Path(folder).absolute()
        self._files = files or shared_files
        self._listeners: builtins.list[Listener] = []
        self._listeners_lock = threading.Lock()

    # -- reading ----------------------------------------------------------

    def list(self, user_id: str) -> builtins.list[Todo]:
        """Return the user's todos in list order."""
        folder = user_folder(self.root, user_id)
        with self._files.lock(folder):
            return [_to_todo(doc) for doc in _sorted(self._table(folder).all())]

    def get(self, user_id: str, todo_id: str) -> Todo:
        """Return one todo by id."""
        folder = user_folder(self.root, user_id)
        with self._files.lock(folder):
            return _to_todo(self._doc(self._table(folder), todo_id))

    def find(self, user_id: str, reference: str) -> builtins.list[Todo]:
        """Return the todos a reference means: id, position ("2", "#2") or description."""
        return find_todos(self.list(user_id), reference)

    # -- changing ---------------------------------------------------------

    def add(
        self, user_id: str, titles: builtins.list[str], due: date | None = None
    ) -> builtins.list[Todo]:
        """Add todos at the end of the list; any bad title adds nothing."""
        if isinstance(titles, str):
            titles = [titles]
        cleaned = [clean_title(title) for title in titles]
        if not cleaned:
            raise TodoError("Nothing to add: give at least one title.")
        folder = user_folder(self.root, user_id)
        with self._files.lock(folder):
            table = self._table(folder)
            existing = table.all()
            taken = {doc["id"] for doc in existing}
            position = max((doc.get("position", 0) for doc in existing), default=0)
            now = datetime.now(UTC)
            todos = []
            for title in cleaned:
                position += 1
                todo_id = _new_id(taken)
                taken.add(todo_id)
                todos.append(
                    Todo(id=todo_id, title=title, created_at=now, due=due, position=position)
                )
            # One write for the whole batch: all of them land or none does.
            table.insert_multiple([todo.model_dump(mode="json") for todo in todos])
        self._notify(user_id)
        return todos

    def set_completed(self, user_id: str, todo_id: str, completed: bool) -> Todo:
        """Mark a todo done (stamping when) or open again."""

        def change(doc: dict[str, Any]) -> None:
            if completed and not doc.get("completed"):
                doc["completed_at"] = datetime.now(UTC).isoformat()
            elif not completed:
                doc["completed_at"] = None
            doc["completed"] = completed

        return self._change(user_id, todo_id, change)

    def rename(self, user_id: str, todo_id: str, title: str) -> Todo:
        """Give a todo a new title."""
        cleaned = clean_title(title)
        return self._change(user_id, todo_id, lambda doc: doc.update(title=cleaned))

    def set_due(self, user_id: str, todo_id: str, due: date | None) -> Todo:
        """Set or clear a todo's due date."""
        value = due.isoformat() if due is not None else None
        return self._change(user_id, todo_id, lambda doc: doc.update(due=value))

    def delete(self, user_id: str, todo_id: str) -> Todo:
        """Remove a todo and return it."""
        folder = user_folder(self.root, user_id)
        with self._files.lock(folder):
            table = self._table(folder)
            doc = self._doc(table, todo_id)
            table.remove(doc_ids=[doc.doc_id])
        self._notify(user_id)
        return _to_todo(doc)

    def clear_completed(self, user_id: str) -> builtins.list[Todo]:
        """Remove every completed todo and return the removed ones."""
        folder = user_folder(self.root, user_id)
        with self._files.lock(folder):
            table = self._table(folder)
            done = [doc for doc in _sorted(table.all()) if doc.get("completed")]
            if not done:
                return []
            table.remove(doc_ids=[doc.doc_id for doc in done])
        self._notify(user_id)
        return [_to_todo(doc) for doc in done]

    # -- change notifications ---------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(user_id)` after every saved change; return the unsubscribe function."""
        with self._listeners_lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._listeners_lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _notify(self, user_id: str) -> None:
        with self._listeners_lock:
            listeners = builtins.list(self._listeners)
        # Called outside the data lock: a listener may read the todos again.
        for listener in listeners:
            try:
                listener(user_id)
            except Exception:
                logger.exception("Todo change listener %r failed", listener)

    # -- plumbing ---------------------------------------------------------

    def _table(self, folder: Path) -> Table:
        return self._files.table(folder / "todos.json", "todos")

    @staticmethod
    def _doc(table: Table, todo_id: str) -> Document:
        wanted = todo_id.strip().lower()
        doc = table.get(lambda d: d.get("id") == wanted)
        if doc is None:
            raise TodoNotFoundError(f"No todo with id {todo_id}")
        return doc

    def _change(self, user_id: str, todo_id: str, change: Callable[[dict[str, Any]], Any]) -> Todo:
        folder = user_folder(self.root, user_id)
        with self._files.lock(folder):
            table = self._table(folder)
            doc = self._doc(table, todo_id)
            table.update(change, doc_ids=[doc.doc_id])
            todo = _to_todo(table.get(doc_id=doc.doc_id))
        self._notify(user_id)
        return todo


def _new_id(taken: set[str]) -> str:
    while True:
        todo_id = f"todo_{secrets.token_hex(3)}"
        if todo_id not in taken:
            return todo_id
