"""Answer clicks on the todo card: update the data, redraw the card, tell the model."""

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from typing import Any
from weakref import WeakValueDictionary

from chatkit.types import (
    HiddenContextItem,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadStreamEvent,
    WidgetItem,
)
from chatkit.widgets import Card

from chatkit_bridge.use_case import ActionRequest
from use_cases.todo.card_changes import apply_action
from use_cases.todo.changes import CHANGE_CARD_KEY, UNDO_ACTION, undone_card
from use_cases.todo.data import TodoRepository
from use_cases.todo.live_card import find_live_card
from use_cases.todo.widgets import (
    CARD_ROWS,
    REFRESH_ACTION,
    build_todo_card,
    is_live_todo_card,
    todo_card_copy_text,
)

# One card update at a time per thread: a refresh that read the list just before a click's
# change must not overwrite the card that click produced. Locks vanish when unused.
_thread_locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()
_UNDO_STRIP = "todo-undo"


def _thread_lock(thread_id: str) -> asyncio.Lock:
    lock = _thread_locks.get(thread_id)
    if lock is None:
        lock = _thread_locks[thread_id] = asyncio.Lock()
    return lock


async def handle_todo_action(
    request: ActionRequest,
    repository: TodoRepository,
    today: Callable[[], date] = date.today,
) -> AsyncIterator[ThreadStreamEvent]:
    """Apply a card action, then replace the card and leave a note for the model."""
    # Held until the events are handed over, so the next action of the thread reads newer data.
    async with _thread_lock(request.thread.id):
        if request.action.type == REFRESH_ACTION:
            events = refresh_card(request, repository, today)
        else:
            events = _apply_and_redraw(request, repository, today)
        async for event in events:
            yield event


async def _apply_and_redraw(
    request: ActionRequest, repository: TodoRepository, today: Callable[[], date]
) -> AsyncIterator[ThreadStreamEvent]:
    user_id = request.context.user_id
    payload = request.action.payload if isinstance(request.action.payload, dict) else {}
    outcome = await asyncio.to_thread(
        apply_action, repository, user_id, request.action.type, payload
    )
    page = await asyncio.to_thread(repository.page, user_id, CARD_ROWS)
    card = build_todo_card(
        page, today(), error=outcome.error, draft=outcome.draft, undo=outcome.undo
    )
    copy_text = todo_card_copy_text(page)
    sender = request.sender
    if sender is not None and getattr(sender.widget, "key", None) == CHANGE_CARD_KEY:
        # An Undo on a confirmation: strike the line through and update the list where it is.
        if request.action.type == UNDO_ACTION and outcome.error is None:
            text = _text_of(sender.widget, "todo-change-text") or "The change"
            yield ThreadItemReplacedEvent(
                item=sender.model_copy(update={"widget": undone_card(text)})
            )
        sender = None
    async for event in _show_card(request, sender, card, copy_text):
        yield event
    # Without a sender nobody clicked: the bridge replays an undo on edit and tells the model.
    if outcome.note and request.sender is not None:
        thread, store, context = request.thread, request.store, request.context
        yield ThreadItemDoneEvent(
            item=HiddenContextItem(
                id=store.generate_item_id("message", thread, context),
                thread_id=thread.id,
                created_at=datetime.now(),
                content=outcome.note,
            )
        )


async def _show_card(
    request: ActionRequest, sender: WidgetItem | None, card: Card, copy_text: str
) -> AsyncIterator[ThreadStreamEvent]:
    """Put the redrawn card in place of the live one, or add it (not for an Undo)."""
    thread, store, context = request.thread, request.store, request.context
    if sender is None or not is_live_todo_card(sender.widget):
        # Sent from a confirmation, an old card or no widget at all (an edit undoing a turn):
        # the list to update is the thread's live card, wherever it is.
        sender = await find_live_card(store, thread, context)
    if sender is not None:
        # Replacing (not updating) the item makes the server persist the new card.
        yield ThreadItemReplacedEvent(
            item=sender.model_copy(update={"widget": card, "copy_text": copy_text})
        )
    elif request.action.type != UNDO_ACTION:
        yield ThreadItemDoneEvent(
            item=WidgetItem(
                id=store.generate_item_id("message", thread, context),
                thread_id=thread.id,
                created_at=datetime.now(),
                widget=card,
                copy_text=copy_text,
            )
        )


def _text_of(widget: Any, component_id: str) -> str | None:
    """Find a Text component's value in a widget, whatever class it was reloaded as."""
    found = _component(widget.model_dump(mode="json"), component_id)
    return found.get("value") if found else None


def _component(node: Any, component_id: str) -> dict[str, Any] | None:
    if not isinstance(node, dict):
        return None
    if node.get("id") == component_id:
        return node
    for child in node.get("children") or []:
        if (found := _component(child, component_id)) is not None:
            return found
    return None


def _without_undo(node: Any) -> Any:
    """Drop the undo strip from a serialized card, to compare what the list shows."""
    if isinstance(node, dict):
        children = node.get("children")
        if isinstance(children, list):
            kept = [_without_undo(c) for c in children if _component_id(c) != _UNDO_STRIP]
            return {**node, "children": kept}
    return node


def _component_id(node: Any) -> Any:
    return node.get("id") if isinstance(node, dict) else None


async def refresh_card(
    request: ActionRequest,
    repository: TodoRepository,
    today: Callable[[], date] = date.today,
) -> AsyncIterator[ThreadStreamEvent]:
    """Redraw the live card after a change made elsewhere (panel, tab); never an equal one."""
    sender = request.sender
    if sender is None or not is_live_todo_card(sender.widget):
        # The newest widget may be a confirmation: the live list card is further up.
        sender = await find_live_card(request.store, request.thread, request.context)
    if sender is None:
        return
    page = await asyncio.to_thread(repository.page, request.context.user_id, CARD_ROWS)
    card = build_todo_card(page, today())
    # After the page's own turn or click the card already shows this data: writing it again
    # would only rewrite the thread.
    shown = _without_undo(sender.widget.model_dump(mode="json", exclude_none=True))
    if shown == card.model_dump(mode="json", exclude_none=True):
        return
    yield ThreadItemReplacedEvent(
        item=sender.model_copy(update={"widget": card, "copy_text": todo_card_copy_text(page)})
    )
