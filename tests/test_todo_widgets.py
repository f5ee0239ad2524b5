"""The todo card: content, states, snapshots and a faithful JSON round trip."""

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ThreadItem,
    ThreadMetadata,
    WidgetItem,
)
from chatkit.widgets import DynamicWidgetRoot
from pydantic import TypeAdapter

from chatkit_bridge.context import RequestContext
from chatkit_bridge.store import TinyDBStore
from use_cases.todo.live_card import find_live_card, retired, snapshot_widget
from use_cases.todo.models import Todo, TodoPage
from use_cases.todo.widgets import (
    ALL_DONE_TEXT,
    CARD_ROWS,
    EMPTY_TEXT,
    SNAPSHOT_TEXT,
    build_todo_card,
    due_label,
    is_live_todo_card,
    is_todo_card,
    todo_card_copy_text,
)

TODAY = date(2025, 11, 28)  # a Friday


def todo(todo_id: str, title: str, *, done: bool = False, due: date | None = None) -> Todo:
    """Make a todo record."""
    return Todo(id=todo_id, title=title, completed=done, created_at=datetime(2025, 11, 1), due=due)


def nodes(widget: Any) -> list[dict[str, Any]]:
    """Return every component of a widget, depth first, in JSON form."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.append(node)
            children = node.get("children")
            for child in children if isinstance(children, list) else [children]:
                walk(child)

    walk(widget.model_dump(mode="json"))
    return found


def by_id(widget: Any, component_id: str) -> dict[str, Any]:
    """Return the component with the given id."""
    matches = [node for node in nodes(widget) if node.get("id") == component_id]
    assert len(matches) == 1, component_id
    return matches[0]


def has_id(widget: Any, component_id: str) -> bool:
    """Tell whether a component with this id exists."""
    return any(node.get("id") == component_id for node in nodes(widget))


@pytest.fixture
def todos() -> list[Todo]:
    return [
        todo("todo_aaaaaa", "buy groceries", done=True),
        todo("todo_bbbbbb", "finish report", due=TODAY - timedelta(days=2)),
        todo("todo_cccccc", "call mom", due=TODAY),
        todo("todo_dddddd", "book dentist", due=TODAY + timedelta(days=5)),
    ]


def test_badges_count_pending_and_done(todos: list[Todo]) -> None:
    card = build_todo_card(todos, TODAY)
    assert card.key == "todo-card" and card.id == "todo-card"
    assert by_id(card, "todo-list-name")["value"] == "My todos"
    assert by_id(card, "todo-pending-count")["label"] == "3 pending"
    assert by_id(card, "todo-done-count")["label"] == "1 done"
    assert build_todo_card(todos, TODAY, list_name="Work").children[0].children[0].value == "Work"


def test_rows_carry_checkbox_title_and_delete_actions(todos: list[Todo]) -> None:
    card = build_todo_card(todos, TODAY)
    check = by_id(card, "todo-check-todo_aaaaaa")
    assert check["defaultChecked"] is True
    assert check["onChangeAction"]["type"] == "todo.toggle"
    assert check["onChangeAction"]["payload"] == {"id": "todo_aaaaaa"}
    assert by_id(card, "todo-check-todo_bbbbbb")["defaultChecked"] is False
    delete = by_id(card, "todo-delete-todo_bbbbbb")
    assert delete["onClickAction"] == {
        "type": "todo.delete",
        "payload": {"id": "todo_bbbbbb"},
        "handler": "server",
        "loadingBehavior": "auto",
        "streaming": True,
    }
    rows = [node for node in nodes(card) if node.get("key", "").startswith("todo-todo_")]
    assert [row["key"] for row in rows] == [f"todo-{t.id}" for t in todos]
    assert by_id(card, "todo-position-todo_cccccc")["value"] == "3."


def test_done_todos_are_struck_through(todos: list[Todo]) -> None:
    card = build_todo_card(todos, TODAY)
    assert by_id(card, "todo-title-todo_aaaaaa")["lineThrough"] is True
    assert "lineThrough" not in by_id(card, "todo-title-todo_bbbbbb")


def test_due_badges_colour_overdue_today_and_later(todos: list[Todo]) -> None:
    card = build_todo_card(todos, TODAY)
    overdue = by_id(card, "todo-due-todo_bbbbbb")
    assert overdue["color"] == "danger" and overdue["label"] == "due Wed 26 Nov"
    assert by_id(card, "todo-due-todo_cccccc") == {
        "id": "todo-due-todo_cccccc",
        "type": "Badge",
        "label": "due today",
        "color": "warning",
        "size": "sm",
    }
    assert by_id(card, "todo-due-todo_dddddd")["color"] == "secondary"
    assert not has_id(card, "todo-due-todo_aaaaaa")
    # A finished todo is never overdue.
    late_but_done = todo("todo_eeeeee", "pay rent", done=True, due=TODAY - timedelta(days=9))
    late_card = build_todo_card([late_but_done], TODAY)
    assert by_id(late_card, "todo-due-todo_eeeeee")["color"] == "secondary"
    assert due_label(date(2026, 1, 2), TODAY) == "due Fri 2 Jan 2026"


def test_a_card_built_again_shows_every_change_of_a_row(todos: list[Todo]) -> None:
    """Rows are remembered between cards: each thing a row shows must make a new one."""
    milk = todo("todo_ffffff", "buy milk", due=TODAY + timedelta(days=1))
    before = build_todo_card([milk], TODAY)
    assert build_todo_card([milk], TODAY) == before  # nothing changed: the same card

    renamed = build_todo_card([milk.model_copy(update={"title": "buy oat milk"})], TODAY)
    assert by_id(renamed, "todo-title-todo_ffffff")["value"] == "buy oat milk"
    ticked = build_todo_card([milk.model_copy(update={"completed": True})], TODAY)
    assert by_id(ticked, "todo-check-todo_ffffff")["defaultChecked"] is True
    assert by_id(ticked, "todo-title-todo_ffffff")["lineThrough"] is True
    moved_due = build_todo_card([milk.model_copy(update={"due": TODAY})], TODAY)
    assert by_id(moved_due, "todo-due-todo_ffffff")["label"] == "due today"
    no_due = build_todo_card([milk.model_copy(update={"due": None})], TODAY)
    assert not has_id(no_due, "todo-due-todo_ffffff")
    next_day = build_todo_card([milk], TODAY + timedelta(days=1))  # overnight
    assert by_id(next_day, "todo-due-todo_ffffff")["label"] == "due today"
    below = build_todo_card([*todos, milk], TODAY)
    assert by_id(below, "todo-position-todo_ffffff")["value"] == "5."
    other = build_todo_card([milk.model_copy(update={"id": "todo_gggggg"})], TODAY)
    assert has_id(other, "todo-row-todo_gggggg") and not has_id(other, "todo-row-todo_ffffff")
    assert build_todo_card([milk], TODAY) == before


def test_add_form_submits_the_title() -> None:
    card = build_todo_card([], TODAY)
    form = by_id(card, "todo-add-form")
    assert form["type"] == "Form" and form["onSubmitAction"]["type"] == "todo.add"
    field = by_id(card, "todo-add-input")
    assert field["name"] == "title" and field["placeholder"] == "Add a todo…"
    button = by_id(card, "todo-add-button")
    assert button["submit"] is True and button["label"] == "Add"


def test_empty_state() -> None:
    card = build_todo_card([], TODAY)
    assert by_id(card, "todo-empty")["value"] == EMPTY_TEXT
    assert by_id(card, "todo-pending-count")["label"] == "0 pending"
    assert not has_id(card, "todo-list") and not has_id(card, "todo-all-done")


def test_all_caught_up_only_when_everything_is_done(todos: list[Todo]) -> None:
    assert not has_id(build_todo_card(todos, TODAY), "todo-all-done")
    finished = [t.model_copy(update={"completed": True}) for t in todos]
    card = build_todo_card(finished, TODAY)
    assert by_id(card, "todo-all-done")["value"] == ALL_DONE_TEXT
    assert not has_id(card, "todo-empty")


def test_error_and_draft_are_shown_in_place() -> None:
    card = build_todo_card([], TODAY, error="A todo needs a title.", draft="x" * 3)
    assert by_id(card, "todo-error")["value"] == "A todo needs a title."
    assert by_id(card, "todo-add-input")["defaultValue"] == "xxx"


@pytest.mark.parametrize(
    "title", ["<script>alert('x')</script>", "Füße waschen 🧦 — 今日", "  spaced  **bold**"]
)
def test_titles_are_kept_exactly(title: str) -> None:
    card = build_todo_card([todo("todo_ffffff", title)], TODAY)
    assert by_id(card, "todo-title-todo_ffffff")["value"] == title
    assert f"⬜ {title} (ID: todo_ffffff)" in todo_card_copy_text([todo("todo_ffffff", title)])


def test_an_older_card_collapses_to_counts_with_nothing_to_click(todos: list[Todo]) -> None:
    snapshot = build_todo_card(todos, TODAY, live=False)
    assert is_todo_card(snapshot) and not is_live_todo_card(snapshot)
    everything = nodes(snapshot)
    action_keys = {"onClickAction", "onChangeAction", "onSubmitAction"}
    assert not [node for node in everything if action_keys & node.keys()]
    controls = ("Form", "Button", "Input", "Checkbox")
    assert not [node for node in everything if node["type"] in controls]
    assert by_id(snapshot, "todo-snapshot-caption")["value"] == SNAPSHOT_TEXT
    assert by_id(snapshot, "todo-done-count")["label"] == "1 done"
    assert by_id(snapshot, "todo-pending-count")["label"] == "3 pending"
    assert not has_id(snapshot, "todo-title-todo_aaaaaa")


def test_snapshot_of_a_reloaded_dynamic_card_matches(todos: list[Todo]) -> None:
    live = build_todo_card(todos, TODAY)
    reloaded = DynamicWidgetRoot.model_validate(live.model_dump(mode="json"))
    assert is_live_todo_card(reloaded)
    expected = build_todo_card(todos, TODAY, live=False).model_dump(mode="json")
    assert snapshot_widget(reloaded).model_dump(mode="json") == expected
    # Anything that is not a live todo card is left alone.
    again = snapshot_widget(build_todo_card(todos, TODAY, live=False))
    assert again.model_dump(mode="json") == expected


def test_a_long_list_shows_its_first_rows_and_counts_the_rest() -> None:
    rows = [todo(f"todo_{n:06x}", f"task {n}", done=n % 4 == 0) for n in range(CARD_ROWS)]
    page = TodoPage(todos=rows, total=10_000, done=2_500)
    card = build_todo_card(page, TODAY)
    assert by_id(card, "todo-pending-count")["label"] == "7500 pending"
    assert by_id(card, "todo-done-count")["label"] == "2500 done"
    assert len(by_id(card, "todo-list")["children"]) == CARD_ROWS
    assert by_id(card, "todo-more")["value"].startswith(f"…and {10_000 - CARD_ROWS} more")
    copy_text = todo_card_copy_text(page)
    assert f"…and {10_000 - CARD_ROWS} more" in copy_text
    assert "Total: 10000 items (2500 completed, 7500 pending)" in copy_text
    # Whatever the list's length, a stored card stays this small.
    assert len(card.model_dump_json()) < 40_000
    small = build_todo_card(rows[:3], TODAY)
    assert not has_id(small, "todo-more")


@pytest.mark.parametrize("live", [True, False])
def test_card_round_trips_as_a_thread_item(todos: list[Todo], live: bool) -> None:
    card = build_todo_card(todos, TODAY, live=live, error="oops")
    item = WidgetItem(
        id="msg_1",
        thread_id="thr_1",
        created_at=datetime(2025, 11, 28, 9),
        widget=card,
        copy_text=todo_card_copy_text(todos),
    )
    dumped = item.model_dump(mode="json")
    restored = TypeAdapter(ThreadItem).validate_python(dumped)
    assert isinstance(restored, WidgetItem)
    assert restored.model_dump(mode="json") == dumped
    assert restored.widget == card


def test_copy_text_lists_todos_like_the_original_app(todos: list[Todo]) -> None:
    assert todo_card_copy_text(todos[:2]).splitlines() == [
        "1. ✅ buy groceries (ID: todo_aaaaaa)",
        "2. ⬜ finish report — due 2025-11-26 (ID: todo_bbbbbb)",
        "",
        "Total: 2 items (1 completed, 1 pending)",
    ]
    assert todo_card_copy_text([]) == "Your todo list is empty."


async def test_the_live_card_is_retired_however_far_back_it_is(tmp_path: Path) -> None:
    store, context = TinyDBStore(tmp_path), RequestContext(user_id="alice")
    thread = ThreadMetadata(id="thr_far", created_at=datetime(2026, 11, 26, 9))
    await store.save_thread(thread, context)
    today = date(2026, 11, 26)

    async def add(item_id: str, minute: int, live: bool) -> None:
        card = build_todo_card([todo("todo_aaaaaa", "a")], today, live=live)
        at = datetime(2026, 11, 26, 9, minute)
        item = WidgetItem(id=item_id, thread_id=thread.id, created_at=at, widget=card)
        await store.add_thread_item(thread.id, item, context)

    await add("old_snapshot", 0, live=False)
    await add("live_card", 1, live=True)
    for n in range(45):  # replies without a card push the live one past two pages
        reply = AssistantMessageItem(
            id=f"msg_{n}",
            thread_id=thread.id,
            created_at=datetime(2026, 11, 26, 10, n),
            content=[AssistantMessageContent(text=f"reply {n}")],
        )
        await store.add_thread_item(thread.id, reply, context)

    live = await find_live_card(store, thread, context)
    assert live is not None and live.id == "live_card"
    assert not is_live_todo_card(retired(live).item.widget)
