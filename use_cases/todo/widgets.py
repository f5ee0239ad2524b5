"""The todo card: a live, interactive list widget and its read-only snapshot."""

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from chatkit.actions import ActionConfig
from chatkit.store import Store
from chatkit.types import ThreadItemReplacedEvent, ThreadMetadata, WidgetItem
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
    WidgetRoot,
)
from pydantic import TypeAdapter

from use_cases.todo.models import Todo

LIVE_CARD_KEY = "todo-card"
SNAPSHOT_CARD_KEY = "todo-card-snapshot"
RETIRE_PAGE_SIZE = 20
CARD_ID = "todo-card"

ADD_ACTION = "todo.add"
TOGGLE_ACTION = "todo.toggle"
DELETE_ACTION = "todo.delete"
RENAME_ACTION = "todo.rename"
REFRESH_ACTION = "todo.refresh"

EMPTY_TEXT = "Nothing to do yet — add your first todo"
ALL_DONE_TEXT = "All caught up!"
SNAPSHOT_TEXT = "Earlier snapshot"

_ACTION_FIELDS = ("onClickAction", "onChangeAction", "onSubmitAction")
_CONTROL_TYPES = {"Checkbox", "Input", "Textarea", "Select", "DatePicker", "RadioGroup", "Button"}
_root_adapter: TypeAdapter[WidgetRoot] = TypeAdapter(WidgetRoot)

BadgeColor = Literal["secondary", "warning", "danger"]


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


def build_todo_card(
    todos: Sequence[Todo],
    today: date,
    *,
    list_name: str = "My todos",
    live: bool = True,
    error: str | None = None,
    draft: str | None = None,
) -> Card:
    """Build the todo card; `live=False` gives the read-only snapshot."""
    done = sum(1 for todo in todos if todo.completed)
    children: list[WidgetComponent] = [
        Row(
            id="todo-header",
            align="center",
            gap=2,
            children=[
                Title(id="todo-list-name", value=list_name, size="sm"),
                Spacer(),
                Badge(id="todo-pending-count", label=f"{len(todos) - done} pending", color="info"),
                Badge(id="todo-done-count", label=f"{done} done", color="success"),
            ],
        ),
        _add_form(draft),
    ]
    if error:
        children.append(Text(id="todo-error", value=error, color="danger", size="sm"))
    children.append(Divider(id="todo-divider"))
    if not todos:
        children.append(Text(id="todo-empty", value=EMPTY_TEXT, color="secondary"))
    else:
        if done == len(todos):
            children.append(Text(id="todo-all-done", value=ALL_DONE_TEXT, color="success"))
        children.append(
            Col(
                id="todo-list",
                gap=1,
                children=[_row(i, todo, today) for i, todo in enumerate(todos, start=1)],
            )
        )
    card = Card(id=CARD_ID, key=LIVE_CARD_KEY, children=children)
    if live:
        return card
    snapshot = snapshot_widget(card)
    assert isinstance(snapshot, Card)
    return snapshot


def todo_card_copy_text(todos: Sequence[Todo]) -> str:
    """Render the list as plain text, as copied from the card."""
    if not todos:
        return "Your todo list is empty."
    lines = []
    for i, todo in enumerate(todos, start=1):
        mark = "✅" if todo.completed else "⬜"
        due = f" — due {todo.due.isoformat()}" if todo.due else ""
        lines.append(f"{i}. {mark} {todo.title}{due} (ID: {todo.id})")
    done = sum(1 for todo in todos if todo.completed)
    noun = "item" if len(todos) == 1 else "items"
    lines.append("")
    lines.append(f"Total: {len(todos)} {noun} ({done} completed, {len(todos) - done} pending)")
    return "\n".join(lines)


def is_todo_card(widget: Any) -> bool:
    """Tell whether a widget is a todo card, live or snapshot."""
    return getattr(widget, "key", None) in (LIVE_CARD_KEY, SNAPSHOT_CARD_KEY)


def is_live_todo_card(widget: Any) -> bool:
    """Tell whether a widget is the interactive todo card."""
    return getattr(widget, "key", None) == LIVE_CARD_KEY


def _freeze(node: dict[str, Any]) -> dict[str, Any] | None:
    """Strip actions and interactive parts from one serialized component."""
    kind = node.get("type")
    # The form and the delete buttons make no sense in a read-only copy.
    if kind in ("Form", "Button") or node.get("id") == "todo-error":
        return None
    node = {k: v for k, v in node.items() if k not in _ACTION_FIELDS}
    if kind in _CONTROL_TYPES:
        node["disabled"] = True
    children = node.get("children")
    if isinstance(children, list):
        node["children"] = [c for c in (_freeze(child) for child in children) if c is not None]
    elif isinstance(children, dict):
        node["children"] = _freeze(children)
    return node


def snapshot_widget(widget: WidgetRoot) -> WidgetRoot:
    """Turn a live todo card into a read-only snapshot with no actions."""
    if not is_live_todo_card(widget):
        return widget
    # Work on the JSON form so that reloaded (dynamic) widgets are handled the same way.
    frozen = _freeze(widget.model_dump(mode="json", exclude_none=True)) or {}
    frozen["key"] = SNAPSHOT_CARD_KEY
    caption = {
        "type": "Caption",
        "id": "todo-snapshot-caption",
        "value": SNAPSHOT_TEXT,
        "color": "secondary",
    }
    frozen["children"] = [*frozen.get("children", [])[:1], caption, *frozen["children"][1:]]
    return _root_adapter.validate_python(frozen)


async def retire_live_cards(
    store: Store[Any], thread: ThreadMetadata, context: Any, *, keep: str | None = None
) -> list[ThreadItemReplacedEvent]:
    """Return events that turn the thread's live todo card (except `keep`) into a snapshot."""
    # Every card is retired when a newer one is shown, so only the newest todo card can still
    # be live: stop there instead of reading the whole thread on every turn.
    after: str | None = None
    while True:
        page = await store.load_thread_items(thread.id, after, RETIRE_PAGE_SIZE, "desc", context)
        for item in page.data:
            if not isinstance(item, WidgetItem) or item.id == keep:
                continue
            if is_live_todo_card(item.widget):
                snapshot = snapshot_widget(item.widget)
                return [ThreadItemReplacedEvent(item=item.model_copy(update={"widget": snapshot}))]
            if is_todo_card(item.widget):
                return []
        if not page.has_more or page.after is None:
            return []
        after = page.after
