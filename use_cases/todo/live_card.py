"""Where a thread's live todo card is, and how an older one collapses when a newer one shows."""

from typing import Any

from chatkit.store import Store
from chatkit.types import ThreadItemReplacedEvent, ThreadMetadata, WidgetItem
from chatkit.widgets import WidgetRoot

from use_cases.todo.models import TodoPage
from use_cases.todo.widgets import is_live_todo_card, is_todo_card, retired_card

RETIRE_PAGE_SIZE = 20
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
    after: str | None = None
    seen = 0
    while seen < LIVE_CARD_LOOKBACK:
        page = await store.load_thread_items(thread.id, after, RETIRE_PAGE_SIZE, "desc", context)
        for item in page.data:
            if isinstance(item, WidgetItem) and is_todo_card(item.widget):
                return item if is_live_todo_card(item.widget) else None
        seen += len(page.data)
        if not page.has_more or page.after is None:
            return None
        after = page.after
    return None


async def retire_live_cards(
    store: Store[Any], thread: ThreadMetadata, context: Any
) -> list[ThreadItemReplacedEvent]:
    """Return events that collapse the thread's live todo card into a stub."""
    item = await find_live_card(store, thread, context)
    if item is None:
        return []
    snapshot = snapshot_widget(item.widget)
    copy_text = "An earlier view of the todo list."
    return [
        ThreadItemReplacedEvent(
            item=item.model_copy(update={"widget": snapshot, "copy_text": copy_text})
        )
    ]
