"""A second use case, "notes", built only on the generic layer's public interfaces.

Nothing here touches `chatkit_bridge/` internals: data, card, tools, offline interpreter and the
wiring app.py does for todos. tests/test_second_use_case.py runs it; together they are the
template for a new use case (see docs/EXTENDING.md).
"""

import asyncio
import re
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from agents import Agent, FunctionTool, RunContextWrapper, function_tool
from agents.models.interface import Model
from chatkit.actions import ActionConfig
from chatkit.agents import AgentContext
from chatkit.types import (
    HiddenContextItem,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadStreamEvent,
)
from chatkit.widgets import Button, Card, Text, WidgetComponent

from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.context import RequestContext
from chatkit_bridge.interpreter import Reply, Step, ToolCall, Turn
from chatkit_bridge.llm import build_model
from chatkit_bridge.server import BridgeServer
from chatkit_bridge.settings import Settings
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.use_case import ActionRequest, StarterPrompt, UseCase

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
