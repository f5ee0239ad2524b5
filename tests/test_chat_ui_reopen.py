"""Reopening a long thread: its end first, then every earlier item above it, in order."""

from nicegui import ui
from nicegui.testing import User

from chatkit_bridge.ui import chat_page
from tests.chat_page import open_thread_id, turn
from tests.polling import until
from tests.test_message_actions_ui import WAIT, click, idle, labels, markers

TURNS = [f"Add chore {n}" for n in range(6)]  # about 20 items: more than are shown first


def bubbles(user: User) -> list[str]:
    """Return the user's messages as the page shows them, top to bottom."""
    return [
        element.text
        for element in user.client.layout.descendants()
        if isinstance(element, ui.label) and "user-bubble" in element.classes
    ]


async def test_a_reopened_thread_shows_its_end_first_then_all_of_it_in_order(user: User) -> None:
    await user.open("/")
    for text in TURNS:
        await turn(user, text)
    thread = open_thread_id(user)
    assert 3 * len(TURNS) > chat_page.FIRST_SHOWN

    await user.open(f"/?thread={thread}")
    await until(lambda: bubbles(user) == TURNS, WAIT, "every message, in order")
    await until(lambda: len(markers(user, "regenerate")) == len(TURNS) and idle(user), WAIT)

    # The page still knows which reply is the newest and what each reply answered: the
    # earlier items added afterwards went above, in the records too.
    click(user, markers(user, "regenerate")[2])  # the reply to "Add chore 2"
    await until(lambda: "Add chore 3" not in labels(user), WAIT, "later items removed")
    await until(lambda: len(markers(user, "regenerate")) == 3 and idle(user), WAIT)
    assert bubbles(user) == TURNS[:3]
