"""Regenerate, retry and edit never repeat a data change, offline and with a real-shaped model."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import UserMessageItem

from chatkit_bridge.server import message_text
from chatkit_bridge.turn_journal import EFFECTS_KEY
from tests.fake_openai import CallTool, Fail, FakeOpenAI, Say
from tests.stack import Stack, assistant_texts, build_stack, collect, errors_in, thread_id_of


@pytest.fixture
def offline(tmp_path: Path) -> Stack:
    """The app's stack on the offline model."""
    return build_stack(tmp_path, llm_provider="offline")


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    """Run the scripted OpenAI-compatible server."""
    with FakeOpenAI().running() as server:
        yield server


@pytest.fixture
def real(fake: FakeOpenAI, tmp_path: Path) -> Stack:
    """The app's stack on the scripted server, as an OpenAI-compatible model."""
    return build_stack(
        tmp_path,
        openai_base_url=fake.base_url,
        openai_model="local-model",
        llm_max_retries=0,
        llm_timeout_seconds=5,
    )


def text_of(message: dict[str, Any]) -> str:
    """Return the text of a Chat Completions message, whether a string or a list of parts."""
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content)
    return str(content or "")


def typed_text(message: dict[str, Any]) -> str:
    """Return what the user typed: the first part (the app's current state follows it)."""
    content = message.get("content")
    return str(content[0].get("text", "")) if isinstance(content, list) else str(content or "")


async def user_messages(stack: Stack, thread_id: str) -> list[UserMessageItem]:
    """Return a thread's user messages, oldest first."""
    items = (await stack.client.list_items(thread_id)).data
    return [item for item in items if isinstance(item, UserMessageItem)]


async def start(stack: Stack, text: str) -> tuple[str, str]:
    """Start a thread with a message; return the thread id and the message id."""
    thread_id = thread_id_of(await collect(stack.client.create_thread(text)))
    (message,) = await user_messages(stack, thread_id)
    return thread_id, message.id


async def edit(stack: Stack, thread_id: str, item_id: str, text: str) -> None:
    """Edit a user message and answer it again, as the page does."""
    await stack.server.edit_user_message(thread_id, item_id, text, stack.client.context)
    events = await collect(stack.client.retry(thread_id, item_id))
    assert not errors_in(events)


# -- offline model -------------------------------------------------------------------------


async def test_regenerating_an_add_leaves_one_todo_offline(offline: Stack) -> None:
    thread_id, message = await start(offline, "add buy milk")
    assert offline.titles() == [("buy milk", False)]

    for _ in range(3):
        events = await collect(offline.client.retry(thread_id, message))
        assert not errors_in(events)

    assert offline.titles() == [("buy milk", False)]
    items = (await offline.client.list_items(thread_id)).data
    assert len(assistant_texts(items)) == 1, "the regenerated reply replaces the old one"


async def test_a_retry_whose_change_record_was_lost_still_adds_nothing_twice(
    offline: Stack,
) -> None:
    # A crash between the todo write and the record of the change loses the record; the todo
    # itself carries the turn it came from, so answering that message again finds it.
    thread_id, message = await start(offline, "add buy milk")
    context = offline.client.context
    thread = await offline.store.load_thread(thread_id, context)
    thread.metadata = {key: value for key, value in thread.metadata.items() if key != EFFECTS_KEY}
    await offline.store.save_thread(thread, context)

    events = await collect(offline.client.retry(thread_id, message))

    assert not errors_in(events)
    assert offline.titles() == [("buy milk", False)]


async def test_regenerating_an_older_reply_keeps_later_changes_once(offline: Stack) -> None:
    thread_id, first = await start(offline, "add buy milk")
    await collect(offline.client.send_message(thread_id, "add walk the dog"))

    await collect(offline.client.retry(thread_id, first))

    # The second turn is removed from the thread, its change stays applied, nothing doubles.
    assert offline.titles() == [("buy milk", False), ("walk the dog", False)]
    assert len(await user_messages(offline, thread_id)) == 1


async def test_a_new_identical_request_in_a_new_turn_still_runs(offline: Stack) -> None:
    thread_id, _ = await start(offline, "add buy milk")
    await collect(offline.client.send_message(thread_id, "add buy milk"))

    assert offline.titles() == [("buy milk", False), ("buy milk", False)]


async def test_editing_a_message_answers_the_new_text(offline: Stack) -> None:
    thread_id, message = await start(offline, "add buy milk")
    await collect(offline.client.send_message(thread_id, "what's on my list?"))

    await edit(offline, thread_id, message, "add buy bread")

    (edited,) = await user_messages(offline, thread_id)
    assert message_text(edited) == "add buy bread", "later messages are removed"
    assert offline.titles() == [("buy bread", False)], "bread instead of milk, not both"


# -- a real-model-shaped turn (Chat Completions with tool calls) -----------------------------


async def test_regenerating_a_tool_turn_of_a_real_model_adds_once(
    real: Stack, fake: FakeOpenAI
) -> None:
    fake.script = [CallTool("add_todos", '{"titles": ["buy milk"]}'), Say("Added buy milk.")]
    thread_id, message = await start(real, "Add buy milk")
    assert real.titles() == [("buy milk", False)]
    asked = len(fake.requests)

    # The model calls the same tool again, with the arguments spelled differently.
    fake.script = [CallTool("add_todos", '{ "titles":["buy milk"] }'), Say("Added it.")]
    events = await collect(real.client.retry(thread_id, message))

    assert not errors_in(events)
    assert real.titles() == [("buy milk", False)]
    prompt = fake.requests[asked].body["messages"]
    told = [m for m in prompt if "already made these changes" in str(m.get("content"))]
    assert told and "buy milk" in str(told[0]["content"]), "the model hears what is applied"
    assert prompt[-1]["role"] == "user" and typed_text(prompt[-1]) == "Add buy milk"
    tool_answer = [m for m in fake.requests[asked + 1].body["messages"] if m["role"] == "tool"]
    assert "not repeated" in tool_answer[-1]["content"]


async def test_retry_after_a_failed_tool_turn_does_not_repeat_the_change(
    real: Stack, fake: FakeOpenAI
) -> None:
    fake.script = [CallTool("add_todos", '{"titles": ["buy milk"]}'), Fail(503)]
    thread_id, message = await start(real, "Add buy milk")
    assert real.titles() == [("buy milk", False)]

    fake.script = [CallTool("add_todos", '{"titles": ["buy milk"]}'), Say("Done.")]
    events = await collect(real.client.retry(thread_id, message))

    assert not errors_in(events)
    assert real.titles() == [("buy milk", False)]


async def test_editing_undoes_the_todo_change_before_a_real_model_answers(
    real: Stack, fake: FakeOpenAI
) -> None:
    fake.script = [CallTool("add_todos", '{"titles": ["buy milk"]}'), Say("Added buy milk.")]
    thread_id, message = await start(real, "Add buy milk")
    asked = len(fake.requests)

    fake.script = [Say("What should I add?")]
    await edit(real, thread_id, message, "Add buy bread")

    # The todo tools register their Undo, so the replaced answer's add is reverted first and
    # the model sees the edited message with nothing left to revert.
    assert real.titles() == []
    prompt = fake.requests[asked].body["messages"]
    assert prompt[-1]["role"] == "user" and typed_text(prompt[-1]) == "Add buy bread"
    assert not [m for m in prompt if "edited their next message" in str(m.get("content"))]


async def test_only_changes_are_remembered_not_reads(real: Stack, fake: FakeOpenAI) -> None:
    fake.script = [CallTool("list_todos", "{}"), Say("Your list is empty.")]
    thread_id, message = await start(real, "What's on my list?")
    fake.script = [CallTool("add_todos", '{"titles": ["call mom"]}'), Say("Added.")]
    await collect(real.client.send_message(thread_id, "add call mom"))
    asked = len(fake.requests)

    fake.script = [CallTool("list_todos", "{}"), Say("You have one todo.")]
    await collect(real.client.retry(thread_id, message))

    # The read ran again and saw the todo added later, instead of a remembered empty answer.
    tool_answer = [m for m in fake.requests[asked + 1].body["messages"] if m["role"] == "tool"]
    assert "You have 1 todo" in tool_answer[-1]["content"]
    assert real.titles() == [("call mom", False)]
