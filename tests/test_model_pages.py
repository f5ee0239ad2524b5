"""What a person sees of an imperfect model on the chat page: the wait, cut-offs, no-ops."""

import asyncio
import logging
import re
import threading

import pytest
from nicegui import ui
from nicegui.testing import User

from tests.chat_page import send
from tests.fake_openai import GATE_PATIENCE, Delay, FakeOpenAI, Say, SlowSay
from tests.polling import holds, until


def texts(user: User, marker: str) -> list[str]:
    """Return the texts of the elements with a marker."""
    return [getattr(element, "text", "") for element in user.find(marker=marker).elements]


def buttons(user: User, label: str) -> list[ui.button]:
    """Return the buttons with a label."""
    elements = user.client.layout.descendants()
    return [e for e in elements if isinstance(e, ui.button) and e.text == label]


def thread_shown(user: User) -> str:
    """Return the id of the thread the page shows."""
    (page,) = user.find(marker="chat-page").elements
    return str(page.props["data-thread"])


def seconds_shown(user: User) -> int:
    """Return the seconds the progress line shows ("3 s"); no number yet raises ValueError."""
    (text,) = texts(user, "progress-elapsed")
    if not re.fullmatch(r"\d+ s", text):
        raise ValueError(text)
    return int(text.removesuffix(" s"))


async def test_the_page_shows_it_waits_for_the_model_with_elapsed_seconds(
    fake_model: FakeOpenAI, user: User
) -> None:
    # The model answers when the test has seen the seconds count, however busy the machine.
    answer = threading.Event()
    fake_model.script = [Delay(GATE_PATIENCE, Say("Finally here."), gate=answer)]
    await user.open("/")
    await send(user, "hello")
    try:
        await user.should_see("Waiting for the model…")
        await until(lambda: seconds_shown(user) >= 1, what="the wait's seconds shown")
        first = seconds_shown(user)
        await until(lambda: seconds_shown(user) > first, what="the seconds counting on")
    finally:
        answer.set()
    await user.should_see("Finally here.")
    await user.should_not_see("Waiting for the model…")


async def test_a_cut_off_reply_says_so_and_continue_carries_on(
    fake_model: FakeOpenAI, user: User
) -> None:
    fake_model.script = [Say("The first half of the answer", finish="length"), Say("and the rest.")]
    await user.open("/")
    await send(user, "explain everything")

    await user.should_see("This reply was cut off")
    user.find("Continue").click()
    await user.should_see("and the rest.")
    await user.should_see("This reply was cut off; continued below.")
    assert buttons(user, "Continue") == [], "Continue is offered once"


async def test_a_change_the_model_only_claimed_can_be_done_in_one_click(
    fake_model: FakeOpenAI, user: User
) -> None:
    fake_model.script = [Say("I added buy oat milk to your list.")]
    await user.open("/")
    await send(user, "add buy oat milk")

    await user.should_see("Nothing was changed")
    user.find("Do it").click()
    await user.should_see(marker="todo-card")
    await user.should_see("buy oat milk")
    assert buttons(user, "Do it") == []


async def test_closing_the_tab_mid_reply_warns_nothing_and_the_reply_is_kept(
    fake_model: FakeOpenAI, user: User, caplog: pytest.LogCaptureFixture
) -> None:
    words = " ".join(f"word{n}" for n in range(30))
    rest_may_come = threading.Event()  # the reply is still streaming when the tab goes
    fake_model.script = [SlowSay(words, delay=0.05, gate=rest_may_come)]
    await user.open("/")
    await send(user, "tell me a long story")
    try:
        await user.should_see("word0")
        thread_id = thread_shown(user)
        caplog.set_level(logging.WARNING)
        user.client.delete()  # the tab goes away while the reply streams
    finally:
        rest_may_come.set()
    for _ in range(60):  # a reload shows the reply once it is finished and saved
        await user.open(f"/?thread={thread_id}")
        if holds(lambda: bool(user.find("word29").elements)):
            break
        await asyncio.sleep(0.5)
    await user.should_see("word29")

    assert not [r for r in caplog.records if "Client has been deleted" in r.getMessage()]
