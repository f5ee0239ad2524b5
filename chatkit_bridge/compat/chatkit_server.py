"""openai-chatkit 1.6.5 internals: run parsed requests, typed events, clean stream merging."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Any

from chatkit_bridge.compat.widget_dump import NotPlain, wire_widget_json

if TYPE_CHECKING:
    # Importing chatkit.server loads the Agents SDK (seconds): app.py imports this package to
    # install the session middleware before the chat stack loads.
    from chatkit.server import ChatKitServer
    from chatkit.types import NonStreamingReq, StreamingReq, ThreadStreamEvent

    from chatkit_bridge.context import RequestContext


logger = logging.getLogger(__name__)


def stream_parsed(
    server: ChatKitServer[RequestContext], request: StreamingReq, context: RequestContext
) -> AsyncGenerator[bytes, None]:
    """Run an already parsed streaming request, yielding SSE chunks as `process()` does.

    Why private: `ChatKitServer.process()` only takes JSON text and builds a new
    `TypeAdapter(ChatKitReq)` for every call (4-6 ms of CPU); its routing half,
    `_process_streaming`, takes the parsed request.
    """
    return server._process_streaming(request, context)


async def stream_events(
    server: ChatKitServer[RequestContext], request: StreamingReq, context: RequestContext
) -> AsyncGenerator[ThreadStreamEvent, None]:
    """Run an already parsed streaming request, yielding typed events, logging as the SDK does.

    Why private: `_process_streaming_impl` is the typed half of `_process_streaming`, which
    serialises every event to JSON; the in-process page would only parse it back (issue 10).
    """
    try:
        async with contextlib.aclosing(server._process_streaming_impl(request, context)) as events:
            async for event in events:
                yield event
    except asyncio.CancelledError:
        raise
    except Exception:
        logger.exception("Error while generating streamed response")
        raise


async def sse_chunks(
    server: ChatKitServer[RequestContext], events: AsyncGenerator[ThreadStreamEvent, None]
) -> AsyncGenerator[bytes, None]:
    """Encode typed events as `process()` streams them: `data: <json>` and a blank line.

    Why private: `_serialize` holds the SDK's wire options (aliases, no `None`, no metadata).
    """
    # Closing this closes the events at once (a client gone after "thread.created" must leave
    # no empty thread), not whenever the garbage collector gets to them.
    async with contextlib.aclosing(events) as inner:
        async for event in inner:
            yield b"data: " + event_json(server, event) + b"\n\n"


WIRE_OPTIONS: dict[str, Any] = {
    "by_alias": True,
    "exclude_none": True,
    "context": {"exclude_metadata": True},
}
"""`ChatKitServer._serialize`'s options (openai-chatkit 1.6.5); tests compare both outputs."""
ITEM_EVENTS = frozenset({"thread.item.added", "thread.item.done", "thread.item.replaced"})
"""Events whose last field is `item` (tests check it)."""


def event_json(server: ChatKitServer[RequestContext], event: ThreadStreamEvent) -> bytes:
    """Serialise an event as `server._serialize` does, walking a plain widget in Python.

    Pydantic calls ChatKit's widget serializer back for every node of a card (~5 µs a node,
    ~0.7 ms for a 20-row card, sent on every change); a plain widget is walked 4-5x faster
    (`widget_dump.py`), and one the store has just dumped is written from that dump. Its JSON
    goes last in the item: key order means nothing in JSON.
    """
    item = getattr(event, "item", None)
    if event.type not in ITEM_EVENTS or getattr(item, "type", None) != "widget":
        return server._serialize(event)
    try:
        widget_json = wire_widget_json(item.widget)  # type: ignore[union-attr]
    except NotPlain:
        return server._serialize(event)
    shell = event.model_dump_json(**WIRE_OPTIONS, exclude={"item": {"widget"}})
    if not shell.endswith("}}"):
        return server._serialize(event)
    return f'{shell[:-2]},"widget":{widget_json}}}}}'.encode()


async def answer_parsed(
    server: ChatKitServer[RequestContext], request: NonStreamingReq, context: RequestContext
) -> bytes:
    """Run an already parsed non-streaming request and return its JSON (see stream_parsed)."""
    return await server._process_non_streaming(request, context)


async def _merge_generators_closing(
    a: AsyncIterator[Any], b: AsyncIterator[Any]
) -> AsyncIterator[Any]:
    """`chatkit.agents._merge_generators`, plus: its pending reads end when its reader stops.

    Each read is a task of its own, as in ChatKit (the Agents SDK counts the task reading its
    stream as that stream's consumer), but finished reads are handed over by a callback, not
    found by an `asyncio.wait` over both sources per event (~30 events a turn).
    """
    pending: dict[asyncio.Future[Any], AsyncIterator[Any]] = {}
    finished: collections.deque[asyncio.Future[Any]] = collections.deque()
    waiter: asyncio.Future[None] | None = None

    def on_done(task: asyncio.Future[Any]) -> None:
        finished.append(task)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def read(source: AsyncIterator[Any]) -> None:
        task = asyncio.ensure_future(source.__anext__())
        task.add_done_callback(on_done)
        pending[task] = source

    read(a)
    read(b)
    try:
        while pending:
            if not finished:
                waiter = asyncio.get_running_loop().create_future()
                await waiter
                waiter = None
            task = finished.popleft()
            source = pending.pop(task)
            # Asked, not raised: a raised StopAsyncIteration's traceback would hold this
            # frame, which holds the task, which holds the exception: a cycle per turn.
            if not isinstance(task.exception(), StopAsyncIteration):
                yield task.result()
                read(source)
                continue
            # One source ended: what the other already read is passed on, the rest left.
            for task in list(pending):
                if not task.cancel() and not task.cancelled() and task.exception() is None:
                    del pending[task]
                    yield task.result()
            break
    finally:
        for task in pending:
            task.cancel()
        for task in pending:
            if task.done() and not task.cancelled():
                task.exception()  # retrieved: a StopAsyncIteration here is no error


def close_merged_streams_cleanly() -> None:
    """Make ChatKit's agent stream cancel its pending reads when its reader stops.

    Why private: openai-chatkit 1.6.5 `chatkit.agents.stream_agent_response` merges two sources
    with the module function `_merge_generators`, which keeps one `__anext__` task per source
    and drops them, still pending, when its reader stops (Stop, a closed page, a test that
    ends): "Task was destroyed but it is pending!" and "Task exception was never retrieved".
    """
    from chatkit import agents as chatkit_agents

    chatkit_agents._merge_generators = _merge_generators_closing
