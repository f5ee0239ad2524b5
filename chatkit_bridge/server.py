"""A ChatKit server that any use case plugs into: agent turns, actions, titles, feedback."""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from typing import Any

from chatkit.actions import Action
from chatkit.server import ChatKitServer, NonStreamingResult, StreamingResult
from chatkit.store import Store
from chatkit.types import (
    ChatKitReq,
    FeedbackKind,
    StreamingReq,
    ThreadCreatedEvent,
    ThreadMetadata,
    ThreadsCreateReq,
    ThreadsDeleteReq,
    ThreadStreamEvent,
    ThreadsUpdateReq,
    UserMessageItem,
    WidgetItem,
    is_streaming_req,
)
from pydantic import TypeAdapter

from chatkit_bridge.compat import (
    answer_parsed,
    build_widgets_without_warnings,
    close_merged_streams_cleanly,
    serialize_widgets_once,
    sse_chunks,
    stream_events,
)
from chatkit_bridge.compat.agents_sdk import (
    convert_plain_input_directly,
    dump_each_tool_call_once,
    read_plain_tool_flags_inline,
    skip_needless_agent_signatures,
)
from chatkit_bridge.compat.agents_tasks import (
    read_plain_tool_flags_when_calling,
    skip_tasks_for_empty_hooks,
)
from chatkit_bridge.context import RequestContext
from chatkit_bridge.feedback import FEEDBACK_KEY
from chatkit_bridge.llm import ModelChoice
from chatkit_bridge.text import clean_label, message_text
from chatkit_bridge.thread_events import ThreadListEvents
from chatkit_bridge.turn_effects import (
    TurnEffects,
    TurnScope,
    edit_message,
    undo_replaced,
)
from chatkit_bridge.turns import AgentTurns
from chatkit_bridge.use_case import ActionRequest, UseCase

logger = logging.getLogger(__name__)

TITLE_LENGTH = 48
CANCELLATIONS = (asyncio.CancelledError, GeneratorExit)
DRAIN_SECONDS = 20.0
CHATKIT_REQUEST: TypeAdapter[ChatKitReq] = TypeAdapter(ChatKitReq)


class BridgeServer(ChatKitServer[RequestContext]):
    """Answer ChatKit requests with a use case's agent and actions."""

    def __init__(
        self,
        store: Store[RequestContext],
        use_case: UseCase,
        model: ModelChoice,
        thread_events: ThreadListEvents | None = None,
    ) -> None:
        """:param thread_events: tells pages about thread list changes (those of a ChatHost)."""
        super().__init__(store)
        close_merged_streams_cleanly()  # Stop left the agent stream's reads pending (compat)
        serialize_widgets_once()  # ChatKit's widget serializer walked each card ~depth times
        build_widgets_without_warnings()  # and each widget built called warnings.warn
        skip_needless_agent_signatures()  # the Agents SDK serialised the agent 3 times a run
        convert_plain_input_directly()  # and walked the input with ABC checks 3 times
        read_plain_tool_flags_inline()  # and awaited each tool's is_enabled=True in a task
        read_plain_tool_flags_when_calling()  # (twice: listing tools, and calling them)
        skip_tasks_for_empty_hooks()  # and ran each empty lifecycle hook in a task
        dump_each_tool_call_once()  # and dumped a tool call 3 times to identify it
        self.use_case = use_case
        self.model = model
        self.effects = TurnEffects(store, change_watch(use_case))
        self.turns = AgentTurns(store, use_case, model, guard=self.effects.guard)
        self.converter = self.turns.converter
        self.thread_events = thread_events or ThreadListEvents()
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Wait for replies and actions in flight to finish, up to a timeout (on shutdown)."""
        if self._active:
            logger.info("waiting for %d reply(s) in flight before shutting down", self._active)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)

    @contextlib.contextmanager
    def _in_flight(self) -> Iterator[None]:
        """Count a reply or action as running."""
        self._active += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._active -= 1
            if not self._active:
                self._idle.set()

    async def process(
        self, request: str | bytes | bytearray, context: RequestContext
    ) -> StreamingResult | NonStreamingResult:
        """Parse a ChatKit request with one prebuilt parser and route it as the SDK does."""
        # The SDK builds TypeAdapter(ChatKitReq) on every call: 4-6 ms of CPU per request.
        return await self.process_request(CHATKIT_REQUEST.validate_json(request), context)

    async def process_request(
        self, request: ChatKitReq, context: RequestContext
    ) -> StreamingResult | NonStreamingResult:
        """Route an already parsed request as the SDK does, with titles cleaned."""
        if isinstance(request, ThreadsUpdateReq):
            request.params.title = clean_label(request.params.title) or "New chat"
        if not is_streaming_req(request):
            result = NonStreamingResult(await answer_parsed(self, request, context))
            if isinstance(request, ThreadsUpdateReq | ThreadsDeleteReq):
                self.thread_events.publish(context.user_id)
            return result
        return StreamingResult(sse_chunks(self, self.stream_request(request, context)))

    def stream_request(
        self, request: StreamingReq, context: RequestContext
    ) -> AsyncGenerator[ThreadStreamEvent, None]:
        """Run a parsed streaming request as typed events: the page's path, no JSON either way."""
        events = stream_events(self, request, context)
        if isinstance(request, ThreadsCreateReq):
            events = self._forget_thread_if_cut_empty(events, context)
        return events

    async def _forget_thread_if_cut_empty(
        self, events: AsyncGenerator[ThreadStreamEvent, None], context: RequestContext
    ) -> AsyncGenerator[ThreadStreamEvent, None]:
        """Delete a new thread whose stream stopped before the user's message was kept."""
        created: str | None = None
        finished = False
        try:
            async with contextlib.aclosing(events) as inner:
                async for event in inner:
                    if created is None and isinstance(event, ThreadCreatedEvent):
                        created = event.thread.id
                    yield event
            finished = True
        finally:
            if created is not None and not finished:
                await self._delete_if_empty(created, context)

    async def _delete_if_empty(self, thread_id: str, context: RequestContext) -> None:
        """Delete a thread if it holds no item."""
        try:
            items = await self.store.load_thread_items(thread_id, None, 1, "asc", context)
            if not items.data:
                await self.store.delete_thread(thread_id, context)
                self.thread_events.publish(context.user_id)
                logger.info("deleted thread %s: its first turn stopped before any item", thread_id)
        except Exception:
            logger.exception("could not tidy up thread %s after a cut-short first turn", thread_id)

    async def respond(
        self,
        thread: ThreadMetadata,
        input_user_message: UserMessageItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Run the agent on the thread's history and stream its reply."""
        if input_user_message is not None and not thread.title:
            thread.title = title_from_text(message_text(input_user_message))
            # Saved now: a first turn cut short still leaves the thread named after its message,
            # and other tabs list it at once.
            await self.store.save_thread(thread, context)
            self.thread_events.publish(context.user_id)
        started = time.perf_counter()
        outcome = "error"
        try:
            with (
                self._in_flight(),
                self.effects.turn(thread, input_user_message, context) as turn,
            ):
                async for event in self._undo_replaced(turn, context):
                    yield event
                async for event in self.turns.reply(thread, context):
                    yield event
            outcome = "ok"
        except BaseException as error:
            outcome = "cancelled" if isinstance(error, CANCELLATIONS) else "error"
            raise
        finally:
            self._log("turn", thread.id, started, outcome)

    def _undo_replaced(
        self, turn: TurnScope | None, context: RequestContext
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Revert what the answers replaced by an edit changed, with the use case's actions."""

        def handle(
            thread: ThreadMetadata, action: Action[str, Any]
        ) -> AsyncIterator[ThreadStreamEvent]:
            return self.use_case.handle_action(
                ActionRequest(thread, action, None, context, self.store)
            )

        return undo_replaced(turn, handle)

    async def edit_user_message(
        self, thread_id: str, item_id: str, text: str, context: RequestContext
    ) -> UserMessageItem:
        """Change a user message's text; a retry after it then answers the edited message."""
        thread = await self.store.load_thread(thread_id, context)
        return await edit_message(self.store, thread, item_id, text, context)

    async def action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Hand a widget action to the use case."""
        started = time.perf_counter()
        outcome = "error"
        request = ActionRequest(thread, action, sender, context, self.store)
        events = self.turns.bridge_action(thread, action, sender, context)
        try:
            with self._in_flight():
                async for event in events or self.use_case.handle_action(request):
                    yield event
            outcome = "ok"
        finally:
            self._log(f"action {action.type}", thread.id, started, outcome)

    async def add_feedback(
        self,
        thread_id: str,
        item_ids: list[str],
        feedback: FeedbackKind,
        context: RequestContext,
    ) -> None:
        """Record thumbs up or down on items, in the thread's metadata."""
        thread = await self.store.load_thread(thread_id, context)
        for item_id in item_ids:
            await self.store.load_item(thread_id, item_id, context)
        votes = dict(thread.metadata.get(FEEDBACK_KEY, {}))
        votes.update(dict.fromkeys(item_ids, feedback))
        thread.metadata = {**thread.metadata, FEEDBACK_KEY: votes}
        await self.store.save_thread(thread, context)

    def _log(self, what: str, thread_id: str, started: float, outcome: str) -> None:
        """Write one line per turn or action; never the message text."""
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.info(
            "%s thread=%s provider=%s duration_ms=%.0f outcome=%s",
            what,
            thread_id,
            self.model.provider.value,
            elapsed_ms,
            outcome,
        )


def title_from_text(text: str) -> str:
    """Derive a short thread title from the first message.

    A cut title is stored without "…": lists shorten titles with an ellipsis when they display
    them, and a stored one would end up in renames, searches and other clients.
    """
    # A title needs the start only: cleaning a 50,000-character message whole costs ~50 ms.
    words = clean_label(text[: TITLE_LENGTH * 20])
    if not words:
        return "New chat"
    if len(words) > TITLE_LENGTH:
        words = words[:TITLE_LENGTH].rsplit(" ", 1)[0] or words[:TITLE_LENGTH]
    return words[0].upper() + words[1:]


def change_watch(
    use_case: UseCase,
) -> Callable[[str, Callable[[], None]], Callable[[], None]] | None:
    """Return the use case's data-change subscription, or None if it has none."""
    return use_case.subscribe if type(use_case).subscribe is not UseCase.subscribe else None
