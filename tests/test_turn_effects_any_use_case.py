"""Any use case's changes are undone on edit through the actions its tools registered,
and a change's record is on disk with the change, before the tool answers.

The todo use case offline and with a real-shaped model: tests/test_turn_effects.py.
"""

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from agents import Agent, RunContextWrapper, function_tool
from agents.models.interface import Model
from chatkit.actions import ActionConfig
from chatkit.agents import AgentContext
from chatkit.types import ThreadStreamEvent

from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.context import RequestContext
from chatkit_bridge.documents import TinyDBDocuments
from chatkit_bridge.interpreter import Interpreter, Reply, Step, ToolCall, Turn
from chatkit_bridge.jsonfiles import JsonFiles
from chatkit_bridge.llm import build_model
from chatkit_bridge.server import BridgeServer
from chatkit_bridge.settings import Settings
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.turn_effects import record_undo
from chatkit_bridge.use_case import ActionRequest, UseCase
from tests.fake_openai import CallTool, FakeOpenAI, Say
from tests.stack import assistant_texts, collect, errors_in, thread_id_of
from tests.test_turn_effects import typed_text


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    """Run the scripted OpenAI-compatible server."""
    with FakeOpenAI().running() as server:
        yield server


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
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        if path.is_relative_to(tmp_path):  # not another test's thread still writing
            synced.append(path.read_text())

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
