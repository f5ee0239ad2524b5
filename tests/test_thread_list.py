"""Threads: found by title and message text, live in every tab, titles without a stored "…"."""

from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from chatkit_bridge.context import RequestContext
from chatkit_bridge.server import TITLE_LENGTH
from chatkit_bridge.thread_search import SearchHit, search_threads
from tests.polling import until
from tests.stack import Stack, build_stack, collect, thread_id_of
from tests.test_chat_ui import elements, send
from tests.test_message_actions_ui import idle

WAIT = 30.0  # the test machine is shared and busy


@pytest.fixture
def stack(tmp_path: Path) -> Stack:
    """The app's stack on the offline model."""
    return build_stack(tmp_path, llm_provider="offline")


async def start(stack: Stack, text: str, user_id: str = "alice") -> str:
    """Start a thread as a user and return its id."""
    return thread_id_of(await collect(stack.as_user(user_id).create_thread(text)))


# -- search ----------------------------------------------------------------------------------


async def search(stack: Stack, query: str, user_id: str = "alice") -> list[SearchHit]:
    """Search a user's threads as the drawer does."""
    return await search_threads(stack.store, RequestContext(user_id=user_id), query)


async def test_search_finds_threads_by_title_and_by_message_text(stack: Stack) -> None:
    milk = await start(stack, "add buy milk")
    trip = await start(stack, "add book the train")
    await collect(stack.client.send_message(trip, "add pack sunscreen for Lisbon"))
    await stack.client.rename_thread(trip, "Holiday")

    by_title = await search(stack, "HOLI")
    assert [hit.thread.id for hit in by_title] == [trip]
    assert by_title[0].snippet is None

    by_text = await search(stack, "lisbon sunscreen")
    assert [hit.thread.id for hit in by_text] == [trip]
    assert "sunscreen for Lisbon" in (by_text[0].snippet or "")

    assert [hit.thread.id for hit in await search(stack, "milk")] == [milk]
    assert await search(stack, "milk lisbon") == [], "every word must match"
    assert await search(stack, "   ") == []


async def test_search_finds_words_in_replies_too(stack: Stack) -> None:
    thread = await start(stack, "help")
    reply_words = "todo"  # the offline model's help reply talks about todos
    hits = await search(stack, reply_words)
    assert [hit.thread.id for hit in hits] == [thread]


async def test_search_never_finds_another_users_threads(stack: Stack) -> None:
    await start(stack, "add secret plan", user_id="bob")
    assert await search(stack, "secret") == []
    assert len(await search(stack, "secret", user_id="bob")) == 1


# -- titles ----------------------------------------------------------------------------------


async def test_a_long_first_message_gives_a_title_without_a_stored_ellipsis(stack: Stack) -> None:
    text = "add " + " ".join(f"word{n}" for n in range(40))
    thread_id = await start(stack, text)

    title = (await stack.client.get_thread(thread_id)).title or ""
    assert title and not title.endswith(("…", "...")), title
    assert len(title) <= TITLE_LENGTH
    assert text.lower().startswith(title.lower()), "the title is the message's start, whole words"


# -- the drawer, live in every tab ------------------------------------------------------------


def titles(user: User) -> list[str]:
    """Return the thread titles the open tab lists."""
    shown = [e for e in elements(user) if "thread-item" in e._markers]
    return [
        label.text
        for item in shown
        for label in item.descendants()
        if isinstance(label, ui.item_label) and "thread-title" in label.classes
    ]


async def test_the_thread_list_follows_changes_made_in_another_tab(user: User) -> None:
    first_tab = await user.open("/")
    second_tab = await user.open("/")
    await send(user, "add water the plants")  # in the second tab
    await until(lambda: titles(user) == ["Add water the plants"] and idle(user), WAIT)

    user.client = first_tab
    await until(lambda: titles(user) == ["Add water the plants"], WAIT)

    user.client = second_tab
    user.find(marker="rename-thread").click()
    user.find(marker="thread-title-input").clear().type("Garden")
    user.find(marker="thread-title-save").click()
    user.client = first_tab
    await until(lambda: titles(user) == ["Garden"], WAIT)

    user.client = second_tab
    user.find(marker="delete-thread").click()
    user.find(marker="thread-delete-confirm").click()
    user.client = first_tab
    await until(lambda: titles(user) == [], WAIT)


async def test_a_tab_showing_a_chat_deleted_elsewhere_leaves_it(user: User) -> None:
    first_tab = await user.open("/")
    await send(user, "add feed the cat")
    await until(lambda: titles(user) == ["Add feed the cat"] and idle(user), WAIT)
    second_tab = await user.open("/")
    await until(lambda: _open_from_drawer(user, "add feed the cat"), WAIT)

    user.client = first_tab
    user.find(marker="delete-thread").click()
    user.find(marker="thread-delete-confirm").click()

    user.client = second_tab
    await until(lambda: titles(user) == [], WAIT)
    await until(lambda: "add feed the cat" not in _labels(user), WAIT)


def _open_from_drawer(user: User, text: str) -> bool:
    """Tell whether the chat shows `text`; if not, click its entry in the drawer (again).

    The drawer may redraw its list just after the page opens; a click on an entry it has
    replaced does nothing, so the click is repeated until the chat is open.
    """
    if text in _labels(user):
        return True
    UserInteraction(user, set(_thread_items(user)), None).click()
    return False


def _thread_items(user: User) -> list[ui.element]:
    return [e for e in elements(user) if "thread-item" in e._markers]


def _labels(user: User) -> list[str]:
    return [e.text for e in elements(user) if isinstance(e, ui.label)]


async def test_searching_in_the_drawer_shows_matching_chats(user: User) -> None:
    await user.open("/")
    await send(user, "add buy milk")
    await until(lambda: titles(user) == ["Add buy milk"] and idle(user), WAIT)
    user.find("New chat").click()
    await until(lambda: "add buy milk" not in _labels(user), WAIT)
    await send(user, "add call the plumber")
    await until(lambda: len(titles(user)) == 2, WAIT)
    (search,) = user.find(marker="thread-search").elements
    assert search.props["aria-label"] == "Search chats"

    user.find(marker="thread-search").type("plumber")
    await until(lambda: titles(user) == ["Add call the plumber"], WAIT)

    user.find(marker="thread-search").clear().type("nothing like this")
    await until(lambda: bool(user.find(marker="no-search-hits").elements), WAIT)

    user.find(marker="thread-search").clear()
    await until(lambda: len(titles(user)) == 2, WAIT)
