"""What a click on the todo card does to the list: one small function per action.

Each returns an `Outcome`: a note for the model, or an error (and the draft to keep) for the
card, and the Undo line to show. `actions.py` redraws the card with it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chatkit.actions import ActionConfig
from pydantic import ValidationError

from use_cases.todo.changes import UNDO_ACTION, Undo, apply_undo
from use_cases.todo.data import TodoRepository
from use_cases.todo.models import TodoError, TodoNotFoundError
from use_cases.todo.widgets import ADD_ACTION, DELETE_ACTION, RENAME_ACTION, TOGGLE_ACTION

logger = logging.getLogger(__name__)

GONE = "That todo no longer exists."
# Where a client may put the checkbox's new state; the first one present wins.
_CHECKED_KEYS = ("checked", "completed", "value")


@dataclass(frozen=True)
class Outcome:
    """What an action did: a note for the model, or an error for the card."""

    note: str | None = None
    error: str | None = None
    draft: str | None = None
    # A line saying what was just done from the card, and the action that reverts it.
    undo: tuple[str, ActionConfig] | None = None


def explicit_checked(payload: dict[str, Any]) -> bool | None:
    """Return the checkbox state sent with a toggle, or None to flip the todo."""
    for key in _CHECKED_KEYS:
        value = payload.get(key)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "on", "off"):
            return value.lower() in ("true", "on")
    return None


def apply_action(
    repository: TodoRepository, user_id: str, kind: str, payload: dict[str, Any]
) -> Outcome:
    """Apply one card action to the user's todos (blocking; run it in a thread)."""
    apply = _APPLY.get(kind)
    if apply is None:
        logger.warning("unknown todo action %r", kind)
        return Outcome()
    todo_id = payload.get("id")
    todo_id = todo_id if isinstance(todo_id, str) else ""
    try:
        return apply(repository, user_id, todo_id, payload)
    except TodoNotFoundError:
        return Outcome(error=GONE)
    except TodoError as error:
        return Outcome(error=str(error))
    except ValidationError:
        return Outcome(error="That Undo is no longer valid.")


Apply = Callable[[TodoRepository, str, str, dict[str, Any]], Outcome]
"""Applies one kind of card action: (repository, user id, todo id, payload) -> outcome."""


def _add(repository: TodoRepository, user_id: str, _: str, payload: dict[str, Any]) -> Outcome:
    title = payload.get("title")
    title = title if isinstance(title, str) else ""
    try:
        (todo,) = repository.add(user_id, [title])
    except TodoError as error:
        return Outcome(error=str(error), draft=title.strip() or None)
    return Outcome(note=f"The user added '{todo.title}' ({todo.id}) via the card.")


def _toggle(
    repository: TodoRepository, user_id: str, todo_id: str, payload: dict[str, Any]
) -> Outcome:
    todo = repository.get(user_id, todo_id)
    wanted = explicit_checked(payload)
    wanted = (not todo.completed) if wanted is None else wanted
    if wanted == todo.completed:
        return Outcome()  # a repeated click: nothing to change
    repository.set_completed(user_id, todo_id, wanted)
    if wanted:
        return Outcome(note=f"The user ticked '{todo.title}' ({todo.id}) as done via the card.")
    return Outcome(
        note=f"The user unticked '{todo.title}' ({todo.id}) via the card; it is open again."
    )


def _delete(repository: TodoRepository, user_id: str, todo_id: str, _: dict[str, Any]) -> Outcome:
    todo = repository.delete(user_id, todo_id)
    return Outcome(
        note=f"The user deleted '{todo.title}' ({todo.id}) via the card.",
        undo=(f'Deleted "{todo.title}".', Undo(restore=[todo]).action()),
    )


def _undo(repository: TodoRepository, user_id: str, _: str, payload: dict[str, Any]) -> Outcome:
    undo = Undo.model_validate(payload.get("undo") or {})
    apply_undo(repository, user_id, undo)
    return Outcome(note="The user pressed Undo: the last change shown was reverted.")


def _rename(
    repository: TodoRepository, user_id: str, todo_id: str, payload: dict[str, Any]
) -> Outcome:
    before = repository.get(user_id, todo_id)
    title = payload.get("title")
    after = repository.rename(user_id, todo_id, title if isinstance(title, str) else "")
    return Outcome(
        note=f"The user renamed '{before.title}' ({todo_id}) to '{after.title}' via the card."
    )


_APPLY: dict[str, Apply] = {
    ADD_ACTION: _add,
    TOGGLE_ACTION: _toggle,
    DELETE_ACTION: _delete,
    UNDO_ACTION: _undo,
    RENAME_ACTION: _rename,
}
