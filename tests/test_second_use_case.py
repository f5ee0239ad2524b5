"""A second use case, "notes", defined here and run through the unchanged generic layer.

Nothing below touches `chatkit_bridge/`: the notes assistant plugs into the same server,
store, offline model, client, renderer and chat page that host the todo assistant. This module
is also the template for testing a new use case (see docs/EXTENDING.md).
"""

import asyncio
import logging
import re
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from agents import Agent, FunctionTool, RunContextWrapper, function_tool
from agents.models.interface import Model
from chatkit.actions import ActionConfig
from chatkit.agents import AgentContext
from chatkit.types import (
    HiddenContextItem,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadStreamEvent,
    WidgetItem,
)
from chatkit.widgets import Button, Card, Text, WidgetComponent, WidgetRoot
from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction
from pydantic import TypeAdapter

from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.context import RequestContext
from chatkit_bridge.interpreter import Reply, Step, ToolCall, Turn
from chatkit_bridge.llm import build_model
from chatkit_bridge.server import BridgeServer
from chatkit_bridge.settings import Settings
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.ui.chat_page import ChatPage
from chatkit_bridge.ui.renderer import WidgetView
from chatkit_bridge.use_case import ActionRequest, StarterPrompt, UseCase
from tests.polling import until
from tests.stack import assistant_texts, collect, errors_in, thread_id_of, widgets_in

# ----- the notes use case: data ------------------------------------------------------------


class NoteBook:
    """Each user's notes, in memory; tools run in worker threads, so every access is locked."""

    def __init__(self) -> None:
        self._notes: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def add(self, user_id: str, text: str) -> list[str]:
        """Add a note and return the user's notes."""
        with self._lock:
            notes = self._notes.setdefault(user_id, [])
            notes.append(text)
            return list(notes)

    def list(self, user_id: str) -> list[str]:
        """Return the user's notes, oldest first."""
        with self._lock:
            return list(self._notes.get(user_id, []))

    def clear(self, user_id: str) -> int:
        """Delete the user's notes and return how many there were."""
        with self._lock:
            return len(self._notes.pop(user_id, []))


# ----- widgets -----------------------------------------------------------------------------

CARD_ID = "notes-card"
CLEAR_ACTION = "notes.clear"
EMPTY_TEXT = "No notes yet"


def count_text(n: int) -> str:
    """Describe how many notes there are."""
    if n == 0:
        return EMPTY_TEXT
    return "1 note" if n == 1 else f"{n} notes"


def build_notes_card(notes: list[str]) -> Card:
    """Build the notes card: a count, one line per note and a Clear button."""
    children: list[WidgetComponent] = [Text(id="notes-count", value=count_text(len(notes)))]
    children += [Text(id=f"note-{n}", value=note) for n, note in enumerate(notes, 1)]
    children.append(
        Button(
            id="notes-clear",
            label="Clear notes",
            style="primary",
            disabled=not notes,
            onClickAction=ActionConfig(type=CLEAR_ACTION),
        )
    )
    return Card(id=CARD_ID, children=children)


def notes_copy_text(notes: list[str]) -> str:
    """Describe the card in plain text, for copying and for the model's history."""
    return "\n".join([count_text(len(notes)), *(f"- {note}" for note in notes)])


# ----- tools and agent ---------------------------------------------------------------------

Ctx = RunContextWrapper[AgentContext[RequestContext]]
INSTRUCTIONS = "You keep short notes for the user. Use add_note to save one; reply in one line."


def build_note_tools(book: NoteBook) -> list[FunctionTool]:
    """Build the notes tools over `book`."""

    @function_tool
    async def add_note(ctx: Ctx, text: str) -> str:
        """Save a note for the user.

        Args:
            text: The note, as the user said it.
        """
        text = text.strip()
        if not text:
            return "There was nothing to note."
        notes = await asyncio.to_thread(book.add, ctx.context.request_context.user_id, text)
        await ctx.context.stream_widget(build_notes_card(notes), copy_text=notes_copy_text(notes))
        return f'Noted "{text}". You have {count_text(len(notes))}.'

    return [add_note]


# ----- offline interpreter -----------------------------------------------------------------

HELP_TEXT = 'I keep notes. Say "note: buy oat milk" and I will remember it.'
_NOTE = re.compile(r"(?:note|remember)\s*:?\s+(?P<text>.+)", re.IGNORECASE | re.DOTALL)


class NotesInterpreter:
    """Turn "note: ..." into an add_note call, and the tool's sentence into the reply."""

    def next_step(self, turn: Turn) -> Step:
        """Return the tool call for the user's text, or the reply once the tool ran."""
        if turn.tool_results:
            return Reply(" ".join(result.output for result in turn.tool_results))
        match = _NOTE.fullmatch(turn.user_text.strip())
        if match is None:
            return Reply(HELP_TEXT)
        return (ToolCall("add_note", {"text": match["text"]}),)


# ----- the use case ------------------------------------------------------------------------


class NotesUseCase(UseCase):
    """A notebook kept by chatting, cleared from its card."""

    name = "notes"
    title = "Notes assistant"
    starter_prompts = (
        StarterPrompt("Jot something down", "Note: buy oat milk", "notebook"),
        StarterPrompt("What can you do?", "What can you do?", "circle-question"),
    )

    def __init__(self, book: NoteBook) -> None:
        self.book = book
        self.tools = build_note_tools(book)

    def build_agent(self, model: Model) -> Agent[AgentContext[RequestContext]]:
        """Build the notes agent on `model`."""
        return Agent[AgentContext[RequestContext]](
            name=self.title, instructions=INSTRUCTIONS, model=model, tools=list(self.tools)
        )

    def interpreter(self) -> NotesInterpreter:
        """Return the rule-based interpreter that drives the offline model."""
        return NotesInterpreter()

    async def handle_action(self, request: ActionRequest) -> AsyncIterator[ThreadStreamEvent]:
        """Clear the notes, redraw the card in place and tell the model what happened."""
        if request.action.type != CLEAR_ACTION or request.sender is None:
            return
        user_id = request.context.user_id
        cleared = await asyncio.to_thread(self.book.clear, user_id)
        card = build_notes_card([])
        update = {"widget": card, "copy_text": notes_copy_text([])}
        # Replaced (not updated): the server persists the new card.
        yield ThreadItemReplacedEvent(item=request.sender.model_copy(update=update))
        thread, store, context = request.thread, request.store, request.context
        yield ThreadItemDoneEvent(
            item=HiddenContextItem(
                id=store.generate_item_id("message", thread, context),
                thread_id=thread.id,
                created_at=datetime.now(),
                content=f"The user cleared {count_text(cleared)} via the card.",
            )
        )


# ----- wiring, exactly like app.py ---------------------------------------------------------


@dataclass
class NotesStack:
    """The generic server hosting the notes use case, and a client for one user."""

    server: BridgeServer
    book: NoteBook
    store: TinyDBStore
    client: ChatKitClient


def build_notes_stack(folder: Path) -> NotesStack:
    """Wire store, use case, offline model and server the way app.py does for todos."""
    settings = Settings(_env_file=None, llm_provider="offline", data_store_path=folder)  # type: ignore[call-arg]
    store = TinyDBStore(folder)
    book = NoteBook()
    use_case = NotesUseCase(book)
    model = build_model(settings, use_case.interpreter)
    server = BridgeServer(store, use_case, model)
    return NotesStack(server, book, store, ChatKitClient(server, RequestContext(user_id="alice")))


# ----- helpers -----------------------------------------------------------------------------


def widget_texts(widget: Any) -> list[str]:
    """Return every text value and button label of a widget, in order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.extend(str(node[key]) for key in ("value", "label") if key in node)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(widget.model_dump(mode="json", exclude_none=True, warnings=False))
    return found


def shown(user: User, marker: str) -> list[str]:
    """Return the texts of the elements with a marker on the open page."""
    return [getattr(element, "text", "") for element in user.find(marker=marker).elements]


def problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the warnings and errors logged so far."""
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]


# ----- tests -------------------------------------------------------------------------------


async def test_the_protocol_runs_the_notes_tool_card_and_action(tmp_path: Path) -> None:
    """Check that a message runs the tool and shows the card, and a click replaces it."""
    stack = build_notes_stack(tmp_path)

    events = await collect(stack.client.create_thread("Note: buy oat milk"))
    assert errors_in(events) == []
    thread_id = thread_id_of(events)
    assert stack.book.list("alice") == ["buy oat milk"]
    (streamed,) = [
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, WidgetItem)
    ]
    assert widget_texts(streamed.widget) == ["1 note", "buy oat milk", "Clear notes"]

    items = (await stack.client.list_items(thread_id)).data
    (card,) = widgets_in(items)
    assert card.id == streamed.id
    assert widget_texts(card.widget) == ["1 note", "buy oat milk", "Clear notes"]
    assert assistant_texts(items) == ['Noted "buy oat milk". You have 1 note.']

    events = await collect(stack.client.custom_action(thread_id, card.id, CLEAR_ACTION, {}))
    assert errors_in(events) == []
    (replaced,) = [e.item for e in events if isinstance(e, ThreadItemReplacedEvent)]
    assert replaced.id == card.id
    assert stack.book.list("alice") == []

    # A fresh store over the same folder: the replaced card is what was saved.
    alice = RequestContext(user_id="alice")
    page = await TinyDBStore(tmp_path).load_thread_items(thread_id, None, 100, "asc", alice)
    (card,) = widgets_in(page.data)
    assert widget_texts(card.widget) == [EMPTY_TEXT, "Clear notes"]
    notes = [item.content for item in page.data if isinstance(item, HiddenContextItem)]
    assert notes == ["The user cleared 1 note via the card."]

    # A real model reads the note in the next turn's input; the chat carries on.
    agent_input = await stack.server.converter.to_agent_input(page.data)
    assert "The user cleared 1 note via the card." in str(agent_input)
    events = await collect(stack.client.send_message(thread_id, "What can you do?"))
    assert errors_in(events) == []
    assert assistant_texts((await stack.client.list_items(thread_id)).data)[-1] == HELP_TEXT


async def test_another_user_sees_neither_notes_nor_threads(tmp_path: Path) -> None:
    """Check that the generic store keeps a second use case's threads per user."""
    stack = build_notes_stack(tmp_path)
    await collect(stack.client.create_thread("Note: alice's secret"))
    bob = ChatKitClient(stack.server, RequestContext(user_id="bob"))
    assert (await bob.list_threads()).data == []
    assert stack.book.list("bob") == []


async def test_the_chat_page_hosts_the_notes_assistant(
    user: User, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Check that a user chats, sees the card, clicks Clear and sees the updated card."""
    stack = build_notes_stack(tmp_path / "notes")

    @ui.page("/notes")
    async def notes_page(thread: str | None = None) -> None:
        """Show the generic chat page for the notes use case."""
        page = ChatPage(stack.server, RequestContext(user_id="alice"))
        await page.open_thread(thread)

    caplog.set_level(logging.INFO)
    await user.open("/notes")
    await user.should_see("Notes assistant")
    await user.should_see("Jot something down")  # a starter prompt

    user.find(marker="composer").type("Note: buy oat milk")
    user.find(marker="send").click()
    await user.should_see(marker=CARD_ID)
    await until(lambda: shown(user, "note-1") == ["buy oat milk"])
    assert shown(user, "notes-count") == ["1 note"]
    await user.should_see('Noted "buy oat milk". You have 1 note.')
    assert stack.book.list("alice") == ["buy oat milk"]

    user.find(marker="notes-clear").click()
    await until(lambda: shown(user, "notes-count") == [EMPTY_TEXT])
    await user.should_not_see(marker="note-1")
    assert stack.book.list("alice") == []

    # Coming back to the thread shows the card as it was last replaced.
    (thread_id,) = [t.id for t in (await stack.client.list_threads()).data]
    await user.open(f"/notes?thread={thread_id}")
    await until(lambda: shown(user, "notes-count") == [EMPTY_TEXT])
    await user.should_not_see(marker="note-1")
    assert problems(caplog) == []


async def test_the_notes_card_renders_natively(
    user: User, caplog: pytest.LogCaptureFixture
) -> None:
    """Check that WidgetView shows every part of the card, built or reloaded, and clicks."""
    card = build_notes_card(["buy oat milk", "<b>call mom</b>"])
    reloaded = TypeAdapter(WidgetRoot).validate_python(card.model_dump(mode="json"))
    clicks: list[tuple[str, dict[str, Any]]] = []

    async def record(config: ActionConfig, payload: dict[str, Any]) -> None:
        """Remember the action a click sent."""
        clicks.append((config.type, payload))

    @ui.page("/notes-card")
    def card_page() -> None:
        """Render the built card and its JSON round trip."""
        with ui.column().mark("built"):
            WidgetView(card, on_action=record)
        with ui.column().mark("reloaded"):
            WidgetView(reloaded, on_action=record)

    caplog.set_level(logging.INFO, logger="chatkit_bridge")
    await user.open("/notes-card")
    assert shown(user, "notes-count") == ["2 notes", "2 notes"]
    assert shown(user, "note-2") == ["<b>call mom</b>"] * 2  # markup shows as text
    await user.should_not_see("Unsupported component")

    for button in sorted(user.find(marker="notes-clear").elements, key=lambda e: e.id):
        UserInteraction(user, {button}, None).click()
    await until(lambda: clicks == [(CLEAR_ACTION, {})] * 2)
    assert problems(caplog) == []
    assert not [r for r in caplog.records if "No renderer" in r.getMessage()]
