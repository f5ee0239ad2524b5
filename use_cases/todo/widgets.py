"""The todo card: one live, interactive list per thread, bounded to its first rows.

A thread keeps one live card. When a newer one is shown the older one collapses to a
one-line stub without any control, so no stale checkbox ever looks clickable and a long
conversation stores a bounded card per "show my list", not the whole list per command.
"""

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from chatkit.actions import ActionConfig
from chatkit.widgets import (
    Badge,
    Button,
    Caption,
    Card,
    Checkbox,
    Col,
    Divider,
    Form,
    Input,
    Row,
    Spacer,
    Text,
    Title,
    WidgetComponent,
)

from use_cases.todo.models import Todo, TodoPage

LIVE_CARD_KEY = "todo-card"
SNAPSHOT_CARD_KEY = "todo-card-snapshot"
CARD_ID = "todo-card"
# Rows the card shows; the panel and the API page through the rest.
CARD_ROWS = 20

ADD_ACTION = "todo.add"
TOGGLE_ACTION = "todo.toggle"
DELETE_ACTION = "todo.delete"
RENAME_ACTION = "todo.rename"
REFRESH_ACTION = "todo.refresh"

EMPTY_TEXT = "Nothing to do yet — add your first todo"
ALL_DONE_TEXT = "All caught up!"
SNAPSHOT_TEXT = "The list moved further down; this is how it looked then."


BadgeColor = Literal["secondary", "warning", "danger"]

ROWS_KEPT = 1024
"""Rows remembered for the next cards (`_row`): ~8 kB each, the cards of ~50 busy users."""
_rows: OrderedDict[tuple[int, str, str, bool, date | None, date], Row] = OrderedDict()
_rows_lock = threading.Lock()  # cards are built on the event loop and in worker threads


def due_label(due: date, today: date) -> str:
    """Describe a due date briefly, e.g. "due today" or "due Fri 28 Nov"."""
    if due == today:
        return "due today"
    text = f"due {due:%a} {due.day} {due:%b}"
    # The year only adds noise while it is the current one.
    return text if due.year == today.year else f"{text} {due.year}"


def due_color(todo: Todo, today: date) -> BadgeColor:
    """Pick the due badge colour: danger when overdue, warning when due today."""
    if todo.is_overdue(today):
        return "danger"
    if not todo.completed and todo.due == today:
        return "warning"
    return "secondary"


def _row(position: int, todo: Todo, today: date) -> Row:
    """Return a todo's row, built once for as long as what it shows stays the same.

    A change rebuilds a card of up to 20 rows, nearly all of them as they were, and building
    one validates its 6-7 widgets (~40 µs). Rows are shared between cards: nothing changes a
    built widget in place (a card is replaced whole, `model_copy(update=...)`).
    """
    key = (position, todo.id, todo.title, todo.completed, todo.due, today)
    with _rows_lock:
        row = _rows.get(key)
        if row is not None:
            _rows.move_to_end(key)
            return row
    row = _new_row(position, todo, today)
    with _rows_lock:
        _rows[key] = row
        while len(_rows) > ROWS_KEPT:
            _rows.popitem(last=False)
    return row


def _new_row(position: int, todo: Todo, today: date) -> Row:
    children: list[WidgetComponent] = [
        Checkbox(
            id=f"todo-check-{todo.id}",
            name="completed",
            defaultChecked=todo.completed,
            onChangeAction=ActionConfig(type=TOGGLE_ACTION, payload={"id": todo.id}),
        ),
        Caption(id=f"todo-position-{todo.id}", value=f"{position}.", color="tertiary"),
        Col(
            flex=1,
            children=[
                Text(
                    id=f"todo-title-{todo.id}",
                    value=todo.title,
                    lineThrough=todo.completed or None,
                    color="secondary" if todo.completed else None,
                )
            ],
        ),
    ]
    if todo.due is not None:
        children.append(
            Badge(
                id=f"todo-due-{todo.id}",
                label=due_label(todo.due, today),
                color=due_color(todo, today),
                size="sm",
            )
        )
    children.append(
        Button(
            id=f"todo-delete-{todo.id}",
            iconStart="lucide:trash-2",
            variant="ghost",
            color="danger",
            size="sm",
            uniform=True,
            onClickAction=ActionConfig(type=DELETE_ACTION, payload={"id": todo.id}),
        )
    )
    return Row(
        key=f"todo-{todo.id}", id=f"todo-row-{todo.id}", align="center", gap=2, children=children
    )


def _add_form(draft: str | None) -> Form:
    return Form(
        id="todo-add-form",
        direction="row",
        gap=2,
        onSubmitAction=ActionConfig(type=ADD_ACTION),
        children=[
            Input(
                id="todo-add-input",
                name="title",
                placeholder="Add a todo…",
                defaultValue=draft or None,
                required=True,
            ),
            Button(id="todo-add-button", label="Add", submit=True, style="primary"),
        ],
    )


def as_page(todos: Sequence[Todo] | TodoPage) -> TodoPage:
    """Treat a whole list as one page, so callers with few todos can pass a plain list."""
    if isinstance(todos, TodoPage):
        return todos
    done = sum(1 for todo in todos if todo.completed)
    return TodoPage(todos=list(todos), total=len(todos), done=done)


def _counts(page: TodoPage) -> list[WidgetComponent]:
    return [
        Badge(id="todo-pending-count", label=f"{page.pending} pending", color="info"),
        Badge(id="todo-done-count", label=f"{page.done} done", color="success"),
    ]


def _undo_strip(note: str, undo: ActionConfig) -> Row:
    return Row(
        id="todo-undo",
        align="center",
        gap=2,
        children=[
            Text(id="todo-undo-text", value=note, size="sm", color="secondary"),
            Spacer(),
            Button(id="todo-undo-button", label="Undo", size="sm", onClickAction=undo),
        ],
    )


def build_todo_card(
    todos: Sequence[Todo] | TodoPage,
    today: date,
    *,
    list_name: str = "My todos",
    live: bool = True,
    error: str | None = None,
    draft: str | None = None,
    undo: tuple[str, ActionConfig] | None = None,
) -> Card:
    """Build the card from the first rows of the list; `live=False` gives the retired stub.

    :param todos: the rows to show (at most CARD_ROWS are drawn), with whole-list counts.
    :param undo: a note and the action that reverts the change just made from this card.
    """
    page = as_page(todos)
    rows = page.todos[:CARD_ROWS]
    more = page.total - page.start - len(rows)
    header = Row(
        id="todo-header",
        align="center",
        gap=2,
        children=[Title(id="todo-list-name", value=list_name, size="sm"), Spacer(), *_counts(page)],
    )
    children: list[WidgetComponent] = [header, _add_form(draft)]
    if error:
        children.append(Text(id="todo-error", value=error, color="danger", size="sm"))
    if undo is not None:
        children.append(_undo_strip(*undo))
    children.append(Divider(id="todo-divider"))
    if not page.total:
        children.append(Text(id="todo-empty", value=EMPTY_TEXT, color="secondary"))
    else:
        if page.done == page.total:
            children.append(Text(id="todo-all-done", value=ALL_DONE_TEXT, color="success"))
        first = page.start + 1
        children.append(
            Col(
                id="todo-list",
                gap=1,
                children=[_row(i, todo, today) for i, todo in enumerate(rows, start=first)],
            )
        )
        if more > 0:
            children.append(
                Caption(
                    id="todo-more",
                    value=f"…and {more} more. The My todos panel shows them all.",
                    color="secondary",
                )
            )
    card = Card(id=CARD_ID, key=LIVE_CARD_KEY, children=children)
    return card if live else retired_card(page)


def retired_card(page: TodoPage) -> Card:
    """Build the stub an older card collapses to: counts only, nothing to click."""
    return Card(
        id=CARD_ID,
        key=SNAPSHOT_CARD_KEY,
        size="sm",
        children=[
            Row(
                id="todo-header",
                align="center",
                gap=2,
                children=[
                    Title(id="todo-list-name", value="My todos", size="sm"),
                    Spacer(),
                    *_counts(page),
                ],
            ),
            Caption(id="todo-snapshot-caption", value=SNAPSHOT_TEXT, color="secondary"),
        ],
    )


def todo_card_copy_text(todos: Sequence[Todo] | TodoPage, rows: int = CARD_ROWS) -> str:
    """Render the first `rows` todos as plain text, as copied from the card, with totals."""
    page = as_page(todos)
    if not page.total:
        return "Your todo list is empty."
    shown = page.todos[:rows]
    lines = []
    for i, todo in enumerate(shown, start=page.start + 1):
        mark = "✅" if todo.completed else "⬜"
        due = f" — due {todo.due.isoformat()}" if todo.due else ""
        lines.append(f"{i}. {mark} {todo.title}{due} (ID: {todo.id})")
    more = page.total - page.start - len(shown)
    if more > 0:
        lines.append(f"…and {more} more")
    noun = "item" if page.total == 1 else "items"
    lines.append("")
    lines.append(f"Total: {page.total} {noun} ({page.done} completed, {page.pending} pending)")
    return "\n".join(lines)


def is_todo_card(widget: Any) -> bool:
    """Tell whether a widget is a todo card, live or snapshot."""
    return getattr(widget, "key", None) in (LIVE_CARD_KEY, SNAPSHOT_CARD_KEY)


def is_live_todo_card(widget: Any) -> bool:
    """Tell whether a widget is the interactive todo card."""
    return getattr(widget, "key", None) == LIVE_CARD_KEY
