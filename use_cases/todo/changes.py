"""Compact confirmations of a change ("Added buy milk", with Undo) and the undo itself.

A command in the chat shows one line saying what changed instead of another full list; the
thread's single live list card follows the data in place. Undo carries the inverse of the
change in its action payload, so it needs no server-side history and undoing twice is a no-op.
"""

import contextlib
from datetime import date
from typing import Literal

from chatkit.actions import ActionConfig
from chatkit.widgets import Button, Caption, Card, Icon, Row, Spacer, Text
from pydantic import BaseModel, Field

from use_cases.todo.data import TodoRepository
from use_cases.todo.models import Todo, TodoNotFoundError

CHANGE_CARD_KEY = "todo-change"
UNDONE_CARD_KEY = "todo-change-undone"
UNDO_ACTION = "todo.undo"
# Beyond this many todos a change offers no Undo: the payload would carry them all.
UNDO_LIMIT = 100

ChangeKind = Literal["add", "complete", "reopen", "delete", "rename", "due", "clear"]
_ICONS: dict[ChangeKind, str] = {
    "add": "plus",
    "complete": "check-circle",
    "reopen": "empty-circle",
    "delete": "lucide:trash-2",
    "rename": "write",
    "due": "calendar",
    "clear": "lucide:trash-2",
}


class Undo(BaseModel):
    """The inverse of one change: what to remove, put back or set back."""

    remove: list[str] = Field(default_factory=list, max_length=UNDO_LIMIT)
    restore: list[Todo] = Field(default_factory=list, max_length=UNDO_LIMIT)
    completed: dict[str, bool] = Field(default_factory=dict, max_length=UNDO_LIMIT)
    titles: dict[str, str] = Field(default_factory=dict, max_length=UNDO_LIMIT)
    dues: dict[str, date | None] = Field(default_factory=dict, max_length=UNDO_LIMIT)

    def action(self) -> ActionConfig:
        """Return the action that applies this undo."""
        return ActionConfig(type=UNDO_ACTION, payload={"undo": self.model_dump(mode="json")})


def undo_for(kind: ChangeKind, before: list[Todo], after: list[Todo]) -> Undo | None:
    """Return the inverse of a change given the todos before and after it; None if too big."""
    if (not before and not after) or max(len(before), len(after)) > UNDO_LIMIT:
        return None
    match kind:
        case "add":
            return Undo(remove=[todo.id for todo in after])
        case "delete" | "clear":
            return Undo(restore=before)
        case "complete" | "reopen":
            return Undo(completed={todo.id: todo.completed for todo in before})
        case "rename":
            return Undo(titles={todo.id: todo.title for todo in before})
        case "due":
            return Undo(dues={todo.id: todo.due for todo in before})


def apply_undo(repository: TodoRepository, user_id: str, undo: Undo) -> None:
    """Revert a change; parts whose todo is gone are skipped (blocking; run it in a thread)."""
    if undo.remove:
        # One change for all of them; ones already gone are skipped, so undoing twice is a no-op.
        repository.delete_many(user_id, undo.remove)
    if undo.restore:
        repository.restore(user_id, undo.restore)
    changes = [
        *((repository.set_completed, key, value) for key, value in undo.completed.items()),
        *((repository.rename, key, value) for key, value in undo.titles.items()),
        *((repository.set_due, key, value) for key, value in undo.dues.items()),
    ]
    for change, todo_id, value in changes:
        with contextlib.suppress(TodoNotFoundError):
            change(user_id, todo_id, value)


def change_card(kind: ChangeKind, text: str, undo: Undo | None) -> Card:
    """Build the one-line confirmation of a change, with Undo when it can be undone."""
    children = [
        Icon(id="todo-change-icon", name=_ICONS[kind], color="secondary", size="sm"),
        Text(id="todo-change-text", value=text, size="sm"),
        Spacer(),
    ]
    if undo is not None:
        children.append(
            Button(
                id="todo-change-undo",
                label="Undo",
                size="sm",
                variant="outline",
                onClickAction=undo.action(),
            )
        )
    return Card(
        id="todo-change",
        key=CHANGE_CARD_KEY,
        size="sm",
        padding=2,
        children=[Row(align="center", gap=2, children=children)],
    )


def undone_card(text: str) -> Card:
    """Build what a confirmation becomes once undone: the same line, struck out, no button."""
    return Card(
        id="todo-change",
        key=UNDONE_CARD_KEY,
        size="sm",
        padding=2,
        children=[
            Row(
                align="center",
                gap=2,
                children=[
                    Icon(id="todo-change-icon", name="reload", color="secondary", size="sm"),
                    Text(id="todo-change-text", value=text, size="sm", lineThrough=True),
                    Spacer(),
                    Caption(id="todo-change-undone", value="Undone", color="secondary"),
                ],
            )
        ],
    )
