"""A thread's newest widget of a kind among its newest items: on both backends, by pages, scoped."""

from datetime import timedelta
from pathlib import Path
from typing import Any, cast

from chatkit.store import Store
from chatkit.types import Page, ThreadItem, WidgetItem
from chatkit.widgets import Card, Text

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles
from chatkit_bridge.newest_widget import find_newest_widget
from chatkit_bridge.scoped_store import ScopedStore
from chatkit_bridge.store import TinyDBStore
from tests import store_contract
from tests.store_contract import ALICE, T0, message, thread

backend = store_contract.backend
store = store_contract.store


def widget(item_id: str, key: str, minute: int) -> WidgetItem:
    return WidgetItem(
        id=item_id,
        thread_id="thr_a",
        created_at=T0 + timedelta(minutes=minute),
        widget=Card(key=key, children=[Text(value=item_id)]),
    )


async def fill(store: Store, context: RequestContext = ALICE) -> None:
    """Oldest first: card_1, note_1, card_2 (newest "card"), then 30 messages, note_2 newest."""
    await store.save_thread(thread("thr_a"), context)
    items: list[ThreadItem] = [
        widget("card_1", "card", 0),
        widget("note_1", "note", 1),
        widget("card_2", "card", 2),
    ]
    items += [message(f"m{n}", at=T0 + timedelta(minutes=3 + n)) for n in range(30)]
    items.append(widget("note_2", "note", 40))
    for item in items:
        await store.add_thread_item("thr_a", item, context)


class PagesOnly:
    """A store that can only page (as one without `find_newest_widget`); counts its pages."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.pages = 0

    async def load_thread_items(self, *args: Any) -> Page[ThreadItem]:
        self.pages += 1
        return await self.inner.load_thread_items(*args)


async def found(store: Store, keys: tuple[str, ...], within: int) -> str | None:
    item = await find_newest_widget(store, "thr_a", keys, within, ALICE)
    return None if item is None else item.id


async def test_the_newest_widget_of_a_kind_is_found_within_the_look_back(store: Store) -> None:
    await fill(store)
    assert await found(store, ("note",), 1) == "note_2"
    assert await found(store, ("card",), 60) == "card_2"  # the newest card, not the older one
    assert await found(store, ("card", "note"), 60) == "note_2"
    # card_2 is the 32nd newest item: looking at 31 does not reach it, 32 does.
    assert await found(store, ("card",), 31) is None
    assert await found(store, ("card",), 32) == "card_2"
    assert await found(store, ("chart",), 60) is None
    item = await find_newest_widget(store, "thr_a", ("card",), 60, ALICE)
    assert isinstance(item, WidgetItem) and item.widget.key == "card"
    assert item.widget.children[0].value == "card_2"  # type: ignore[union-attr]


async def test_a_store_that_only_pages_gives_the_same_answers(tmp_path: Path) -> None:
    tinydb = TinyDBStore(tmp_path, files=JsonFiles())
    await fill(tinydb)
    pages = PagesOnly(tinydb)
    for keys in [("note",), ("card",), ("card", "note"), ("chart",)]:
        for within in (1, 2, 20, 21, 31, 32, 33, 60):
            by_pages = await found(cast(Store, pages), keys, within)
            assert by_pages == await found(tinydb, keys, within)
    assert pages.pages >= 32  # the answers above came from pages, up to 20 items each


async def test_a_scoped_view_finds_widgets_of_its_own_threads_only(tmp_path: Path) -> None:
    tinydb = TinyDBStore(tmp_path, files=JsonFiles())
    notes = ScopedStore(tinydb, "notes")
    await fill(notes)
    assert await found(notes, ("card",), 60) == "card_2"
    # The unscoped user (another use case's threads) has no such thread.
    await tinydb.save_thread(thread("thr_a"), ALICE)
    assert await found(tinydb, ("card",), 60) is None
    assert await found(ScopedStore(tinydb, ""), ("card",), 60) is None
