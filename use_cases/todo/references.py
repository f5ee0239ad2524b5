"""Turn what a user calls a todo ("2", "last", "the report", "all") into todos."""

from dataclasses import dataclass
from datetime import datetime

from use_cases.todo.data import TodoRepository, find_todos
from use_cases.todo.models import Todo

ALL_WORDS = {"all", "everything", "all todos", "every todo"}
LAST_COMPLETED_WORDS = {"last completed", "last done", "last completed todo", "last checked"}
LAST_WORDS = {"last", "the last one", "last one", "last todo"}
FIRST_WORDS = {"first", "the first one", "first one", "first todo"}


@dataclass(frozen=True)
class Resolved:
    """The todos a reference points at; `everything` is set for "all"."""

    todos: list[Todo]
    everything: bool = False


def quote(todo: Todo) -> str:
    """Name a todo for a reply, with its id so later turns can point at it."""
    return f'"{todo.title}" ({todo.id})'


def _ambiguous(reference: str, candidates: list[Todo]) -> str:
    names = [quote(todo) for todo in candidates]
    listed = ", ".join(names[:-1]) + f" or {names[-1]}"
    return f'"{reference}" could mean {listed}. Which one do you mean?'


def _last_completed(todos: list[Todo]) -> Todo | None:
    done = [todo for todo in todos if todo.completed]
    # Todos without a completion time (old data) count as the oldest.
    return max(done, key=lambda t: t.completed_at or datetime.min, default=None)


def resolve(
    repository: TodoRepository, user_id: str, reference: str, *, allow_all: bool
) -> Resolved | str:
    """Resolve a reference; return the todos, or a sentence saying why not."""
    text = " ".join(reference.split())
    word = text.lower()
    if not text:
        return "Please say which todo you mean."
    todos = repository.list(user_id)
    if word in ALL_WORDS:
        if not allow_all:
            return "Please name one todo; only complete, reopen and delete work on all of them."
        if not todos:
            return "Your todo list is empty."
        return Resolved(todos=todos, everything=True)
    if word in LAST_COMPLETED_WORDS:
        last = _last_completed(todos)
        return Resolved([last]) if last else "No todo has been completed yet."
    if word in LAST_WORDS or word in FIRST_WORDS:
        if not todos:
            return "Your todo list is empty."
        return Resolved([todos[-1] if word in LAST_WORDS else todos[0]])
    matches = find_todos(todos, text)  # the list read above: a long one is read once
    if not matches:
        return f'I couldn\'t find a todo matching "{text}".'
    if len(matches) > 1:
        return _ambiguous(text, matches)
    return Resolved(matches)
