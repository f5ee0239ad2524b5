"""Turn what a user calls a todo ("2", "last", "the report", "all") into todos."""

from dataclasses import dataclass

from use_cases.todo.data import TodoRepository
from use_cases.todo.models import Todo

ALL_WORDS = {"all", "everything", "all todos", "every todo"}
LAST_COMPLETED_WORDS = {"last completed", "last done", "last completed todo", "last checked"}
LAST_WORDS = {"last", "the last one", "last one", "last todo"}
FIRST_WORDS = {"first", "the first one", "first one", "first todo"}
NAMED_CANDIDATES = 5
"""An ambiguous reference names this many candidates (a long list can tie thousands)."""


@dataclass(frozen=True)
class Resolved:
    """The todos a reference points at; for "all", `everything` and the list's `total` instead.

    "all" carries no todos: the tools change them in one bulk operation, so a list of
    10,000 is never read into objects to be named.
    """

    todos: list[Todo]
    everything: bool = False
    total: int = 0


def quote(todo: Todo) -> str:
    """Name a todo for a reply, with its id so later turns can point at it."""
    return f'"{todo.title}" ({todo.id})'


def _ambiguous(reference: str, candidates: list[Todo]) -> str:
    names = [quote(todo) for todo in candidates[:NAMED_CANDIDATES]]
    if len(candidates) > NAMED_CANDIDATES:
        listed = ", ".join(names) + " or more"  # "buy" in a long list: name a few, not all
    else:
        listed = ", ".join(names[:-1]) + f" or {names[-1]}"
    return f'"{reference}" could mean {listed}. Which one do you mean?'


def resolve(
    repository: TodoRepository, user_id: str, reference: str, *, allow_all: bool
) -> Resolved | str:
    """Resolve a reference; return the todos, or a sentence saying why not (blocking)."""
    text = " ".join(reference.split())
    word = text.lower()
    if not text:
        return "Please say which todo you mean."
    if word in ALL_WORDS:
        if not allow_all:
            return "Please name one todo; only complete, reopen and delete work on all of them."
        total = repository.count(user_id)
        return Resolved([], everything=True, total=total) if total else "Your todo list is empty."
    if word in LAST_COMPLETED_WORDS:
        last = repository.last_completed(user_id)
        return Resolved([last]) if last else "No todo has been completed yet."
    if word in LAST_WORDS or word in FIRST_WORDS:
        edge = repository.last(user_id) if word in LAST_WORDS else repository.first(user_id)
        return Resolved([edge]) if edge else "Your todo list is empty."
    matches = repository.find(user_id, text, limit=NAMED_CANDIDATES + 1)
    if not matches:
        return f'I couldn\'t find a todo matching "{text}".'
    if len(matches) > 1:
        return _ambiguous(text, matches)
    return Resolved(matches)
