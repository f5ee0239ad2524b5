"""Regenerate, retry and edit never repeat a data change, offline and with a real-shaped model."""

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from agents import Agent, RunContextWrapper, function_tool
from agents.models.interface import Model
from chatkit.actions import ActionConfig
from chatkit.agents import AgentContext
from chatkit.types import ThreadStreamEvent, UserMessageItem

from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.context import RequestContext
from chatkit_bridge.documents import TinyDBDocuments
from chatkit_bridge.interpreter import Interpreter, Reply, Step, ToolCall, Turn
from chatkit_bridge.jsonfiles import JsonFiles
from chatkit_bridge.llm import build_model
from chatkit_bridge.server import BridgeServer, message_text
from chatkit_bridge.settings import Settings
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.turn_effects import record_undo
from chatkit_bridge.turn_journal import EFFECTS_KEY
from chatkit_bridge.use_case import ActionRequest, UseCase
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


# -- any use case: changes undone on edit through the actions its tools registered ---------------


class Shelf(UseCase):
    """A minimal use case: things put on a shelf; each put registers the action that undoes it."""

    name = "shelf"
    title = "Shelf"

    def __init__(self, undoable: bool = True) -> None:
        self.things: list[str] = []
        self.undoable = undoable

    def build_agent(self, model: Model) -> Agent[AgentContext[RequestContext]]:
        @function_tool
        async def put(thing: str) -> str:
            """Put a thing on the shelf."""
            self.things.append(thing)
            if self.undoable:
                record_undo(ActionConfig(type="shelf.take", payload={"thing": thing}))
            return f"Put {thing} on the shelf."

        return Agent(name="shelf", instructions="Keep the shelf.", model=model, tools=[put])

    def interpreter(self) -> Interpreter:
        return ShelfRules()

    async def handle_action(self, request: ActionRequest) -> AsyncIterator[ThreadStreamEvent]:
        if request.action.type == "shelf.take":
            self.things.remove(request.action.payload["thing"])
        return
        yield


class ShelfRules:
    """Offline rules: "put X" puts X, then the reply says what the tool said."""

    def next_step(self, turn: Turn) -> Step:
        if turn.tool_results:
            return Reply(turn.tool_results[-1].output)
        return (ToolCall("put", {"thing": turn.user_text.removeprefix("put ")}),)


@pytest.fixture
def shelf(tmp_path: Path) -> tuple[Shelf, ChatKitClient, BridgeServer]:
    """Serve the shelf use case on the offline model."""
    use_case = Shelf()
    config = Settings(_env_file=None, data_store_path=tmp_path, llm_provider="offline")  # type: ignore[call-arg]
    server = BridgeServer(
        TinyDBStore(tmp_path), use_case, build_model(config, use_case.interpreter)
    )
    return use_case, ChatKitClient(server, RequestContext(user_id="ann")), server


async def test_editing_undoes_the_replaced_answers_changes_for_any_use_case(
    shelf: tuple[Shelf, ChatKitClient, BridgeServer],
) -> None:
    use_case, client, server = shelf
    thread_id = thread_id_of(await collect(client.create_thread("put milk")))
    await collect(client.send_message(thread_id, "put eggs"))
    first = next(i for i in (await client.list_items(thread_id)).data if i.type == "user_message")

    await collect(client.retry(thread_id, first.id))
    assert use_case.things == ["milk", "eggs"], "regenerate keeps what was done, once"

    await server.edit_user_message(thread_id, first.id, "put bread", client.context)
    events = await collect(client.retry(thread_id, first.id))

    assert not errors_in(events)
    assert use_case.things == ["bread"], "the edit replaced milk, and the removed eggs turn"
    items = (await client.list_items(thread_id)).data
    assert assistant_texts(items) == ["Put bread on the shelf."]


async def test_changes_without_an_undo_are_described_to_a_real_model_on_edit(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    use_case = Shelf(undoable=False)
    config = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_store_path=tmp_path,
        llm_provider="auto",  # the test default forces the offline model
        openai_base_url=fake.base_url,
        openai_model="local-model",
        llm_max_retries=0,
    )
    server = BridgeServer(
        TinyDBStore(tmp_path), use_case, build_model(config, use_case.interpreter)
    )
    client = ChatKitClient(server, RequestContext(user_id="ann"))
    fake.script = [CallTool("put", '{"thing": "milk"}'), Say("Put milk on the shelf.")]
    thread_id = thread_id_of(await collect(client.create_thread("put milk")))
    first = next(i for i in (await client.list_items(thread_id)).data if i.type == "user_message")
    asked = len(fake.requests)

    fake.script = [Say("Should the milk stay?")]
    await server.edit_user_message(thread_id, first.id, "put bread", client.context)
    assert not errors_in(await collect(client.retry(thread_id, first.id)))

    assert use_case.things == ["milk"], "nothing registered an undo, so nothing was undone"
    prompt = fake.requests[asked].body["messages"]
    told = [m for m in prompt if "edited their next message" in str(m.get("content"))]
    assert told and "Put milk on the shelf." in str(told[0]["content"])
    assert typed_text(prompt[-1]) == "put bread", "the note comes before the edited message"


# -- the record of a change is on disk with the change, before the tool answers --------------


class Ledger(UseCase):
    """Entries in a user document; posting one changes data the journal must not repeat."""

    name = "ledger"
    title = "Ledger"

    def __init__(self, folder: Path) -> None:
        self.documents = TinyDBDocuments(folder, "ledger")
        self.posted = asyncio.Event()
        self.answer = asyncio.Event()

    def build_agent(self, model: Model) -> Agent[AgentContext[RequestContext]]:
        @function_tool
        async def post(ctx: RunContextWrapper[AgentContext[RequestContext]], entry: str) -> str:
            """Post an entry."""
            user = ctx.context.request_context.user_id
            await asyncio.to_thread(
                self.documents.update, user, lambda rows: rows.append({"e": entry})
            )
            self.posted.set()
            await self.answer.wait()  # the process may die here, before the tool answers
            return f"Posted {entry}."

        return Agent(name="ledger", instructions="Post entries.", model=model, tools=[post])

    def interpreter(self) -> Interpreter:
        return LedgerRules()

    def subscribe(self, user_id: str, callback: Callable[[], None]) -> Callable[[], None]:
        return self.documents.subscribe(lambda changed: callback() if changed == user_id else None)

    async def handle_action(self, request: ActionRequest) -> AsyncIterator[ThreadStreamEvent]:
        return
        yield


class LedgerRules:
    """Offline rules: "post X" posts X, then the reply says what the tool said."""

    def next_step(self, turn: Turn) -> Step:
        if turn.tool_results:
            return Reply(turn.tool_results[-1].output)
        return (ToolCall("post", {"entry": turn.user_text.removeprefix("post ")}),)


def ledger_server(tmp_path: Path, use_case: Ledger) -> BridgeServer:
    config = Settings(_env_file=None, data_store_path=tmp_path, llm_provider="offline")  # type: ignore[call-arg]
    store = TinyDBStore(tmp_path, files=JsonFiles())  # caches of its own, as after a restart
    return BridgeServer(store, use_case, build_model(config, use_case.interpreter))


async def test_a_changes_record_is_on_disk_with_the_change_before_the_tool_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fdatasync = os.fdatasync

    def watched(fd: int) -> None:
        real_fdatasync(fd)
        synced.append(Path(os.readlink(f"/proc/self/fd/{fd}")).read_text())

    monkeypatch.setattr(os, "fdatasync", watched)
    use_case = Ledger(tmp_path)
    client = ChatKitClient(ledger_server(tmp_path, use_case), RequestContext(user_id="ann"))
    turn = asyncio.create_task(collect(client.create_thread("post rent")))
    try:
        await asyncio.wait_for(use_case.posted.wait(), 30)
        # Synced to disk (the thread file's log) by the thread that saved the entry.
        assert any('\\"tool\\":\\"post\\"' in text and "rent" in text for text in synced)
    finally:
        turn.cancel()  # the process dies before the tool answers
        await asyncio.gather(turn, return_exceptions=True)

    use_case.answer.set()
    restarted = ChatKitClient(ledger_server(tmp_path, use_case), RequestContext(user_id="ann"))
    (thread_meta,) = (await restarted.list_threads()).data
    message = next(
        i for i in (await restarted.list_items(thread_meta.id)).data if i.type == "user_message"
    )
    events = await collect(restarted.retry(thread_meta.id, message.id))
    assert not errors_in(events)
    assert use_case.documents.read("ann") == [{"e": "rent"}], "the retry did not post it again"
