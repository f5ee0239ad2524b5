"""A reply's items are appended to their chunk's log at once, and nobody's writes get lost.

What the user typed replaces its chunk file durably before the model runs; what the assistant
writes goes to `<chunk>.log` (no rename, no sync), which the next durable write folds in.
"""

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from chatkit.store import NotFoundError
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
)

from chatkit_bridge import json_log
from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.thread_items import CHUNK_ITEMS

ALICE = RequestContext(user_id="alice")
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def process(path: Path) -> TinyDBStore:
    """A store with caches of its own, as another process on the same folder has."""
    return TinyDBStore(path, files=JsonFiles())


def reply(item_id: str, text: str, second: int = 1) -> AssistantMessageItem:
    return AssistantMessageItem(
        id=item_id,
        thread_id="thr_a",
        created_at=T0 + timedelta(seconds=second),
        content=[AssistantMessageContent(text=text)],
    )


def question(item_id: str, second: int = 0) -> UserMessageItem:
    return UserMessageItem(
        id=item_id,
        thread_id="thr_a",
        created_at=T0 + timedelta(seconds=second),
        content=[UserMessageTextContent(text="add milk")],
        inference_options={},
    )


async def texts(store: TinyDBStore) -> dict[str, str]:
    page = await store.load_thread_items("thr_a", None, 500, "asc", ALICE)
    return {
        item.id: item.content[0].text if isinstance(item, AssistantMessageItem) else "question"
        for item in page.data
    }


async def thread_with_question(store: TinyDBStore) -> None:
    await store.save_thread(ThreadMetadata(id="thr_a", created_at=T0), ALICE)
    await store.add_thread_item("thr_a", question("msg_q"), ALICE)


def thread_folder(tmp_path: Path) -> Path:
    return user_folder(tmp_path, "alice") / "threads" / "thr_a"


def ids_in_file(path: Path) -> set[str]:
    """Return the item ids the chunk file itself holds (without its log)."""
    return {record["id"] for record in json.loads(path.read_text())["items"].values()}


async def test_a_replys_items_reach_the_disk_at_once_without_replacing_the_chunk(
    tmp_path: Path,
) -> None:
    ours = process(tmp_path)
    await thread_with_question(ours)
    chunk = thread_folder(tmp_path) / "000000.json"
    inode = chunk.stat().st_ino
    await ours.add_thread_item("thr_a", reply("msg_1", "card"), ALICE)
    await ours.save_item("thr_a", reply("msg_1", "card, ticked"), ALICE)
    await ours.add_thread_item("thr_a", reply("msg_2", "Added milk."), ALICE)
    expected = {"msg_q": "question", "msg_1": "card, ticked", "msg_2": "Added milk."}
    # Another process reads them at once, while the reply is still going on.
    assert await texts(process(tmp_path)) == expected
    assert await texts(ours) == expected
    assert chunk.stat().st_ino == inode, "the chunk file was not replaced"
    assert ids_in_file(chunk) == {"msg_q"}, "the answer is in the log beside it"


async def test_a_user_message_is_appended_and_synced_before_the_model_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = process(tmp_path)
    await thread_with_question(ours)
    await ours.add_thread_item("thr_a", reply("msg_1", "Added milk."), ALICE)
    chunk = thread_folder(tmp_path) / "000000.json"
    log = chunk.with_name("000000.json.log")
    synced: list[str] = []
    real_fdatasync = os.fdatasync

    def watched(fd: int) -> None:
        path = os.readlink(f"/proc/self/fd/{fd}")
        if Path(path).is_relative_to(tmp_path):  # not another test's thread still writing
            synced.append(path)
        real_fdatasync(fd)

    monkeypatch.setattr(os, "fdatasync", watched)
    await ours.add_thread_item("thr_a", question("msg_q2", 2), ALICE)
    assert synced == [str(log)], "what the user typed is on disk (with the reply before it)"
    await ours.add_thread_item("thr_a", reply("msg_2", "Done.", 3), ALICE)
    assert synced == [str(log)], "an answer is not waited for"
    assert await texts(process(tmp_path)) == {
        "msg_q": "question",
        "msg_1": "Added milk.",
        "msg_q2": "question",
        "msg_2": "Done.",
    }


async def test_another_process_writing_the_same_chunk_meanwhile_loses_nothing(
    tmp_path: Path,
) -> None:
    ours, theirs = process(tmp_path), process(tmp_path)
    await thread_with_question(ours)
    await ours.add_thread_item("thr_a", reply("msg_1", "ours"), ALICE)
    await theirs.add_thread_item("thr_a", question("msg_t", 2), ALICE)
    await theirs.save_item("thr_a", reply("msg_0", "theirs", 3), ALICE)
    everything = {"msg_q": "question", "msg_1": "ours", "msg_t": "question", "msg_0": "theirs"}
    assert await texts(ours) == everything
    await ours.add_thread_item("thr_a", reply("msg_2", "ours again", 4), ALICE)
    await theirs.save_item("thr_a", reply("msg_1", "ours, changed by them"), ALICE)
    assert await texts(process(tmp_path)) == {
        **everything,
        "msg_1": "ours, changed by them",
        "msg_2": "ours again",
    }


async def test_a_reply_that_fills_a_chunk_keeps_every_item(tmp_path: Path) -> None:
    ours = process(tmp_path)
    await thread_with_question(ours)
    count = CHUNK_ITEMS + 5  # the reply starts a new chunk file halfway
    for n in range(count):
        await ours.add_thread_item("thr_a", reply(f"msg_{n}", f"n{n}", n + 1), ALICE)
    assert len(await texts(ours)) == count + 1
    read = await texts(process(tmp_path))
    assert [read[f"msg_{n}"] for n in range(count)] == [f"n{n}" for n in range(count)]
    # The full chunk took its log in when the next one started: no log outlives its chunk.
    full = thread_folder(tmp_path) / "000000.json"
    assert not full.with_name("000000.json.log").exists()
    assert len(ids_in_file(full)) == CHUNK_ITEMS


async def test_a_long_log_is_folded_into_its_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_log, "LOG_BYTES", 600)
    ours = process(tmp_path)
    await thread_with_question(ours)
    log = thread_folder(tmp_path) / "000000.json.log"
    for n in range(12):  # a card replaced again and again (ticks), never a user message
        await ours.save_item("thr_a", reply("msg_card", f"version {n}"), ALICE)
        assert not log.exists() or log.stat().st_size < 600 + 400
    assert (await texts(process(tmp_path)))["msg_card"] == "version 11"


async def test_a_torn_line_of_the_log_is_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ours = process(tmp_path)
    await thread_with_question(ours)
    await ours.add_thread_item("thr_a", reply("msg_1", "before"), ALICE)
    log = thread_folder(tmp_path) / "000000.json.log"
    with log.open("a") as file:  # what a power cut in the middle of a write leaves
        file.write('\n["items","9",{"id":"msg_torn","type":"assis')
    theirs = process(tmp_path)
    await theirs.add_thread_item("thr_a", reply("msg_2", "after", 2), ALICE)
    with caplog.at_level(logging.WARNING):
        read = await texts(process(tmp_path))
    assert read == {"msg_q": "question", "msg_1": "before", "msg_2": "after"}
    assert "damaged line" in caplog.text


async def test_a_killed_process_loses_no_item_it_appended(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from tests.test_store_batches import ALICE, process, reply, thread_with_question

        async def main() -> None:
            store = process({str(tmp_path)!r})
            await thread_with_question(store)
            await store.add_thread_item("thr_a", reply("msg_1", "card"), ALICE)
            await store.add_thread_item("thr_a", reply("msg_2", "Added milk."), ALICE)
            os.kill(os.getpid(), signal.SIGKILL)

        asyncio.run(main())
        """
    )
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", script], cwd=ROOT, timeout=120, check=False
    )
    assert done.returncode == -signal.SIGKILL
    assert await texts(process(tmp_path)) == {
        "msg_q": "question",
        "msg_1": "card",
        "msg_2": "Added milk.",
    }


async def test_saving_the_same_thread_twice_at_once_saves_it(tmp_path: Path) -> None:
    ours = process(tmp_path)
    thread = ThreadMetadata(id="thr_a", created_at=T0, title="Groceries")
    await ours.save_thread(thread, ALICE)
    renamed = thread.model_copy(update={"title": "Shopping"})
    await asyncio.gather(
        ours.save_thread(renamed, ALICE), ours.save_thread(renamed.model_copy(), ALICE)
    )
    assert (await process(tmp_path).load_thread("thr_a", ALICE)).title == "Shopping"


async def test_a_thread_deleted_during_a_reply_gets_no_items_back(tmp_path: Path) -> None:
    ours = process(tmp_path)
    await thread_with_question(ours)
    await ours.add_thread_item("thr_a", reply("msg_1", "card"), ALICE)
    await ours.delete_thread("thr_a", ALICE)
    with pytest.raises(NotFoundError):
        await ours.add_thread_item("thr_a", reply("msg_2", "Added milk."), ALICE)
    assert not thread_folder(tmp_path).exists(), "the chunk and its log are gone"
    await ours.save_thread(ThreadMetadata(id="thr_a", created_at=T0), ALICE)
    assert await texts(ours) == {}
    assert await texts(process(tmp_path)) == {}
    # Nothing was set aside as an orphan either: nothing of the old thread was left.
    assert not [path for path in tmp_path.rglob("*") if "orphan" in path.name]
