"""Feedback while a turn runs and errors that stay: progress steps, refused sends, stored errors."""

import asyncio
import threading
from pathlib import Path

import pytest
from chatkit.types import ProgressUpdateEvent
from nicegui import ui
from nicegui.testing import User

from chatkit_bridge.ui import chat_page
from tests.chat_page import turn
from tests.fake_openai import Fail, FakeOpenAI, Say, SlowSay
from tests.polling import holds, until, until_async
from tests.stack import build_stack, collect


async def send(user: User, text: str) -> None:
    """Type a message and press Enter."""
    user.find(marker="composer").type(text).trigger("keydown.enter.exact.prevent")
    await asyncio.sleep(0)


def retry_buttons(user: User) -> list[ui.button]:
    """Return the Retry buttons on the page."""
    return [
        element
        for element in user.client.layout.descendants()
        if isinstance(element, ui.button) and element.text == "Retry"
    ]


async def turn_ended(user: User) -> None:
    """Wait until the turn has ended (Stop hidden): an error shows a moment before that, and a
    message sent in between is refused."""
    await user.should_not_see(marker="stop")


async def reopened_shows(user: User, *texts: str) -> None:
    """Reload the thread until it shows every text: a turn's errors are stored after its end."""
    path = f"/?thread={thread_shown(user)}"

    async def reopened() -> bool:
        await user.open(path)
        return all(holds(lambda text=text: bool(user.find(text).elements)) for text in texts)

    await until_async(reopened, interval=0.5, what=f"{texts} all shown after a reload")


def thread_shown(user: User) -> str:
    """Return the id of the thread the page shows."""
    (page,) = user.find(marker="chat-page").elements
    return str(page.props["data-thread"])


async def test_adding_todos_reports_the_step_as_progress(tmp_path: Path) -> None:
    stack = build_stack(tmp_path / "data", llm_provider="offline")
    events = await collect(stack.client.create_thread("Add buy milk and call mom"))
    steps = [event.text for event in events if isinstance(event, ProgressUpdateEvent)]
    assert "Adding 2 todos…" in steps


async def test_errors_stay_where_they_happened_also_after_a_reload(
    fake_model: FakeOpenAI, user: User
) -> None:
    fake_model.script = [Fail(500), Say("Fine now.")]
    await user.open("/")
    await send(user, "hello")
    await user.should_see("The model service failed (HTTP 500)")
    assert len(retry_buttons(user)) == 1

    await turn_ended(user)
    await send(user, "hello again")
    await user.should_see("Fine now.")
    await user.should_see("The model service failed (HTTP 500)")  # still there
    assert retry_buttons(user) == []  # only the newest turn can be retried

    await turn_ended(user)
    await reopened_shows(user, "Fine now.", "The model service failed (HTTP 500)")
    assert retry_buttons(user) == []


async def test_a_refused_key_says_what_to_fix_and_offers_no_retry(
    fake_model: FakeOpenAI, user: User
) -> None:
    fake_model.script = [Fail(401)]
    await user.open("/")
    await send(user, "hello")
    await user.should_see("check OPENAI_API_KEY")
    assert retry_buttons(user) == []
    await turn_ended(user)
    await reopened_shows(user, "check OPENAI_API_KEY")


async def test_enter_during_a_reply_keeps_the_draft_and_says_why(
    fake_model: FakeOpenAI, user: User
) -> None:
    reply_may_end = threading.Event()
    fake_model.script = [SlowSay("one two three", delay=0.1, gate=reply_may_end), Say("Second.")]
    await user.open("/")
    await send(user, "first")
    await user.should_see(marker="stop")
    await send(user, "second")
    (note,) = user.find(marker="composer-note").elements
    assert "shown" in note.classes and "reply is still coming" in note.text
    (composer,) = user.find(marker="composer").elements
    assert composer.value == "second"
    reply_may_end.set()
    # The turn has ended, not only its reply: feedback buttons show a moment earlier, and an
    # Enter then was refused again on a busy machine.
    await user.should_not_see(marker="stop")
    user.find(marker="composer").trigger("keydown.enter.exact.prevent")
    await user.should_see("Second.")
    await until(lambda: "shown" not in note.classes)


async def test_a_long_thread_opens_with_its_newest_items_and_can_show_all(
    monkeypatch: pytest.MonkeyPatch, user: User
) -> None:
    monkeypatch.setattr(chat_page, "SHOWN_ITEMS", 4)  # two turns of "help" (message + reply)
    await user.open("/")
    for n in range(3):
        # Each reply must end before the next message: one sent during a reply is held back.
        await turn(user, f"help {n}")
    await until(lambda: len(user.find(marker="feedback-positive").elements) == 3)
    await user.open(f"/?thread={thread_shown(user)}")
    await user.should_see("help 2")
    await user.should_see("help 1")
    await user.should_not_see("help 0")
    user.find(marker="show-earlier").click()
    await user.should_see("help 0")
    await user.should_not_see(marker="show-earlier")
