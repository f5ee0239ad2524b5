"""Shared pieces of the turn benchmarks: our stack, the bare ChatKit floor, timing, statistics.

Not a benchmark itself; `bench/turn.py` and `bench/growth.py` import it.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import AsyncIterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from agents import Agent, Runner, set_tracing_disabled
from chatkit.agents import AgentContext, simple_to_agent_input, stream_agent_response
from chatkit.server import ChatKitServer, NonStreamingResult, StreamingResult
from chatkit.store import NotFoundError, Store
from chatkit.types import (
    Attachment,
    ErrorEvent,
    Page,
    ThreadCreatedEvent,
    ThreadItem,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    is_streaming_req,
)

from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.compat import answer_parsed, stream_parsed
from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles
from chatkit_bridge.llm import ModelChoice
from chatkit_bridge.offline_model import OfflineModel
from chatkit_bridge.server import CHATKIT_REQUEST, BridgeServer
from chatkit_bridge.settings import Provider
from chatkit_bridge.store import TinyDBStore
from use_cases.todo.data import TodoRepository
from use_cases.todo.interpreter import TodoInterpreter
from use_cases.todo.use_case import TodoUseCase

TODAY = date(2026, 11, 26)
TURN_TEXT = "add buy milk"

set_tracing_disabled(True)  # as app.py does by default: no trace export


def today() -> date:
    """Return the fixed date every benchmark runs on."""
    return TODAY


def our_server(folder: Path) -> BridgeServer:
    """Wire our stack like app.py does: TinyDBStore + TodoUseCase + BridgeServer, offline model."""
    files = JsonFiles()  # a cache of its own, so two stacks in one process share nothing
    use_case = TodoUseCase(TodoRepository(folder, files=files), today=today)
    model = OfflineModel(TodoInterpreter(today=today))
    choice = ModelChoice(model, Provider.OFFLINE, "Offline demo model", False)
    return BridgeServer(TinyDBStore(folder, files=files), use_case, choice)


class MemoryStore(Store[RequestContext]):
    """The least a ChatKit store can do: dicts in memory, keyed by user and thread."""

    def __init__(self) -> None:
        self.threads: dict[tuple[str, str], ThreadMetadata] = {}
        self.items: dict[tuple[str, str], dict[str, ThreadItem]] = {}
        self.attachments: dict[tuple[str, str], Attachment] = {}

    async def load_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
        """Return a thread's metadata."""
        try:
            return self.threads[context.user_id, thread_id].model_copy()
        except KeyError:
            raise NotFoundError(f"Thread {thread_id} not found") from None

    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        """Create or update a thread's metadata."""
        key = (context.user_id, thread.id)
        self.threads[key] = ThreadMetadata.model_validate(thread.model_dump(exclude={"items"}))
        self.items.setdefault(key, {})

    async def load_threads(
        self, limit: int, after: str | None, order: str, context: RequestContext
    ) -> Page[ThreadMetadata]:
        """Return a page of the user's threads."""
        mine = [t for (user, _), t in self.threads.items() if user == context.user_id]
        return paginate(sorted(mine, key=lambda t: t.created_at), after, limit, order)

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        """Forget a thread and its items."""
        self.threads.pop((context.user_id, thread_id), None)
        self.items.pop((context.user_id, thread_id), None)

    def _items(self, thread_id: str, context: RequestContext) -> dict[str, ThreadItem]:
        """Return a thread's items by id (insertion order is creation order here)."""
        try:
            return self.items[context.user_id, thread_id]
        except KeyError:
            raise NotFoundError(f"Thread {thread_id} not found") from None

    async def load_thread_items(
        self, thread_id: str, after: str | None, limit: int, order: str, context: RequestContext
    ) -> Page[ThreadItem]:
        """Return a page of a thread's items."""
        return paginate(list(self._items(thread_id, context).values()), after, limit, order)

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        """Add an item."""
        self._items(thread_id, context).setdefault(item.id, item)

    async def save_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        """Insert or replace an item, keeping its place."""
        self._items(thread_id, context)[item.id] = item

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        """Return one item."""
        try:
            return self._items(thread_id, context)[item_id]
        except (KeyError, NotFoundError):
            raise NotFoundError(f"Item {item_id} not found") from None

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        """Forget an item."""
        self._items(thread_id, context).pop(item_id, None)

    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        """Keep attachment metadata."""
        self.attachments[context.user_id, attachment.id] = attachment

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        """Return attachment metadata."""
        try:
            return self.attachments[context.user_id, attachment_id]
        except KeyError:
            raise NotFoundError(f"Attachment {attachment_id} not found") from None

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        """Forget attachment metadata."""
        self.attachments.pop((context.user_id, attachment_id), None)


def paginate(data: list[Any], after: str | None, limit: int, order: str) -> Page[Any]:
    """Cut one page out of elements already sorted oldest first."""
    ordered = list(reversed(data)) if order == "desc" else data
    ids = [element.id for element in ordered]
    start = ids.index(after) + 1 if after in ids else 0
    chosen = ordered[start : start + limit]
    has_more = start + limit < len(ordered)
    return Page(data=chosen, has_more=has_more, after=chosen[-1].id if has_more else None)


class FloorServer(ChatKitServer[RequestContext]):
    """The bare ChatKit recipe: load history, run the agent, stream it; nothing else."""

    def __init__(self, store: Store[RequestContext], agent: Agent[Any]) -> None:
        super().__init__(store)
        self.agent = agent

    async def process(
        self, request: str | bytes | bytearray, context: RequestContext
    ) -> StreamingResult | NonStreamingResult:
        """Parse with one prebuilt TypeAdapter, as ours does, then route as the SDK does.

        The SDK's own `process()` builds a new TypeAdapter per request (4-6 ms); a floor that
        pays it while ours does not compares unequal work.
        """
        parsed = CHATKIT_REQUEST.validate_json(request)
        if is_streaming_req(parsed):
            return StreamingResult(stream_parsed(self, parsed, context))
        return NonStreamingResult(await answer_parsed(self, parsed, context))

    async def respond(
        self,
        thread: ThreadMetadata,
        input_user_message: UserMessageItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Run the agent on the thread's last 60 items and stream the result."""
        history = await self.store.load_thread_items(thread.id, None, 60, "desc", context)
        agent_input = await simple_to_agent_input(list(reversed(history.data)))
        agent_context = AgentContext(thread=thread, store=self.store, request_context=context)
        result = Runner.run_streamed(self.agent, agent_input, context=agent_context)
        async for event in stream_agent_response(agent_context, result):
            yield event


def floor_server(folder: Path) -> FloorServer:
    """Build the floor: the same agent and tools (todos on disk), an in-memory chat store."""
    use_case = TodoUseCase(TodoRepository(folder, files=JsonFiles()), today=today)
    agent = use_case.build_agent(OfflineModel(TodoInterpreter(today=today)))
    return FloorServer(MemoryStore(), agent)


async def consume(events: AsyncIterator[ThreadStreamEvent]) -> str | None:
    """Read a whole stream; return the id of a thread it created; fail on an error event."""
    thread_id = None
    async for event in events:
        if isinstance(event, ErrorEvent):
            raise RuntimeError(f"turn failed: {event.message or event.code}")
        if isinstance(event, ThreadCreatedEvent):
            thread_id = event.thread.id
    return thread_id


async def timed_create(client: ChatKitClient, text: str = TURN_TEXT) -> tuple[str, float]:
    """Start a thread with one turn; return its id and the turn's duration in seconds."""
    started = time.perf_counter()
    thread_id = await consume(client.create_thread(text))
    elapsed = time.perf_counter() - started
    assert thread_id is not None
    return thread_id, elapsed


async def timed_send(client: ChatKitClient, thread_id: str, text: str = TURN_TEXT) -> float:
    """Run one turn on an existing thread; return its duration in seconds."""
    started = time.perf_counter()
    await consume(client.send_message(thread_id, text))
    return time.perf_counter() - started


async def cpu_timed_send(
    client: ChatKitClient, thread_id: str, text: str = TURN_TEXT
) -> tuple[float, float]:
    """Run one turn on an existing thread; return its wall time and the process's CPU time.

    CPU time counts every thread of this process (the store's worker threads too) and, unlike
    wall time, hardly moves when other programs load the machine.
    """
    cpu, started = time.process_time(), time.perf_counter()
    await consume(client.send_message(thread_id, text))
    return time.perf_counter() - started, time.process_time() - cpu


async def item_count(server: ChatKitServer[RequestContext], thread_id: str, user: str) -> int:
    """Count the items a thread holds."""
    page = await server.store.load_thread_items(
        thread_id, None, 10_000, "asc", RequestContext(user_id=user)
    )
    return len(page.data)


def p95(values: Sequence[float]) -> float:
    """Return the 95th percentile (inclusive method)."""
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def ms(seconds: float) -> str:
    """Format seconds as milliseconds."""
    return f"{seconds * 1000:.2f} ms"


def machine_note() -> str:
    """Describe the machine and its load right now."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load}, Python {sys.version.split()[0]}"
