"""Where a thread's live todo card is, and how an older one collapses when a newer one shows."""

from typing import Any

from chatkit.store import Store
from chatkit.types import ThreadItemReplacedEvent, ThreadMetadata, WidgetItem
from chatkit.widgets import WidgetRoot

from chatkit_bridge.newest_widget import find_newest_widget
from use_cases.todo.models import TodoPage
from use_cases.todo.widgets import (
    LIVE_CARD_KEY,
    SNAPSHOT_CARD_KEY,
    is_live_todo_card,
    retired_card,
)

CARD_KEYS = (LIVE_CARD_KEY, SNAPSHOT_CARD_KEY)
# How far back a turn looks for the live card before it shows a new one: bounded, so a turn
# never reads a long thread; past it the list is far out of sight anyway.
LIVE_CARD_LOOKBACK = 60


def _label(node: Any, component_id: str) -> str | None:
    """Find a component's label in a widget tree: built, or reloaded (dynamic) widgets alike."""
    if getattr(node, "id", None) == component_id:
        return getattr(node, "label", None)
    for child in getattr(node, "children", None) or []:
        if (found := _label(child, component_id)) is not None:
            return found
    return None


def snapshot_widget(widget: WidgetRoot) -> WidgetRoot:
    """Collapse a live todo card into its stub, keeping the counts it showed."""
    if not is_live_todo_card(widget):
        return widget
    # The counts are read from the objects: serialising a whole card took ~1 ms.
    numbers = []
    for component_id in ("todo-pending-count", "todo-done-count"):
        label = _label(widget, component_id) or "0"
        numbers.append(int(label.split()[0]) if label.split()[0].isdigit() else 0)
    pending, done = numbers
    return retired_card(TodoPage(todos=[], total=pending + done, done=done))


async def find_live_card(
    store: Store[Any], thread: ThreadMetadata, context: Any
) -> WidgetItem | None:
    """Return the thread's live todo card if it is among the newest items, else None."""
    # Every card is retired when a newer one is shown, so only the newest todo card can still
    # be live: stop there, and give up after a bounded look back.
    item = await find_newest_widget(store, thread.id, CARD_KEYS, LIVE_CARD_LOOKBACK, context)
    return item if item is not None and is_live_todo_card(item.widget) else None


def retired(item: WidgetItem) -> ThreadItemReplacedEvent:
    """Return the event that collapses a live todo card into a stub."""
    snapshot = snapshot_widget(item.widget)
    copy_text = "An earlier view of the todo list."
    return ThreadItemReplacedEvent(
        item=item.model_copy(update={"widget": snapshot, "copy_text": copy_text})
    )
