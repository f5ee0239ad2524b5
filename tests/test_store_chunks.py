"""Long threads: items in bounded chunk files, older one-file threads still read, limits."""

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    InferenceOptions,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
)
from tinydb import TinyDB

from chatkit_bridge import durable
from chatkit_bridge.context import RequestContext
from chatkit_bridge.durable import flush_deferred
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.thread_items import CHUNK_ITEMS

ALICE = RequestContext(user_id="alice")
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def reopened(path: Path, **limits: int) -> TinyDBStore:
    """A store with nothing cached, as after a restart."""
    return TinyDBStore(path, files=JsonFiles(), **limits)


def message(item_id: str, at: datetime = T0, text: str = "hi") -> AssistantMessageItem:
    return AssistantMessageItem(
        id=item_id, thread_id="thr_a", created_at=at, content=[AssistantMessageContent(text=text)]
    )


def user_message(item_id: str, at: datetime = T0) -> UserMessageItem:
    return UserMessageItem(
        id=item_id,
        thread_id="thr_a",
        created_at=at,
        content=[UserMessageTextContent(text="hello")],
        attachments=[],
        inference_options=InferenceOptions(),
    )


async def all_ids(store: TinyDBStore, order: str = "asc") -> list[str]:
    page = await store.load_thread_items("thr_a", None, 100_000, order, ALICE)
    return [item.id for item in page.data]


async def paged_ids(store: TinyDBStore, limit: int, order: str) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        page = await store.load_thread_items("thr_a", after, limit, order, ALICE)
        ids += [item.id for item in page.data]
        if not page.has_more:
            return ids
        after = page.after


def chunk_files(tmp_path: Path) -> list[Path]:
    return sorted((user_folder(tmp_path, "alice") / "threads" / "thr_a").glob("*.json"))


async def test_a_long_thread_is_split_into_bounded_chunks_that_keep_order(tmp_path: Path) -> None:
    store = reopened(tmp_path)
    await store.save_thread(ThreadMetadata(id="thr_a", created_at=T0), ALICE)
    count = CHUNK_ITEMS * 3 + 5
    # Same timestamps for half of them: insertion order breaks the ties across chunks.
    names = [f"m{n:04d}" for n in range(count)]
    for n, name in enumerate(names):
        await store.add_thread_item("thr_a", message(name, T0 + timedelta(seconds=n // 2)), ALICE)

    files = chunk_files(tmp_path)
    assert len(files) == 4
    assert all(len(json.loads(f.read_text())["items"]) <= CHUNK_ITEMS for f in files)
    fresh = reopened(tmp_path)
    assert await all_ids(fresh) == names
    assert await all_ids(fresh, "desc") == names[::-1]
    assert await paged_ids(fresh, 7, "asc") == names
    assert await paged_ids(fresh, 7, "desc") == names[::-1]


async def test_a_write_rewrites_only_the_chunk_that_holds_the_item(tmp_path: Path) -> None:
    store = reopened(tmp_path)
    await store.save_thread(ThreadMetadata(id="thr_a", created_at=T0), ALICE)
    for n in range(CHUNK_ITEMS * 2 + 1):
        await store.add_thread_item("thr_a", message(f"m{n}", T0 + timedelta(seconds=n)), ALICE)
    first, second, newest = chunk_files(tmp_path)

    def stamps() -> list[int]:
        return [os.stat(path).st_ino for path in (first, second, newest)]

    before = stamps()
    # New items and changes go to the log of the chunk that holds them: no file is replaced.
    await store.add_thread_item("thr_a", user_message("m_new", T0 + timedelta(days=1)), ALICE)
    await store.save_item("thr_a", message("m1", T0 + timedelta(seconds=1), "edited"), ALICE)
    assert stamps() == before
    logs = sorted(first.parent.glob("*.log"))
    assert logs == [path.with_name(f"{path.name}.log") for path in (first, newest)]
    await store.delete_thread_item("thr_a", f"m{CHUNK_ITEMS}", ALICE)
    assert stamps()[0] == before[0] and stamps()[1] != before[1] and stamps()[2] == before[2]

    fresh = reopened(tmp_path)
    ids = await all_ids(fresh)
    assert ids[:2] == ["m0", "m1"] and ids[-1] == "m_new" and f"m{CHUNK_ITEMS}" not in ids
    assert (await fresh.load_item("thr_a", "m1", ALICE)).content[0].text == "edited"


async def test_threads_of_the_one_file_layout_are_read_and_extended(tmp_path: Path) -> None:
    threads = user_folder(tmp_path, "alice") / "threads"
    threads.mkdir(parents=True)
    # What an older version wrote: threads.json and one TinyDB file per thread.
    with TinyDB(threads.parent / "threads.json") as db:
        db.table("threads").insert(
            ThreadMetadata(id="thr_a", created_at=T0).model_dump(mode="json")
        )
    with TinyDB(threads / "thr_a.json") as db:
        old = [message(f"old{n}", T0 + timedelta(seconds=n)) for n in range(150)]
        db.table("items").insert_multiple(item.model_dump(mode="json") for item in old)

    store = reopened(tmp_path)
    assert await all_ids(store) == [f"old{n}" for n in range(150)]
    await store.add_thread_item("thr_a", message("new", T0 + timedelta(days=1)), ALICE)
    await store.save_item("thr_a", message("old3", T0 + timedelta(seconds=3), "fixed"), ALICE)

    fresh = reopened(tmp_path)
    assert await all_ids(fresh) == [f"old{n}" for n in range(150)] + ["new"]
    assert await paged_ids(fresh, 40, "desc") == ["new"] + [f"old{n}" for n in range(149, -1, -1)]
    assert (await fresh.load_item("thr_a", "old3", ALICE)).content[0].text == "fixed"
    assert [p.name for p in chunk_files(tmp_path)] == ["000000.json"], "new items in chunks"
    await fresh.delete_thread("thr_a", ALICE)
    assert not list(threads.iterdir()), "deleting removes the old file and the chunks"


async def test_a_user_message_is_synced_at_once_and_a_reply_is_logged_unsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def watched_fsync(fd: int) -> None:
        target = os.readlink(f"/proc/self/fd/{fd}")
        if os.path.isdir(target) and target.startswith(str(tmp_path)):  # not other tests' threads
            synced.append(target)
        real_fsync(fd)

    store = reopened(tmp_path)
    await store.save_thread(ThreadMetadata(id="thr_a", created_at=T0), ALICE)
    folder = str(user_folder(tmp_path, "alice") / "threads" / "thr_a")
    await store.add_thread_item("thr_a", message("m0"), ALICE)  # creates the chunk
    flush_deferred()
    monkeypatch.setattr(durable, "FLUSH_DELAY", 5.0)  # far longer than the two writes below
    monkeypatch.setattr(os, "fsync", watched_fsync)

    await store.add_thread_item("thr_a", user_message("u1"), ALICE)
    assert synced == [folder], "what the user typed is on disk before the model runs"

    synced.clear()
    chunk = os.stat(f"{folder}/000000.json").st_ino
    await store.add_thread_item("thr_a", message("m1"), ALICE)
    await store.save_item("thr_a", message("m1", text="replaced"), ALICE)
    flush_deferred()
    assert synced == [], "the reply's writes go to the chunk's log, with no sync at all"
    assert os.stat(f"{folder}/000000.json").st_ino == chunk, "and replace no file"
    fresh = reopened(tmp_path)
    assert await all_ids(fresh) == ["m0", "u1", "m1"]
    assert (await fresh.load_item("thr_a", "m1", ALICE)).content[0].text == "replaced"


async def test_chunks_another_process_starts_are_read_at_once(tmp_path: Path) -> None:
    # Each process remembers which chunk files a thread has; what another adds must show.
    ours, other = reopened(tmp_path), reopened(tmp_path)
    await ours.save_thread(ThreadMetadata(id="thr_a", created_at=T0), ALICE)
    first = [f"a{n:03d}" for n in range(CHUNK_ITEMS)]
    for n, name in enumerate(first):
        await ours.add_thread_item("thr_a", message(name, T0 + timedelta(seconds=n)), ALICE)
    assert await all_ids(ours) == first
    later = [f"b{n:03d}" for n in range(CHUNK_ITEMS + 1)]
    for n, name in enumerate(later):
        at = T0 + timedelta(hours=1, seconds=n)
        await other.add_thread_item("thr_a", message(name, at), ALICE)
    assert len(chunk_files(tmp_path)) == 3
    assert await all_ids(ours) == first + later
    # An older version writes the one-file layout's file beside the chunks.
    with TinyDB(user_folder(tmp_path, "alice") / "threads" / "thr_a.json") as db:
        db.table("items").insert(message("old", T0 - timedelta(days=1)).model_dump(mode="json"))
    assert await all_ids(ours) == ["old", *first, *later]
    await ours.add_thread_item("thr_a", message("c", T0 + timedelta(days=1)), ALICE)
    assert await all_ids(other) == ["old", *first, *later, "c"]
