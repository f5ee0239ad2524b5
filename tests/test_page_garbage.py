"""A closed page and a finished turn are freed by reference counting, not left to the collector.

Objects kept in reference cycles wait for a garbage collection; those of closed pages reach the
oldest generation first, whose collection walks the whole process with the GIL held (~1 s with
a user reloading a page back to back: bench/heavy_user.py). So these tests collect once, turn
the collector off, and require the objects to go by reference counting alone.
"""

import contextlib
import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui
from nicegui.testing import User

from chatkit_bridge.ui.chat_page import ChatPage
from tests.chat_page import todo_ids, turn
from tests.polling import until


@contextmanager
def collector_off() -> Iterator[None]:
    """Collect what is garbage now, then keep the collector off for the block."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def the_chat_page() -> ChatPage:
    """Return the one chat page alive (the test opened one)."""
    (page,) = [o for o in gc.get_objects() if isinstance(o, ChatPage)]
    return page


def counts(user: User) -> str:
    """Return the panel's counts line."""
    (label,) = user.find(marker="panel-counts").elements
    return getattr(label, "text", "")


def alive(refs: list[weakref.ref[object]]) -> list[str]:
    """Name the objects still alive."""
    return sorted({type(obj).__qualname__ for ref in refs if (obj := ref()) is not None})


async def test_a_deleted_page_is_freed_without_the_collector(user: User) -> None:
    await user.open("/")
    await turn(user, "add milk and bread")  # a card, panel rows, a thread in the drawer
    await until(lambda: len(todo_ids(user)) == 2, what="two todos in the panel")
    (check,) = user.find(marker=f"panel-check-{todo_ids(user)[0]}").elements
    assert isinstance(check, ui.checkbox)
    check.set_value(True)  # the panel redraws the row: removed elements must go too
    await until(lambda: counts(user) == "1 pending · 1 done", what="the tick counted")

    client = user.client
    assert client is not None
    page = the_chat_page()
    refs: list[weakref.ref[object]] = [weakref.ref(client), weakref.ref(page)]
    for element in client.elements.values():
        refs += [weakref.ref(element), weakref.ref(element._props), weakref.ref(element._style)]
        refs += [weakref.ref(element._classes), *map(weakref.ref, element.slots.values())]
    with collector_off():
        # What NiceGUI does when the tab's socket stays away (or never came): delete the page.
        client.delete()
        # nicegui.testing.User wraps the outbox's `_emit` in a closure over the outbox's own
        # method: a cycle of the test harness (the app has none), which holds sent messages.
        del client.outbox._emit
        user.client = None
        del client, page, element, check
        # Tasks of the page (its outbox loop, a refresh) may hold it a moment longer.
        with contextlib.suppress(AssertionError):
            await until(lambda: not alive(refs), timeout=10)
        assert alive(refs) == []
