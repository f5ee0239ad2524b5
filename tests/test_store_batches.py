"""A reply's items reach the disk together when it ends, and nobody's writes get lost."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
)

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.thread_items import CHUNK_ITEMS

ALICE = RequestContext(user_id="alice")
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


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


async def test_a_replys_items_are_on_disk_when_it_ends(tmp_path: Path) -> None:
    ours = process(tmp_path)
    await thread_with_question(ours)
    async with ours.batched_writes("thr_a", ALICE):
        await ours.add_thread_item("thr_a", reply("msg_1", "card"), ALICE)
        await ours.save_item("thr_a", reply("msg_1", "card, ticked"), ALICE)
        await ours.add_thread_item("thr_a", reply("msg_2", "Added milk."), ALICE)
        # This process reads them at once; another one only once the reply ends.
        assert await texts(ours) == {
            "msg_q": "question",
            "msg_1": "card, ticked",
            "msg_2": "Added milk.",
        }
        assert await texts(process(tmp_path)) == {"msg_q": "question"}
    assert await texts(process(tmp_path)) == {
        "msg_q": "question",
        "msg_1": "card, ticked",
        "msg_2": "Added milk.",
    }


async def test_a_user_message_is_written_at_once_inside_a_batch(tmp_path: Path) -> None:
    ours = process(tmp_path)
    await ours.save_thread(ThreadMetadata(id="thr_a", created_at=T0), ALICE)
    async with ours.batched_writes("thr_a", ALICE):
        await ours.add_thread_item("thr_a", question("msg_q"), ALICE)
        assert await texts(process(tmp_path)) == {"msg_q": "question"}


async def test_another_process_writing_the_same_chunk_meanwhile_loses_nothing(
    tmp_path: Path,
) -> None:
    ours, theirs = process(tmp_path), process(tmp_path)
    await thread_with_question(ours)
    async with ours.batched_writes("thr_a", ALICE):
        await ours.add_thread_item("thr_a", reply("msg_1", "ours"), ALICE)
        await theirs.add_thread_item("thr_a", question("msg_t", 2), ALICE)
        await theirs.save_item("thr_a", reply("msg_0", "theirs", 3), ALICE)
        # Reading their version of the file keeps what this process has not written yet.
        assert await texts(ours) == {
            "msg_q": "question",
            "msg_1": "ours",
            "msg_t": "question",
            "msg_0": "theirs",
        }
        await ours.add_thread_item("thr_a", reply("msg_2", "ours again", 4), ALICE)
    assert await texts(process(tmp_path)) == {
        "msg_q": "question",
        "msg_1": "ours",
        "msg_t": "question",
        "msg_0": "theirs",
        "msg_2": "ours again",
    }


async def test_a_batch_that_fills_a_chunk_keeps_every_item(tmp_path: Path) -> None:
    ours = process(tmp_path)
    await thread_with_question(ours)
    count = CHUNK_ITEMS + 5  # the reply starts a new chunk file halfway
    async with ours.batched_writes("thr_a", ALICE):
        for n in range(count):
            await ours.add_thread_item("thr_a", reply(f"msg_{n}", f"n{n}", n + 1), ALICE)
        assert len(await texts(ours)) == count + 1
    read = await texts(process(tmp_path))
    assert [read[f"msg_{n}"] for n in range(count)] == [f"n{n}" for n in range(count)]


async def test_a_reply_cut_short_still_writes_its_items(tmp_path: Path) -> None:
    ours = process(tmp_path)
    await thread_with_question(ours)

    async def reply_then_stop() -> None:
        async with ours.batched_writes("thr_a", ALICE):
            await ours.add_thread_item("thr_a", reply("msg_1", "partial"), ALICE)
            await asyncio.Event().wait()  # the user pressed Stop here

    task = asyncio.create_task(reply_then_stop())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert await texts(process(tmp_path)) == {"msg_q": "question", "msg_1": "partial"}


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
    async with ours.batched_writes("thr_a", ALICE):
        await ours.add_thread_item("thr_a", reply("msg_1", "card"), ALICE)
        await ours.delete_thread("thr_a", ALICE)
    await ours.save_thread(ThreadMetadata(id="thr_a", created_at=T0), ALICE)
    assert await texts(ours) == {}
    assert await texts(process(tmp_path)) == {}
    # Nothing was set aside as an orphan either: the reply's items were never written.
    assert not [path for path in tmp_path.rglob("*") if "orphan" in path.name]
