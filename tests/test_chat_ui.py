"""The chat page with NiceGUI's simulated user: messages, the todo card, the panel, threads."""

import logging
import threading
from collections.abc import Callable

import pytest
from nicegui import ui
from nicegui.testing import User

from chatkit_bridge.ui.safe_markdown import SafeMarkdown
from tests.chat_page import open_thread_id, send, todo_ids
from tests.fake_openai import Fail, FakeOpenAI, Say, SlowSay
from tests.polling import stays, until


async def one_todo(user: User) -> str:
    """Return the id of the one todo the side panel shows, once it shows it."""
    await until(lambda: len(todo_ids(user)) == 1, what="one todo in the panel")
    (todo_id,) = todo_ids(user)
    return todo_id


async def shows(user: User, marker: str) -> None:
    """Wait until an element with this marker is on the page and the reply has ended."""
    await until(lambda: bool(user.find(marker=marker).elements))
    await idle(user)


async def idle(user: User) -> None:
    """Wait until no reply or card action is in flight (Stop is hidden)."""
    # The page ignores card clicks while a stream runs; a user waits for the answer too.
    await until(lambda: not [e for e in elements(user) if "stop" in e._markers and e.visible])


def elements(user: User) -> list[ui.element]:
    """Return every element of the open page."""
    return list(user.client.layout.descendants())


def checkbox(user: User, marker: str) -> ui.checkbox:
    """Return the one checkbox with a marker."""
    (element,) = user.find(marker=marker).elements
    assert isinstance(element, ui.checkbox)
    return element


def text_of(user: User, marker: str) -> str:
    """Return the text of the one element with a marker."""
    (element,) = user.find(marker=marker).elements
    return getattr(element, "text", "")


async def test_a_message_adds_todos_and_shows_card_and_panel(user: User) -> None:
    await user.open("/")
    await user.should_see("Offline demo model")
    await send(user, "Add three tasks: buy groceries, finish report, and call mom")
    await shows(user, "todo-card")
    await user.should_see("3 pending")
    await until(lambda: len(todo_ids(user)) == 3)
    assert text_of(user, "panel-counts") == "3 pending · 0 done"
    await user.should_see("finish report")


async def test_ticking_the_card_updates_card_and_panel(user: User) -> None:
    await user.open("/")
    await send(user, "Add buy milk to my list")
    await shows(user, "todo-card")
    todo_id = await one_todo(user)

    user.find(marker=f"todo-check-{todo_id}").click()
    await user.should_see("1 done")
    await until(lambda: checkbox(user, f"panel-check-{todo_id}").value is True)
    assert text_of(user, "panel-counts") == "0 pending · 1 done"


async def test_delete_and_add_from_the_card(user: User) -> None:
    await user.open("/")
    await send(user, "Add walk the dog")
    await shows(user, "todo-card")
    todo_id = await one_todo(user)

    user.find(marker="todo-add-input").type("water plants 🌱")
    user.find(marker="todo-add-button").click()
    await until(lambda: len(todo_ids(user)) == 2)
    await user.should_see("water plants 🌱")
    await idle(user)

    user.find(marker=f"todo-delete-{todo_id}").click()
    await until(lambda: todo_id not in todo_ids(user))
    await user.should_not_see(marker=f"todo-row-{todo_id}")
    await user.should_see('Deleted "walk the dog".')
    await idle(user)

    # Undo on the card brings it back, in card and panel.
    user.find(marker="todo-undo-button").click()
    await until(lambda: todo_id in todo_ids(user))
    await user.should_see(marker=f"todo-row-{todo_id}")
    await user.should_not_see(marker="todo-undo-button")


async def test_the_pages_own_changes_are_not_redrawn_again(
    user: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="chatkit_bridge.server")

    def refreshes() -> int:
        return sum("action todo.refresh" in record.getMessage() for record in caplog.records)

    await user.open("/")
    await send(user, "Add post the letter")
    await shows(user, "todo-card")
    await until(lambda: len(todo_ids(user)) == 1)
    (todo_id,) = todo_ids(user)
    user.find(marker=f"todo-check-{todo_id}").click()
    await user.should_see("1 done")
    await idle(user)
    # A refresh would follow within 0.1 s of the change; the turn and the click drew the card.
    await stays(lambda: refreshes() == 0, 0.5)

    # A change made elsewhere (the panel) does refresh the card.
    checkbox(user, f"panel-check-{todo_id}").set_value(False)
    await until(lambda: refreshes() == 1)
    await user.should_see("0 done")


async def test_panel_changes_reach_the_card(user: User) -> None:
    await user.open("/")
    await send(user, "Add call the bank")
    await shows(user, "todo-card")
    todo_id = await one_todo(user)

    checkbox(user, f"panel-check-{todo_id}").set_value(True)
    await until(lambda: bool(user.find("All caught up").elements))
    assert checkbox(user, f"todo-check-{todo_id}").value is True

    user.find(marker=f"panel-rename-{todo_id}").click()
    user.find(marker="panel-rename-input").clear().type("call the bank at 9")
    user.find(marker="panel-rename-save").click()
    await until(lambda: text_of(user, f"panel-title-{todo_id}") == "call the bank at 9")
    await user.should_see(marker=f"todo-title-{todo_id}", content="call the bank at 9")


async def test_threads_are_listed_renamed_reopened_and_deleted(user: User) -> None:
    await user.open("/")
    await send(user, "Add buy stamps")
    await shows(user, "todo-card")
    await user.should_see(kind=ui.item_label, content="Add buy stamps")

    user.find("New chat").click()
    await user.should_see("What can you do?")  # starter prompts on an empty thread
    await user.should_not_see(marker="todo-card")

    user.find(marker="thread-item").click()
    await shows(user, "todo-card")

    user.find(marker="rename-thread").click()
    user.find(marker="thread-title-input").clear().type("Errands")
    user.find(marker="thread-title-save").click()
    await user.should_see(kind=ui.item_label, content="Errands")

    user.find(marker="delete-thread").click()
    await user.should_see("Its messages are removed for good.")
    user.find(marker="thread-delete-confirm").click()
    await until(lambda: not [e for e in elements(user) if "thread-item" in e._markers])
    await user.should_see("No chats yet")


async def test_history_comes_back_after_reopening_the_page(user: User) -> None:
    await user.open("/")
    await send(user, "Add renew passport")
    await shows(user, "todo-card")
    await user.open(f"/?thread={open_thread_id(user)}")
    await user.should_see(kind=ui.label, content="Add renew passport")
    await shows(user, "todo-card")


async def test_markup_in_messages_and_titles_shows_as_text(user: User) -> None:
    await user.open("/")
    attack = "<img src=x onerror=alert(1)> **bold** <script>alert(2)</script>"
    await send(user, f"Add {attack}")
    await shows(user, "todo-card")
    await user.should_see(kind=ui.label, content=f"Add {attack}")
    # Raw HTML elements only ever hold rendered markdown, in which typed HTML is text.
    html = [e for e in elements(user) if isinstance(e, ui.html)]
    assert all(isinstance(e, SafeMarkdown) for e in html)
    assert not [e for e in html if "<img" in e.content or "<script" in e.content]


async def test_two_users_never_see_each_other(user: User, create_user: Callable[[], User]) -> None:
    await user.open("/")
    await send(user, "Add alice secret")
    await shows(user, "todo-card")

    other = create_user()
    await other.open("/")
    await other.should_see("No chats yet")
    await other.should_not_see("alice secret")
    assert todo_ids(other) == []


async def test_a_change_in_one_tab_shows_in_the_other(user: User) -> None:
    first_tab = await user.open("/")
    await user.open("/")
    await send(user, "Add shared task")
    await shows(user, "todo-card")
    user.client = first_tab
    await until(lambda: text_of(user, "panel-counts") == "1 pending · 0 done")
    await user.should_see(kind=ui.label, content="shared task")
    assert text_of(user, "panel-counts") == "1 pending · 0 done"


async def test_an_error_offers_retry_that_works(fake_model: FakeOpenAI, user: User) -> None:
    fake_model.script = [Fail(500), Say("Second time lucky.")]
    await user.open("/")
    await send(user, "hello")
    await user.should_see("The model service failed (HTTP 500)")
    await idle(user)  # Retry during the failed turn's last step is refused ("wait for it")
    user.find("Retry").click()
    await user.should_see("Second time lucky.")
    await user.should_not_see("The model service failed")


async def test_stop_cancels_the_reply_and_keeps_what_was_said(
    fake_model: FakeOpenAI, user: User
) -> None:
    words = " ".join(f"word{n}" for n in range(60))
    # The reply waits after its first word until the test has pressed Stop: a busy machine
    # cannot let it finish first.
    rest_may_come = threading.Event()
    fake_model.script = [SlowSay(words, delay=0.01, gate=rest_may_come)]
    await user.open("/")
    await send(user, "tell me a long story")
    try:
        await user.should_see(marker="stop")
        await user.should_see("word0")  # part of the reply streamed
        user.find(marker="stop").click()
        await user.should_see("Stopped")
        await user.should_see(marker="send")  # back once the server has kept what was said
    finally:
        rest_may_come.set()
    assert user.find(marker="send").elements.pop().enabled
    await user.open(f"/?thread={open_thread_id(user)}")
    await user.should_see("word0")
    await user.should_not_see("word59")


async def test_feedback_is_recorded(user: User) -> None:
    await user.open("/")
    await send(user, "help")
    await user.should_see(marker="feedback-positive")
    user.find(marker="feedback-positive").click()
    await user.should_see("Thanks for the feedback")
    await user.should_see(marker="feedback-positive-chosen")
    await user.open(f"/?thread={open_thread_id(user)}")  # the page reads the vote back from disk
    await user.should_see(kind=ui.label, content="help")
    await user.should_see(marker="feedback-positive-chosen")


async def test_a_very_long_message_shows_exactly_and_gets_an_answer(user: User) -> None:
    await user.open("/")
    long_text = ("éè 👋 שלום " * 5000)[:50_000]
    await send(user, long_text)
    await user.should_see(kind=ui.label, content=long_text)
    await user.should_see(marker="feedback-positive")  # the reply arrived and finished
    await user.should_see(marker="send")
    assert todo_ids(user) == []
