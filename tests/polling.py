"""Wait for state by polling a condition: the test machine may be busy, so never a fixed sleep.

Every wait in the suite goes through this module. The limits are generous on purpose: a wait that
succeeds returns as soon as its condition holds, so a long limit costs nothing on a quiet machine
and only turns a hang into a clear failure on a busy one.
"""

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui.testing import Screen, User

#: How long any wait may take before the test fails (seconds).
PATIENCE = 60.0
#: How long a process may take to start serving (a cold start on a busy machine took 18 s).
STARTUP_PATIENCE = 120.0
#: How often a condition is evaluated (seconds).
INTERVAL = 0.05


async def until(
    condition: Callable[[], bool], timeout: float = PATIENCE, what: str = "condition"
) -> None:
    """Wait on the event loop until a condition holds, or fail after `timeout` seconds.

    :param condition: evaluated repeatedly; an element that is not there yet counts as false
    :param timeout: seconds before the wait fails
    :param what: named in the failure message
    """
    deadline = time.monotonic() + timeout
    while not holds(condition):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout:g} s")
        await asyncio.sleep(INTERVAL)


async def until_async(
    check: Callable[[], Awaitable[bool]],
    interval: float = INTERVAL,
    timeout: float = PATIENCE,
    what: str = "condition",
) -> None:
    """Wait until a check that must act (reload a page, query a server) returns True, or fail.

    :param check: awaited repeatedly, `interval` seconds apart
    :param interval: seconds between checks (a check that acts should not run 20 times a second)
    :param timeout: seconds before the wait fails
    :param what: named in the failure message
    """
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout:g} s")
        await asyncio.sleep(interval)


def wait_for(
    condition: Callable[[], bool], timeout: float = PATIENCE, what: str = "condition"
) -> None:
    """Block until a condition holds, or fail after `timeout` seconds (for code off the loop).

    :param condition: evaluated repeatedly; an element that is not there yet counts as false
    :param timeout: seconds before the wait fails
    :param what: named in the failure message
    """
    deadline = time.monotonic() + timeout
    while not holds(condition):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout:g} s")
        time.sleep(INTERVAL)


def holds(condition: Callable[[], bool]) -> bool:
    """Evaluate a condition; an element that is not there yet counts as false."""
    try:
        return condition()
    except (AssertionError, ValueError, LookupError):
        return False


async def stays(condition: Callable[[], bool], seconds: float = 0.3) -> None:
    """Check that a condition holds throughout a short window: for "nothing happens" checks.

    A busy machine can only make such a check pass too easily, never fail wrongly; use it only
    where no event signals that the thing that must not happen has had its chance.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert condition(), "condition stopped holding"
        await asyncio.sleep(INTERVAL)
    assert condition(), "condition stopped holding"


def _patient(
    method: Callable[..., Awaitable[None]], pause: float
) -> Callable[..., Awaitable[None]]:
    """Give a NiceGUI `User.should_*` check as many retries as PATIENCE allows, or more.

    A test's own `retries=` can only lengthen the wait: counts written for a quiet machine
    (50 retries: 5 s) failed on a busy one.
    """

    @functools.wraps(method)
    async def patient(self: User, *args: Any, retries: int = 0, **kwargs: Any) -> None:
        await method(self, *args, retries=max(retries, round(PATIENCE / pause)), **kwargs)

    return patient


def make_user_checks_patient() -> None:
    """Let `user.should_see` / `should_not_see` wait up to PATIENCE instead of 0.3 s / 0.15 s.

    NiceGUI retries three times 0.1 s (0.05 s for `should_not_see`): a first turn on a busy
    machine takes longer, and such tests failed for no fault of the app.
    """
    if not getattr(User.should_see, "__wrapped__", None):
        User.should_see = _patient(User.should_see, 0.1)  # type: ignore[method-assign]
        User.should_not_see = _patient(User.should_not_see, 0.05)  # type: ignore[method-assign]


def make_screen_checks_patient() -> None:
    """Let `screen.should_contain` and `screen.open` wait up to PATIENCE, or longer if asked.

    NiceGUI's Screen finds text with Selenium's implicit wait (4 s) and 5 more tries of 0.2 s;
    on a busy machine a first turn's card took longer (tests/test_browser.py failed under load).
    A test's own `timeout=` for opening a page (30-40 s) can only lengthen the wait.
    """
    if getattr(Screen.should_contain, "__wrapped__", None):
        return
    should_contain, open_page = Screen.should_contain, Screen.open

    @functools.wraps(should_contain)
    def patient(self: Screen, text: str) -> None:
        wait_for(lambda: should_contain(self, text) is None, what=f"page shows {text!r}")

    @functools.wraps(open_page)
    def patient_open(self: Screen, path: str, timeout: float = 0.0) -> None:
        open_page(self, path, timeout=max(timeout, PATIENCE))

    Screen.should_contain = patient  # type: ignore[method-assign]
    Screen.open = patient_open  # type: ignore[method-assign]
