"""The shipped second use case, "rooms": rules, protocol, page, and running beside todo."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from chatkit.types import ThreadItemReplacedEvent, WidgetItem
from nicegui import ui
from nicegui.testing import User

from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.context import RequestContext
from chatkit_bridge.documents import TinyDBDocuments
from chatkit_bridge.interpreter import Step, Turn
from chatkit_bridge.llm import build_model
from chatkit_bridge.scoped_store import ScopedStore
from chatkit_bridge.server import BridgeServer
from chatkit_bridge.settings import Settings
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.ui.chat_page import ChatPage
from tests.app_process import ROOT, app_environment, running_app
from tests.polling import until
from tests.stack import collect, errors_in, thread_id_of, widgets_in
from tests.wire import user_input
from use_cases.rooms.data import Bookings
from use_cases.rooms.interpreter import RoomsInterpreter
from use_cases.rooms.rules import EXAMPLE_DAY, RULES
from use_cases.rooms.tools import TOOLS
from use_cases.rooms.use_case import RoomsUseCase
from use_cases.rooms.widgets import BOOK_ACTION, CANCEL_ACTION, SELECT_ACTION
from use_cases.todo.use_case import TodoUseCase

TOMORROW = "2026-11-27"


def widget_json(item: WidgetItem) -> str:
    """Return a widget as JSON text, to look for components and values."""
    return item.widget.model_dump_json(exclude_none=True)


def types_in(item: WidgetItem) -> set[str]:
    """Return every component type a widget uses."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("type"), str):
                found.add(node["type"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(json.loads(widget_json(item)))
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(t, e, id=f"{r.name}: {t}") for r in RULES for t, e in r.examples.items()],
)
def test_rule_examples(text: str, expected: Step) -> None:
    assert RoomsInterpreter(lambda: EXAMPLE_DAY).next_step(Turn(user_text=text)) == expected


def test_rule_examples_name_only_real_tools() -> None:
    for rule in RULES:
        for step in rule.examples.values():
            if isinstance(step, tuple):
                assert {call.name for call in step} <= set(TOOLS.names), rule.name


def build_rooms(folder: Path) -> tuple[BridgeServer, Bookings, ChatKitClient]:
    """Wire the rooms use case the way app.py does, with a fixed today."""
    settings = Settings(_env_file=None, llm_provider="offline", data_store_path=folder)  # type: ignore[call-arg]
    bookings = Bookings(TinyDBDocuments(folder, "bookings"))
    use_case = RoomsUseCase(bookings, today=lambda: EXAMPLE_DAY)
    store = ScopedStore(TinyDBStore(folder), use_case.thread_scope)
    server = BridgeServer(store, use_case, build_model(settings, use_case.interpreter))
    return server, bookings, ChatKitClient(server, RequestContext(user_id="alice"))


async def test_book_from_the_form_then_pick_and_cancel_from_the_list(tmp_path: Path) -> None:
    _, bookings, client = build_rooms(tmp_path)
    events = await collect(client.create_thread("Book a meeting room"))
    assert errors_in(events) == []
    thread_id = thread_id_of(events)
    (form,) = widgets_in((await client.list_items(thread_id)).data)
    assert {"Form", "DatePicker", "Select", "RadioGroup"} <= types_in(form)

    fields = {"day": TOMORROW, "room": "borealis", "slot": "afternoon"}
    events = await collect(client.custom_action(thread_id, form.id, BOOK_ACTION, fields))
    assert errors_in(events) == []
    assert [(b.room, b.day, b.slot) for b in bookings.list("alice")] == [
        ("borealis", date(2026, 11, 27), "afternoon")
    ]
    (replaced,) = [e.item for e in events if isinstance(e, ThreadItemReplacedEvent)]
    assert "Booked Borealis, Fri 27 Nov, afternoon (13-17)." in widget_json(replaced)

    # The same room again that afternoon: refused, nothing added, the form says why.
    events = await collect(client.custom_action(thread_id, form.id, BOOK_ACTION, fields))
    assert "You already have Borealis" in widget_json(events[-1].item)  # type: ignore[union-attr]
    assert len(bookings.list("alice")) == 1

    await collect(client.send_message(thread_id, "Book Atlas tomorrow morning"))
    await collect(client.send_message(thread_id, "Show my bookings"))
    listing = widgets_in((await client.list_items(thread_id)).data)[-1]
    assert listing.widget.type == "ListView"
    first, second = bookings.list("alice")
    assert first.room == "atlas"  # morning before afternoon

    events = await collect(
        client.custom_action(thread_id, listing.id, SELECT_ACTION, {"id": second.id})
    )
    selected = events[-1].item  # type: ignore[union-attr]
    assert "Cancel booking" in widget_json(selected) and "check-circle-filled" in widget_json(
        selected
    )
    events = await collect(
        client.custom_action(thread_id, listing.id, CANCEL_ACTION, {"id": second.id})
    )
    assert errors_in(events) == []
    assert [b.room for b in bookings.list("alice")] == ["atlas"]
    saved = widgets_in((await client.list_items(thread_id)).data)[-1]
    assert "Borealis" not in widget_json(saved) and "Atlas" in widget_json(saved)


async def test_another_user_sees_none_of_the_bookings(tmp_path: Path) -> None:
    server, bookings, client = build_rooms(tmp_path)
    await collect(client.create_thread("Book Cosmos tomorrow"))
    assert len(bookings.list("alice")) == 1
    bob = ChatKitClient(server, RequestContext(user_id="bob"))
    assert bookings.list("bob") == []
    assert (await bob.list_threads()).data == []


async def test_the_chat_page_books_and_cancels_by_clicking(user: User, tmp_path: Path) -> None:
    server, bookings, _ = build_rooms(tmp_path)
    pages: list[ChatPage] = []

    @ui.page("/rooms-test")
    async def rooms_page(thread: str | None = None) -> None:
        """Show the generic chat page for the rooms use case."""
        pages.append(ChatPage(server, RequestContext(user_id="alice")))
        await pages[-1].open_thread(thread)

    await user.open("/rooms-test")
    await user.should_see("Meeting rooms")
    user.find("Atlas tomorrow morning").click()  # a starter prompt
    await until(lambda: len(bookings.list("alice")) == 1 and not pages[-1].busy)
    await user.should_see(marker="rooms-bookings")
    (booking,) = bookings.list("alice")
    user.find(marker=f"booking-{booking.id}").trigger("click")
    await user.should_see(marker="rooms-cancel")
    await until(lambda: not pages[-1].busy)
    user.find(marker="rooms-cancel").click()
    await until(lambda: bookings.list("alice") == [])
    await user.should_see(marker="rooms-none")


def test_two_use_cases_each_get_a_page_and_their_own_threads(tmp_path: Path) -> None:
    with (
        running_app(tmp_path / "data", USE_CASES="todo,rooms") as base_url,
        httpx.Client(base_url=base_url, timeout=30) as client,
    ):
        home = client.get("/")
        assert home.status_code == 200
        todo_title, rooms_title = TodoUseCase.title, RoomsUseCase.title
        assert todo_title in home.text and rooms_title in home.text
        rooms_page, todo_page = client.get("/rooms"), client.get("/todo")
        assert rooms_page.status_code == todo_page.status_code == 200
        # The header switcher offers the other assistant and the list of all of them.
        assert "Switch assistant" in rooms_page.text and "All assistants" in rooms_page.text
        assert todo_title in rooms_page.text and rooms_title in todo_page.text

        def post(path: str, kind: str, **params: Any) -> httpx.Response:
            return client.post(path, json={"type": kind, "params": params})

        created = post("/chatkit/rooms", "threads.create", input=user_input("Book Atlas today"))
        assert '"type":"thread.created"' in created.text.replace(" ", "")
        listed = {
            path: [t["id"] for t in post(path, "threads.list", limit=10).json()["data"]]
            for path in ("/chatkit", "/chatkit/todo", "/chatkit/rooms")
        }
        assert len(listed["/chatkit/rooms"]) == 1
        assert listed["/chatkit"] == listed["/chatkit/todo"] == []  # /chatkit is the first


def test_an_unknown_use_case_stops_the_app_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        env={**app_environment(), "USE_CASES": "todo,nosuch", "DATA_STORE_PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=240,  # a cold start on a busy machine
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "USE_CASES names 'nosuch'" in result.stderr and "rooms" in result.stderr


async def test_the_form_books_what_the_select_and_radios_say(user: User, tmp_path: Path) -> None:
    server, bookings, _ = build_rooms(tmp_path)
    pages: list[ChatPage] = []

    @ui.page("/rooms-form")
    async def rooms_page(thread: str | None = None) -> None:
        """Show the generic chat page for the rooms use case."""
        pages.append(ChatPage(server, RequestContext(user_id="alice")))
        await pages[-1].open_thread(thread)

    await user.open("/rooms-form")
    user.find("Book a room").click()  # a starter prompt: the form, nothing booked
    await until(lambda: not pages[-1].busy and bool(user.find(marker="rooms-room").elements))
    assert bookings.list("alice") == []

    user.find(marker="rooms-room").click()  # open the select and pick a room
    user.find("Cosmos (12 seats)").click()
    for radio in user.find(marker="rooms-slot").elements:
        radio.set_value("afternoon")  # type: ignore[attr-defined]
    user.find(marker="rooms-book").click()
    await until(lambda: len(bookings.list("alice")) == 1)
    (booking,) = bookings.list("alice")
    assert (booking.room, booking.day, booking.slot) == ("cosmos", EXAMPLE_DAY, "afternoon")
    await user.should_see("Booked Cosmos, Thu 26 Nov, afternoon (13-17).")
