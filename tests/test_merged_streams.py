"""ChatKit's merge of the agent stream and the tools' events (compat/chatkit_server.py)."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from chatkit import agents as chatkit_agents

from chatkit_bridge.compat import close_merged_streams_cleanly
from tests.polling import PATIENCE, until


async def from_queue(queue: asyncio.Queue[Any]) -> AsyncIterator[Any]:
    """Yield a queue's items until a None."""
    while (item := await queue.get()) is not None:
        yield item


def merge(a: AsyncIterator[Any], b: AsyncIterator[Any]) -> AsyncIterator[Any]:
    """Merge two sources the way ChatKit's agent stream does, with compat's function."""
    close_merged_streams_cleanly()
    return chatkit_agents._merge_generators(a, b)


async def test_items_of_both_sources_come_in_the_order_they_are_ready() -> None:
    agent, tools = asyncio.Queue[Any](), asyncio.Queue[Any]()
    merged = merge(from_queue(agent), from_queue(tools))
    seen: list[Any] = []

    async def read() -> None:
        async for item in merged:
            seen.append(item)

    reader = asyncio.create_task(read())
    for item, queue in [("a1", agent), ("t1", tools), ("a2", agent), ("a3", agent), ("t2", tools)]:
        queue.put_nowait(item)
        await until(lambda item=item: item in seen, what=f"{item} passed on")
    tools.put_nowait("t3")
    agent.put_nowait(None)  # the agent stream ends: so does the merge
    await asyncio.wait_for(reader, PATIENCE)
    assert [item for item in seen if item.startswith("a")] == ["a1", "a2", "a3"]
    # t3 is passed on if it was already read, else left for ChatKit's drain after the run:
    # never lost, never twice.
    left = [tools.get_nowait() for _ in range(tools.qsize())]
    assert [item for item in seen if item.startswith("t")] + left == ["t1", "t2", "t3"]
    assert seen[:5] == ["a1", "t1", "a2", "a3", "t2"]


async def test_stopping_the_reader_ends_both_pending_reads() -> None:
    agent, tools = asyncio.Queue[Any](), asyncio.Queue[Any]()
    closed: list[str] = []

    async def source(name: str, queue: asyncio.Queue[Any]) -> AsyncIterator[Any]:
        try:
            while True:
                yield await queue.get()
        finally:
            closed.append(name)

    before = asyncio.all_tasks()
    merged = merge(source("agent", agent), source("tools", tools))
    agent.put_nowait("a1")
    assert await anext(merged) == "a1"
    await merged.aclose()  # a page closed, or Stop: nothing is left waiting on the queues
    await until(lambda: asyncio.all_tasks() == before, what="the merge's reads ended")
    assert agent._getters == tools._getters == type(agent._getters)()  # type: ignore[attr-defined]


async def test_a_failing_source_fails_the_merge_and_cancels_the_other() -> None:
    tools = asyncio.Queue[Any]()

    async def failing() -> AsyncIterator[Any]:
        yield "a1"
        raise RuntimeError("model down")

    before = asyncio.all_tasks()
    seen: list[Any] = []
    with pytest.raises(RuntimeError, match="model down"):
        async for item in merge(failing(), from_queue(tools)):
            seen.append(item)
    assert seen == ["a1"]
    await until(lambda: asyncio.all_tasks() == before, what="the other source's read ended")
