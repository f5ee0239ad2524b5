"""A second use case, "notes" (tests/notes_use_case.py), run through the unchanged generic layer.

Nothing below touches `chatkit_bridge/`: the notes assistant plugs into the same server,
store, offline model, client, renderer and chat page that host the todo assistant. This module
and tests/notes_use_case.py are the template for testing a new use case (see docs/EXTENDING.md).
"""

import logging
from pathlib import Path
from typing import Any

import pytest
from chatkit.actions import ActionConfig
from chatkit.types import (
    HiddenContextItem,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    WidgetItem,
)
from chatkit.widgets import WidgetRoot
from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction
from pydantic import TypeAdapter

from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.context import RequestContext
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.ui.chat_page import ChatPage
from chatkit_bridge.ui.renderer import WidgetView
from tests.notes_use_case import (
    CARD_ID,
    CLEAR_ACTION,
    EMPTY_TEXT,
    HELP_TEXT,
    build_notes_card,
    build_notes_stack,
)
from tests.polling import until
from tests.stack import assistant_texts, collect, errors_in, thread_id_of, widgets_in

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
