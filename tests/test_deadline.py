"""A turn's time limit on waiting for the agent's events (chatkit_bridge.deadline)."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from chatkit_bridge.deadline import Deadline
from tests.polling import until

SHORT = 0.2
"""Seconds until the deadline in the tests that reach it (only a lower bound matters)."""


async def events(*values: str, then: asyncio.Event | None = None) -> AsyncIterator[str]:
    """Yield `values`, then wait for `then` (forever if it is never set) and end."""
    for value in values:
        yield value
    if then is not None:
        await then.wait()


async def read_all(deadline: Deadline, stream: AsyncIterator[str]) -> list[str]:
    """Read a stream to its end through the deadline."""
    read = []
    while True:
        try:
            read.append(await deadline.next(stream))
        except StopAsyncIteration:
            return read


async def test_events_pass_through_in_order_until_the_stream_ends() -> None:
    loop = asyncio.get_running_loop()
    deadline = Deadline(loop.time() + 60)
    try:
        assert await read_all(deadline, events("a", "b", "c")) == ["a", "b", "c"]
    finally:
        deadline.cancel()


async def test_a_wait_past_the_deadline_raises_timeout_and_the_task_is_not_left_cancelled() -> None:
    loop = asyncio.get_running_loop()
    deadline = Deadline(loop.time() + SHORT)
    stream = events("a", then=asyncio.Event())

    assert await deadline.next(stream) == "a"
    with pytest.raises(TimeoutError):
        await deadline.next(stream)

    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0
    await asyncio.sleep(0)  # the task carries on: no cancellation is left pending
    with pytest.raises(TimeoutError):
        await deadline.next(stream)  # and the limit stays reached
    await stream.aclose()


async def test_the_reader_own_waits_between_events_are_never_cancelled() -> None:
    loop = asyncio.get_running_loop()
    deadline = Deadline(loop.time() + SHORT)
    stream = events("a", "b")

    assert await deadline.next(stream) == "a"
    # The reader's own work outlasts the deadline, and is not cut.
    await until(lambda: deadline.expired, what="the deadline")

    with pytest.raises(TimeoutError):
        await deadline.next(stream)  # the next wait is refused at once
    await stream.aclose()
    deadline.cancel()


async def test_a_cancellation_from_elsewhere_stays_a_cancellation() -> None:
    loop = asyncio.get_running_loop()
    deadline = Deadline(loop.time() + 60)
    started = asyncio.Event()
    stream = events(then=asyncio.Event())

    async def reader() -> str:
        started.set()
        return await deadline.next(stream)

    task = asyncio.create_task(reader())
    await started.wait()
    await asyncio.sleep(0)
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    deadline.cancel()
    await stream.aclose()
