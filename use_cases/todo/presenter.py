"""How the todo tools show their work: one-line confirmations and one live list card."""

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from chatkit.agents import AgentContext
from chatkit.server import stream_widget
from chatkit.types import ThreadItemDoneEvent, ThreadItemReplacedEvent, UserMessageItem, WidgetItem
from chatkit.widgets import WidgetRoot

from chatkit_bridge.context import RequestContext
from chatkit_bridge.turn_effects import answered_message_id
from use_cases.todo.changes import ChangeKind, Undo, change_card
from use_cases.todo.data import TodoRepository
from use_cases.todo.live_card import find_live_card, retired
from use_cases.todo.models import TodoPage
from use_cases.todo.widgets import CARD_ROWS, build_todo_card, todo_card_copy_text

# How many threads' latest turns to remember; only the running turn of a thread matters.
_TURN_MEMORY = 256
# The user message a turn answers is among the newest items (tool output follows it).
_ORIGIN_LOOKBACK = 40


@dataclass
class _Turn:
    """The list card shown or updated during one agent turn in a thread."""

    context: AgentContext[RequestContext]
    # Tools called in parallel must not both add "the" card of the turn.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    item: WidgetItem | None = None


class TodoCardPresenter:
    """Keep one live list card per thread, and confirm each change in one line."""

    def __init__(self, repository: TodoRepository, today: Callable[[], date]) -> None:
        self._repository = repository
        self._today = today
        self._turns: OrderedDict[str, _Turn] = OrderedDict()  # by thread id

    def _turn(self, context: AgentContext[RequestContext]) -> _Turn:
        thread = context.thread
        turn = self._turns.get(thread.id)
        if turn is None or turn.context is not context:
            # Registered before any await, so parallel tool calls share the entry.
            turn = self._turns[thread.id] = _Turn(context)
            self._turns.move_to_end(thread.id)
            while len(self._turns) > _TURN_MEMORY:
                self._turns.popitem(last=False)
        return turn

    async def show(self, context: AgentContext[RequestContext], *, move: bool = True) -> TodoPage:
        """Bring the list card up to date: at the end of the thread (`move`) or where it is.

        :return: the page the card shows, with whole-list counts.
        """
        turn = self._turn(context)
        async with turn.lock:
            user_id = context.request_context.user_id
            # Read right here when the list is in memory (most turns): a worker thread's round
            # trip costs more than that read.
            page = self._repository.page_here(user_id, CARD_ROWS)
            if page is None:
                page = await asyncio.to_thread(self._repository.page, user_id, CARD_ROWS)
            card = build_todo_card(page, self._today())
            update = {"widget": card, "copy_text": todo_card_copy_text(page)}
            live = turn.item
            if live is None:
                live = await find_live_card(context.store, context.thread, context.request_context)
                if not move:
                    turn.item = live
            if turn.item is not None:
                # Several tools in one turn, or a change after "show my list", update one card.
                turn.item = turn.item.model_copy(update=update)
                await context.stream(ThreadItemReplacedEvent(item=turn.item))
                return page
            if live is not None:
                await context.stream(retired(live))  # the list moves down: one live card
            turn.item = await self._stream_widget(context, card, update["copy_text"])
            return page

    async def confirm(
        self, context: AgentContext[RequestContext], kind: ChangeKind, text: str, undo: Undo | None
    ) -> None:
        """Confirm a change in one line with Undo, then update the live list card."""
        await self._stream_widget(context, change_card(kind, text, undo), text)
        await self.show(context, move=False)

    @staticmethod
    async def _stream_widget(
        context: AgentContext[RequestContext], widget: WidgetRoot, copy_text: str
    ) -> WidgetItem | None:
        item_id = context.generate_id("message")
        done: WidgetItem | None = None
        # Same events as AgentContext.stream_widget, but we need the item to update it later.
        async for event in stream_widget(context.thread, widget, copy_text, lambda _: item_id):
            if isinstance(event, ThreadItemDoneEvent) and isinstance(event.item, WidgetItem):
                done = event.item
            await context.stream(event)
        return done


async def turn_origin(context: AgentContext[RequestContext]) -> str | None:
    """Name the turn being answered by its user message, the same on a retry of that turn."""
    message_id = answered_message_id()  # known inside a reply; actions read the thread
    if message_id is not None:
        return f"{context.thread.id}/{message_id}"
    page = await context.store.load_thread_items(
        context.thread.id, None, _ORIGIN_LOOKBACK, "desc", context.request_context
    )
    for item in page.data:
        if isinstance(item, UserMessageItem):
            return f"{context.thread.id}/{item.id}"
    return None
