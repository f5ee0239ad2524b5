"""A turn's agent sees the thread's newest items first as the turn read them, then the store."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadMetadata

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.turn_history import HistoryFirst

ALICE = RequestContext(user_id="alice")
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def message(item_id: str, second: int, thread_id: str = "thr_a") -> AssistantMessageItem:
    return AssistantMessageItem(
        id=item_id,
        thread_id=thread_id,
        created_at=T0 + timedelta(seconds=second),
        content=[AssistantMessageContent(text=item_id)],
    )


def ids(page: object) -> list[str]:
    return [item.id for item in page.data]  # type: ignore[attr-defined]


async def test_the_first_look_at_the_newest_items_is_the_history_then_the_store(
    tmp_path: Path,
) -> None:
    store = TinyDBStore(tmp_path, files=JsonFiles())
    for thread_id in ("thr_a", "thr_b"):
        await store.save_thread(ThreadMetadata(id=thread_id, created_at=T0), ALICE)
        for n in range(3):
            await store.add_thread_item(thread_id, message(f"{thread_id}{n}", n, thread_id), ALICE)
    history = await store.load_thread_items("thr_a", None, 60, "desc", ALICE)
    await store.add_thread_item("thr_a", message("later", 9), ALICE)

    seen = HistoryFirst(store, "thr_a", history)
    first = await seen.load_thread_items("thr_a", None, 2, "desc", ALICE)
    assert ids(first) == ["thr_a2", "thr_a1"] and first.has_more and first.after == "thr_a1"
    again = await seen.load_thread_items("thr_a", None, 2, "desc", ALICE)
    assert ids(again) == ["later", "thr_a2"], "only the first look: later ones read the store"

    other = HistoryFirst(store, "thr_a", history)
    assert ids(await other.load_thread_items("thr_b", None, 1, "desc", ALICE)) == ["thr_b2"]
    more = HistoryFirst(store, "thr_a", history)
    everything = await more.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert ids(everything) == ["thr_a0", "thr_a1", "thr_a2", "later"]
