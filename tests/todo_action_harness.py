"""Clicks on a todo card through TodoUseCase.handle_action, stored the way ChatKitServer does."""

from datetime import date, datetime
from pathlib import Path
from typing import Any

from chatkit.actions import Action
from chatkit.types import (
    HiddenContextItem,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    WidgetItem,
)

from chatkit_bridge.context import RequestContext
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.use_case import ActionRequest
from use_cases.todo.data import TodoRepository
from use_cases.todo.models import Todo
from use_cases.todo.use_case import TodoUseCase
from use_cases.todo.widgets import build_todo_card, todo_card_copy_text

TODAY = date(2025, 11, 28)


def component(widget: Any, component_id: str) -> dict[str, Any] | None:
    """Return the JSON of the component with this id, or None."""

    def walk(node: Any) -> dict[str, Any] | None:
        if not isinstance(node, dict):
            return None
        if node.get("id") == component_id:
            return node
        children = node.get("children")
        for child in children if isinstance(children, list) else [children]:
            if (found := walk(child)) is not None:
                return found
        return None

    return walk(widget.model_dump(mode="json"))


async def handle_and_store(
    use_case: TodoUseCase, request: ActionRequest
) -> list[ThreadStreamEvent]:
    """Run one action and persist the items it emits the way ChatKitServer does."""
    events = []
    async for event in use_case.handle_action(request):
        if isinstance(event, ThreadItemDoneEvent):
            await request.store.add_thread_item(request.thread.id, event.item, request.context)
        elif isinstance(event, ThreadItemReplacedEvent):
            await request.store.save_item(request.thread.id, event.item, request.context)
        events.append(event)
    return events


class Harness:
    """A thread with a live todo card, and a way to click on it."""

    def __init__(self, tmp_path: Path) -> None:
        self.repo = TodoRepository(tmp_path / "todos")
        self.store = TinyDBStore(tmp_path / "store")
        self.use_case = TodoUseCase(self.repo, today=lambda: TODAY)
        self.context = RequestContext(user_id="alice")
        self.thread = ThreadMetadata(id="thr_actions", created_at=datetime.now())

    async def show_card(self, *, live: bool = True) -> WidgetItem:
        """Store a todo card for the current list, as a tool would have shown it."""
        todos = self.repo.list("alice")
        item = WidgetItem(
            id=self.store.generate_item_id("message", self.thread, self.context),
            thread_id=self.thread.id,
            created_at=datetime.now(),
            widget=build_todo_card(todos, TODAY, live=live),
            copy_text=todo_card_copy_text(todos),
        )
        await self.store.add_thread_item(self.thread.id, item, self.context)
        return item

    async def click(
        self, kind: str, payload: dict[str, Any] | None, sender: WidgetItem | None
    ) -> list[ThreadStreamEvent]:
        """Send one action and persist its events the way ChatKitServer does."""
        action: Action[str, Any] = Action(type=kind, payload=payload)
        request = ActionRequest(self.thread, action, sender, self.context, self.store)
        return await handle_and_store(self.use_case, request)

    async def stored(self, item_id: str) -> WidgetItem:
        """Reload a widget item from the store."""
        item = await self.store.load_item(self.thread.id, item_id, self.context)
        assert isinstance(item, WidgetItem)
        return item

    def todo(self, title: str) -> Todo:
        """Return alice's todo with this title."""
        return next(t for t in self.repo.list("alice") if t.title == title)


def replaced_card(events: list[ThreadStreamEvent]) -> WidgetItem:
    """Return the single card replaced by an action."""
    (item,) = [e.item for e in events if isinstance(e, ThreadItemReplacedEvent)]
    assert isinstance(item, WidgetItem)
    return item


def notes(events: list[ThreadStreamEvent]) -> list[str]:
    """Return the hidden-context notes an action left for the model."""
    return [
        e.item.content
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, HiddenContextItem)
    ]
