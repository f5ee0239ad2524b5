"""The store validates an unchanged item once, yet every reader sees every change."""

import json
from datetime import UTC, datetime
from pathlib import Path

from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ClientToolCallItem,
    ThreadMetadata,
)

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from chatkit_bridge.store import TinyDBStore

ALICE = RequestContext(user_id="alice")
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def process(path: Path) -> TinyDBStore:
    """A store with caches of its own, as another process on the same folder has."""
    return TinyDBStore(path, files=JsonFiles())


def reply(text: str, item_id: str = "msg_1") -> AssistantMessageItem:
    return AssistantMessageItem(
        id=item_id, thread_id="thr_a", created_at=T0, content=[AssistantMessageContent(text=text)]
    )


async def text_of(store: TinyDBStore, item_id: str = "msg_1") -> str:
    page = await store.load_thread_items("thr_a", None, 10, "desc", ALICE)
    listed = next(item for item in page.data if item.id == item_id)
    loaded = await store.load_item("thr_a", item_id, ALICE)
    assert listed == loaded
    assert isinstance(loaded, AssistantMessageItem)
    return loaded.content[0].text


async def new_thread(store: TinyDBStore) -> None:
    await store.save_thread(ThreadMetadata(id="thr_a", created_at=T0), ALICE)


async def test_a_replaced_item_reads_back_changed(tmp_path: Path) -> None:
    store = process(tmp_path)
    await new_thread(store)
    await store.add_thread_item("thr_a", reply("first"), ALICE)
    await store.add_thread_item("thr_a", reply("other", "msg_2"), ALICE)
    assert await text_of(store) == "first"
    await store.save_item("thr_a", reply("second"), ALICE)
    assert await text_of(store) == "second"
    # Writes of other items in the same chunk keep serving the current version.
    await store.add_thread_item("thr_a", reply("third", "msg_3"), ALICE)
    assert await text_of(store) == "second"
    assert await text_of(store, "msg_2") == "other"
    assert await text_of(process(tmp_path)) == "second"
    for chunk in (user_folder(tmp_path, "alice") / "threads" / "thr_a").glob("*.json"):
        # Unchanged records' JSON is reused: the file is still exactly compact JSON.
        text = chunk.read_text()
        assert text == json.dumps(json.loads(text), separators=(",", ":"))


async def test_a_change_made_by_another_process_is_read(tmp_path: Path) -> None:
    ours, theirs = process(tmp_path), process(tmp_path)
    await new_thread(ours)
    await ours.add_thread_item("thr_a", reply("first"), ALICE)
    assert await text_of(ours) == "first"
    assert await text_of(theirs) == "first"
    await theirs.save_item("thr_a", reply("changed there"), ALICE)
    assert await text_of(ours) == "changed there"


async def test_items_chatkit_changes_in_place_are_loaded_afresh(tmp_path: Path) -> None:
    # ChatKit completes a loaded client tool call in place before saving it: a second load
    # must not see a change that was never saved.
    store = process(tmp_path)
    await new_thread(store)
    call = ClientToolCallItem(
        id="tc_1", thread_id="thr_a", created_at=T0, call_id="c1", name="n", arguments={}
    )
    await store.add_thread_item("thr_a", call, ALICE)
    loaded = await store.load_item("thr_a", "tc_1", ALICE)
    assert isinstance(loaded, ClientToolCallItem)
    loaded.status = "completed"
    again = await store.load_item("thr_a", "tc_1", ALICE)
    assert isinstance(again, ClientToolCallItem)
    assert again.status == "pending"


async def test_saving_an_unchanged_thread_writes_nothing(tmp_path: Path) -> None:
    store = process(tmp_path)
    thread = ThreadMetadata(id="thr_a", created_at=T0, title="Groceries")
    await store.save_thread(thread, ALICE)
    threads_file = user_folder(tmp_path, "alice") / "threads.json"
    written = threads_file.stat()
    await store.save_thread(thread.model_copy(deep=True), ALICE)
    unchanged = threads_file.stat()
    assert (unchanged.st_ino, unchanged.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    await store.save_thread(thread.model_copy(update={"title": "Shopping"}), ALICE)
    assert threads_file.with_name("threads.json.log").exists(), "a new title goes to the log"
    assert (await process(tmp_path).load_thread("thr_a", ALICE)).title == "Shopping"
