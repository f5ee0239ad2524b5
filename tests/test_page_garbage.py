"""A closed page and a finished turn are freed by reference counting, not left to the collector.

Objects kept in reference cycles wait for a garbage collection; those of closed pages reach the
oldest generation first, whose collection walks the whole process with the GIL held (~1 s with
a user reloading a page back to back: bench/heavy_user.py). So these tests collect once, turn
the collector off, and require the objects to go by reference counting alone.
"""

import contextlib
import gc
import types
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nicegui import ui
from nicegui.client import Client
from nicegui.testing import User

from chatkit_bridge.ui.chat_page import ChatPage
from tests.chat_page import todo_ids, turn
from tests.polling import until
from tests.stack import build_stack, collect, thread_id_of

# What a chat turn is made of: the Agents SDK's run, ChatKit's and openai's events, our
# server and its stores (chatkit_bridge), the tasks, coroutines and frames (an exception's
# traceback) that stream them.
TURN_MODULES = ("agents", "chatkit", "openai", "asyncio", "_asyncio")
TURN_TYPES = (types.FrameType, types.TracebackType, types.CoroutineType, BaseException)


def collect_all() -> None:
    """Collect until nothing is left: finalizers that one collection runs (an earlier test's
    closed sockets and clients) may leave new garbage for the next."""
    while gc.collect():
        pass


@contextmanager
def collector_off() -> Iterator[None]:
    """Collect what is garbage now, then keep the collector off for the block."""
    collect_all()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def saved_garbage() -> Iterator[list[object]]:
    """Collect, then yield a list that gets what the collector finds unreachable in the block."""
    found: list[object] = []
    collect_all()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield found
        gc.collect()
        found.extend(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def turn_parts(objects: list[object]) -> list[str]:
    """Name the objects that belong to a chat turn's machinery."""
    return sorted(
        {
            f"{type(o).__module__}.{type(o).__qualname__}"
            for o in objects
            if isinstance(o, TURN_TYPES) or type(o).__module__.startswith(TURN_MODULES)
        }
    )


def chat_page_of(client: Client) -> ChatPage:
    """Return the chat page built for a client (other tests' pages may still be alive)."""
    (page,) = [o for o in gc.get_objects() if isinstance(o, ChatPage) and o.browser is client]
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
    page = chat_page_of(client)
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
            await until(lambda: not alive(refs))
        assert alive(refs) == []


async def test_a_finished_turn_leaves_no_cycles_behind(tmp_path: Path) -> None:
    stack = build_stack(tmp_path, llm_provider="offline")
    # The first turns build validators and caches that stay: not garbage, not counted.
    thread = thread_id_of(await collect(stack.client.create_thread("add milk")))
    await collect(stack.client.send_message(thread, "show my todos"))
    with saved_garbage() as garbage:
        for text in ("add bread", "show my todos", "tick milk"):
            await collect(stack.client.send_message(thread, text))
    assert turn_parts(garbage) == []
