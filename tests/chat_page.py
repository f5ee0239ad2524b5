"""Drive the chat page as NiceGUI's simulated user does: send, wait for the reply, read state."""

from nicegui import ui
from nicegui.testing import User

from tests.polling import until


async def send(user: User, text: str) -> None:
    """Type a message and press Send."""
    user.find(marker="composer").type(text)
    user.find(marker="send").click()


async def turn(user: User, text: str) -> None:
    """Send a message and wait until its reply streamed to the end, as a user waits to act."""
    await send(user, text)
    # The composer empties in the same step that swaps Send for Stop during the reply.
    await until(lambda: composer(user).value == "", what="message sent")
    await until(lambda: send_button(user).visible and send_button(user).enabled, what="reply end")


def composer(user: User) -> ui.textarea:
    """Return the composer's text box."""
    (box,) = user.find(marker="composer").elements
    assert isinstance(box, ui.textarea)
    return box


def send_button(user: User) -> ui.button:
    """Return the composer's Send button."""
    (button,) = user.find(marker="send").elements
    assert isinstance(button, ui.button)
    return button


def todo_ids(user: User) -> list[str]:
    """Return the todo ids shown in the side panel, in order."""
    markers = [m for element in user.client.layout.descendants() for m in element._markers]
    return [m.removeprefix("panel-check-") for m in markers if m.startswith("panel-check-")]


def open_thread_id(user: User) -> str:
    """Return the thread the chat page has open ("none" for a new chat)."""
    (page,) = user.find(marker="chat-page").elements
    return str(page.props["data-thread"])
