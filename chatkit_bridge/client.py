"""Call a ChatKit server in process, with typed requests and typed answers."""

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from chatkit.actions import Action
from chatkit.store import Store
from chatkit.types import (
    FeedbackKind,
    InferenceOptions,
    ItemFeedbackParams,
    ItemsFeedbackReq,
    ItemsListParams,
    ItemsListReq,
    NonStreamingReq,
    Page,
    StreamingReq,
    Thread,
    ThreadAddUserMessageParams,
    ThreadCreateParams,
    ThreadCustomActionParams,
    ThreadDeleteParams,
    ThreadGetByIdParams,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemUpdatedEvent,
    ThreadListParams,
    ThreadRetryAfterItemParams,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsCustomActionReq,
    ThreadsDeleteReq,
    ThreadsGetByIdReq,
    ThreadsListReq,
    ThreadsRetryAfterItemReq,
    ThreadStreamEvent,
    ThreadsUpdateReq,
    ThreadUpdateParams,
    UserMessageInput,
    UserMessageTextContent,
)
from pydantic import TypeAdapter

from chatkit_bridge.chat_host import ChatHost
from chatkit_bridge.compat import stream_events
from chatkit_bridge.context import RequestContext

if TYPE_CHECKING:
    from chatkit.server import ChatKitServer

THREAD_PAGE = TypeAdapter(Page[Thread])
ITEM_PAGE = TypeAdapter(Page[ThreadItem])
THREAD = TypeAdapter(Thread)


class ChatKitClient:
    """Speak the ChatKit protocol to a server object, as one user, with no HTTP hop."""

    def __init__(
        self, server: "ChatKitServer[RequestContext] | ChatHost", context: RequestContext
    ) -> None:
        """:param server: the server, or the chat host that hands it out once it has loaded
        (a page shown before: its reads and turns wait for it)."""
        self.host = server if isinstance(server, ChatHost) else None
        self._server = None if isinstance(server, ChatHost) else server
        self.context = context

    @property
    def store(self) -> Store[RequestContext]:
        """Return the store the server answers from (available before the server is)."""
        if self.host is not None:
            return self.host.store
        assert self._server is not None
        return self._server.store

    async def server(self) -> "ChatKitServer[RequestContext]":
        """Return the server, waiting for it if the page came before the chat stack."""
        if self._server is None:
            assert self.host is not None
            self._server = await self.host.server()
        return self._server

    async def stream(self, request: StreamingReq) -> AsyncIterator[ThreadStreamEvent]:
        """Send a streaming request and yield its typed events as they arrive.

        No SSE round trip: POST /chatkit serialises the same events (tests/test_wire_events.py
        checks that both agree), here they are handed over as the server made them.
        """
        # Imported here: the module is loaded by the time a server exists (see ChatHost).
        from chatkit_bridge.server import BridgeServer

        server = await self.server()
        if isinstance(server, BridgeServer):
            events = server.stream_request(request, self.context)
        else:
            events = stream_events(server, request, self.context)
        async with contextlib.aclosing(events) as inner:
            async for event in inner:
                # A snapshot, as the wire gives: while an item streams, the server goes on
                # filling in objects it already yielded (the text of a content part). Done and
                # replaced items are final; copying every event cost more than the JSON.
                streaming = isinstance(event, ThreadItemAddedEvent | ThreadItemUpdatedEvent)
                yield event.model_copy(deep=True) if streaming else event

    async def call(self, request: NonStreamingReq) -> bytes:
        """Send a non-streaming request and return the JSON answer."""
        from chatkit.server import StreamingResult  # loaded with the server (see stream)

        result = await (await self.server()).process(request.model_dump_json(), self.context)
        assert not isinstance(result, StreamingResult)
        return result.json

    def create_thread(self, text: str) -> AsyncIterator[ThreadStreamEvent]:
        """Start a thread with a first message."""
        params = ThreadCreateParams(input=user_input(text))
        return self.stream(ThreadsCreateReq(params=params))

    def send_message(self, thread_id: str, text: str) -> AsyncIterator[ThreadStreamEvent]:
        """Add a user message to a thread and stream the reply."""
        params = ThreadAddUserMessageParams(thread_id=thread_id, input=user_input(text))
        return self.stream(ThreadsAddUserMessageReq(params=params))

    def custom_action(
        self, thread_id: str, item_id: str | None, action_type: str, payload: Any
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Send a widget action."""
        params = ThreadCustomActionParams(
            thread_id=thread_id,
            item_id=item_id,
            action=Action(type=action_type, payload=payload),
        )
        return self.stream(ThreadsCustomActionReq(params=params))

    def retry(self, thread_id: str, user_item_id: str) -> AsyncIterator[ThreadStreamEvent]:
        """Answer a user message again, dropping what came after it."""
        params = ThreadRetryAfterItemParams(thread_id=thread_id, item_id=user_item_id)
        return self.stream(ThreadsRetryAfterItemReq(params=params))

    async def list_threads(
        self, limit: int = 50, after: str | None = None, order: str = "desc"
    ) -> Page[Thread]:
        """List the user's threads."""
        params = ThreadListParams(limit=limit, after=after, order=order)
        return THREAD_PAGE.validate_json(await self.call(ThreadsListReq(params=params)))

    async def get_thread(self, thread_id: str) -> Thread:
        """Load a thread with its first page of items."""
        params = ThreadGetByIdParams(thread_id=thread_id)
        return THREAD.validate_json(await self.call(ThreadsGetByIdReq(params=params)))

    async def list_items(
        self, thread_id: str, limit: int = 200, after: str | None = None, order: str = "asc"
    ) -> Page[ThreadItem]:
        """List a thread's visible items."""
        params = ItemsListParams(thread_id=thread_id, limit=limit, after=after, order=order)
        return ITEM_PAGE.validate_json(await self.call(ItemsListReq(params=params)))

    async def rename_thread(self, thread_id: str, title: str) -> Thread:
        """Change a thread's title."""
        params = ThreadUpdateParams(thread_id=thread_id, title=title)
        return THREAD.validate_json(await self.call(ThreadsUpdateReq(params=params)))

    async def delete_thread(self, thread_id: str) -> None:
        """Delete a thread and its items."""
        await self.call(ThreadsDeleteReq(params=ThreadDeleteParams(thread_id=thread_id)))

    async def feedback(self, thread_id: str, item_ids: list[str], kind: FeedbackKind) -> None:
        """Record thumbs up or down on items."""
        params = ItemFeedbackParams(thread_id=thread_id, item_ids=item_ids, kind=kind)
        await self.call(ItemsFeedbackReq(params=params))


def user_input(text: str) -> UserMessageInput:
    """Wrap plain text as a user message input."""
    return UserMessageInput(
        content=[UserMessageTextContent(text=text)],
        attachments=[],
        inference_options=InferenceOptions(),
    )
