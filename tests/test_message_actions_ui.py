"""Regenerate any reply and edit any message on the chat page (NiceGUI's simulated user)."""

from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from tests.polling import until
from tests.test_chat_ui import elements, send, todo_ids

WAIT = 30.0  # the test machine is shared and busy


def markers(user: User, marker: str) -> list[ui.element]:
    """Return the elements of the open page that carry a marker."""
    return [element for element in elements(user) if marker in element._markers]


def labels(user: User) -> list[str]:
    """Return the texts of the page's labels, in page order."""
    return [e.text for e in elements(user) if isinstance(e, ui.label)]


def click(user: User, element: ui.element) -> None:
    """Click one element, where several carry the same marker."""
    UserInteraction(user, {element}, None).click()


def idle(user: User) -> bool:
    """Tell whether no reply is streaming."""
    (button,) = markers(user, "send")
    return button.visible and button.enabled  # Stop takes Send's place while a reply streams


async def say_and_wait(user: User, text: str, replies: int) -> None:
    """Send a message and wait until the page shows `replies` finished replies."""
    await send(user, text)
    await until(lambda: len(markers(user, "regenerate")) == replies and idle(user), WAIT)


async def test_regenerating_a_reply_answers_again_without_repeating_the_change(
    user: User,
) -> None:
    await user.open("/")
    await say_and_wait(user, "add buy milk", replies=1)
    assert len(todo_ids(user)) == 1
    (button,) = markers(user, "regenerate")
    assert button.props["aria-label"] == "Regenerate reply"

    click(user, button)
    await until(lambda: button.is_deleted, WAIT)  # the old reply goes
    await until(lambda: len(markers(user, "regenerate")) == 1 and idle(user), WAIT)

    assert len(todo_ids(user)) == 1, "one buy milk, not two"
    assert labels(user).count("add buy milk") == 1


async def test_regenerating_an_older_reply_removes_what_came_after(user: User) -> None:
    await user.open("/")
    await say_and_wait(user, "add buy milk", replies=1)
    await say_and_wait(user, "what's on my list?", replies=2)

    click(user, markers(user, "regenerate")[0])
    await until(lambda: "what's on my list?" not in labels(user), WAIT)
    await until(lambda: len(markers(user, "regenerate")) == 1 and idle(user), WAIT)
    assert len(todo_ids(user)) == 1


async def test_editing_a_message_continues_the_thread_from_it(user: User) -> None:
    await user.open("/")
    await say_and_wait(user, "add buy milk", replies=1)
    await say_and_wait(user, "what's on my list?", replies=2)
    first_edit = markers(user, "edit-message")[0]
    assert first_edit.props["aria-label"] == "Edit message"

    click(user, first_edit)
    await user.should_see(marker="edit-input")
    user.find(marker="edit-input").clear().type("add buy bread")
    user.find(marker="edit-send").click()

    await until(lambda: "add buy bread" in labels(user), WAIT)
    await until(lambda: len(markers(user, "regenerate")) == 1 and idle(user), WAIT)
    assert "add buy milk" not in labels(user)
    assert "what's on my list?" not in labels(user), "later messages are removed"
    assert len(todo_ids(user)) == 1, "bread replaced milk"
