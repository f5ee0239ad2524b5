"""A time limit on every wait for a stream's next event, kept by one timer for the stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TypeVar

T = TypeVar("T")


class Deadline:
    """Raise TimeoutError from a wait for the next event once the loop's clock reaches `when`.

    What `async with asyncio.timeout_at(when): await anext(events)` around each event does, and
    the same way (the waiting task is cancelled, and that cancellation becomes TimeoutError;
    anyone else's stays a cancellation), but with one timer for the whole stream: a timeout per
    event armed and cancelled a timer each time (~4 µs, ~20 events a turn), and the cancelled
    timers piled up in the event loop's heap. Time the reader spends between events counts
    towards the deadline without anything of the reader's being cancelled.
    """

    def __init__(self, when: float) -> None:
        """Arm the timer; call `cancel` when the stream is done with."""
        self._expired = False
        self._waiting: asyncio.Task[object] | None = None
        self._cancelled = False
        """Whether the timer cancelled the current wait."""
        self._timer = asyncio.get_running_loop().call_at(when, self._expire)

    async def next(self, events: AsyncIterator[T]) -> T:
        """Return the next event, or raise TimeoutError if the deadline comes first."""
        if self._expired:
            raise TimeoutError
        task = asyncio.current_task()
        assert task is not None, "a deadline is awaited in a task"
        cancelling = task.cancelling()
        self._waiting, self._cancelled = task, False
        try:
            event = await anext(events)
        except asyncio.CancelledError as error:
            if self._cancelled and task.uncancel() <= cancelling:
                raise TimeoutError from error  # ours, and nobody else asked to cancel
            raise
        finally:
            self._waiting = None
        if self._cancelled:
            task.uncancel()  # the stream swallowed our cancellation: take it back, as asyncio does
        return event

    @property
    def expired(self) -> bool:
        """Whether the deadline has come."""
        return self._expired

    def cancel(self) -> None:
        """Disarm the timer."""
        self._timer.cancel()

    def _expire(self) -> None:
        self._expired = True
        if self._waiting is not None:
            self._waiting.cancel()
            self._cancelled = True
