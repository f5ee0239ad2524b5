"""Wait for page state by polling: the test machine may be busy, so never a fixed sleep."""

import asyncio
from collections.abc import Callable


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until a condition holds, or fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not holds(condition):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def holds(condition: Callable[[], bool]) -> bool:
    """Evaluate a condition; an element that is not there yet counts as false."""
    try:
        return condition()
    except (AssertionError, ValueError):
        return False
