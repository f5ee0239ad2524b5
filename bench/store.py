"""Time one `add_thread_item` in an empty store and in one holding 100,000 items,
and item writes in a thread of 10 items against one of 3,000.

Run: python bench/store.py

The full store has 100 users x 10 threads x 100 items, written directly as
shard files in the store's own format (writing them through the store would
only measure 100,000 fsyncs). Both stores then receive the same writes,
alternating between them so disk noise hits both alike.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadMetadata

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.thread_items import CHUNK_ITEMS

USERS, THREADS_PER_USER, ITEMS_PER_THREAD = 100, 10, 100
SHORT, LONG = 10, 3000
ROUNDS, ADDS_PER_ROUND = 6, 50
START = datetime(2026, 1, 1, tzinfo=UTC)


def message(item_id: str, thread_id: str, at: datetime) -> AssistantMessageItem:
    """Build an assistant message of typical size (about 300 characters of text)."""
    text = f"Here is what I did for you ({item_id}). " + "Added the todo and updated it. " * 8
    return AssistantMessageItem(
        id=item_id,
        thread_id=thread_id,
        created_at=at,
        content=[AssistantMessageContent(text=text)],
    )


def fill(root: Path) -> int:
    """Write the shard files of the full store directly; return the item count."""
    count = 0
    for u in range(USERS):
        folder = user_folder(root, f"user{u}")
        (folder / "threads").mkdir(parents=True)
        threads: dict[str, dict] = {}
        for t in range(THREADS_PER_USER):
            thread_id = f"thr_u{u}t{t}"
            at = START + timedelta(minutes=t)
            meta = ThreadMetadata(id=thread_id, created_at=at, title=f"Thread {t}")
            threads[str(t + 1)] = meta.model_dump(mode="json")
            items = {
                str(i + 1): message(f"msg_{u}_{t}_{i}", thread_id, at).model_dump(mode="json")
                for i in range(ITEMS_PER_THREAD)
            }
            count += len(items)
            text = json.dumps({"items": items}, separators=(",", ":"))
            (folder / "threads" / f"{thread_id}.json").write_text(text)
        text = json.dumps({"threads": threads}, separators=(",", ":"))
        (folder / "threads.json").write_text(text)
    return count


async def timed_adds(
    store: TinyDBStore, context: RequestContext, thread_id: str, n: int
) -> list[float]:
    """Add n items to a thread and return each call's duration in seconds."""
    durations = []
    for _ in range(n):
        item = message(
            store.generate_item_id("message", None, context), thread_id, datetime.now(UTC)
        )
        started = time.perf_counter()
        await store.add_thread_item(thread_id, item, context)
        durations.append(time.perf_counter() - started)
    return durations


async def random_thread_adds(store: TinyDBStore, n: int) -> list[float]:
    """Add to random existing threads, so most files are not yet in memory."""
    rng = random.Random(7)
    durations = []
    for _ in range(n):
        u, t = rng.randrange(USERS), rng.randrange(THREADS_PER_USER)
        context, thread_id = RequestContext(user_id=f"user{u}"), f"thr_u{u}t{t}"
        item = message(
            store.generate_item_id("message", None, context), thread_id, datetime.now(UTC)
        )
        started = time.perf_counter()
        await store.add_thread_item(thread_id, item, context)
        durations.append(time.perf_counter() - started)
    return durations


async def main() -> None:
    """Fill, measure and print the medians."""
    with (
        tempfile.TemporaryDirectory(dir=Path.cwd()) as empty_dir,
        tempfile.TemporaryDirectory(dir=Path.cwd()) as full_dir,
    ):
        started = time.perf_counter()
        count = fill(Path(full_dir))
        print(
            f"wrote {count:,} items in {USERS * THREADS_PER_USER:,} threads of {USERS} users "
            f"in {time.perf_counter() - started:.1f} s"
        )

        empty = TinyDBStore(empty_dir, files=JsonFiles())
        full = TinyDBStore(full_dir, files=JsonFiles())
        # The measured thread is new in both stores; in the full one it joins a
        # user who already has 10 threads of 100 items.
        context = RequestContext(user_id="user0")
        for store in (empty, full):
            await store.save_thread(ThreadMetadata(id="thr_bench", created_at=START), context)

        empty_times: list[float] = []
        full_times: list[float] = []
        for _ in range(ROUNDS):
            empty_times += await timed_adds(empty, context, "thr_bench", ADDS_PER_ROUND)
            full_times += await timed_adds(full, context, "thr_bench", ADDS_PER_ROUND)
        cold_times = await random_thread_adds(full, 200)

    empty_ms = statistics.median(empty_times) * 1000
    full_ms = statistics.median(full_times) * 1000
    cold_ms = statistics.median(cold_times) * 1000
    print(f"median add_thread_item, empty store:        {empty_ms:.3f} ms (n={len(empty_times)})")
    print(f"median add_thread_item, 100,000 items:      {full_ms:.3f} ms (n={len(full_times)})")
    print(f"ratio full/empty:                           {full_ms / empty_ms:.2f} (target <= 1.5)")
    print(f"median add to a random thread (file cold):  {cold_ms:.3f} ms (n={len(cold_times)})")


def write_thread(folder: Path, thread_id: str, n: int, one_file: bool) -> dict:
    """Write a thread of n items directly, in chunks or as one file of the older layout."""
    items = [
        message(f"msg_{thread_id}_{i}", thread_id, START + timedelta(seconds=i)).model_dump(
            mode="json"
        )
        for i in range(n)
    ]
    threads = folder / "threads"
    size = n if one_file else CHUNK_ITEMS
    for number, start in enumerate(range(0, n, size)):
        docs = {str(i + 1): item for i, item in enumerate(items[start : start + size])}
        path = (
            threads / f"{thread_id}.json"
            if one_file
            else threads / thread_id / f"{number:06d}.json"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"items": docs}, separators=(",", ":")))
    return ThreadMetadata(id=thread_id, created_at=START).model_dump(mode="json")


async def thread_length() -> None:
    """Compare item writes and reads in a short thread, a long one, and a long one-file one."""
    context = RequestContext(user_id="reader")
    shapes = {"short": (SHORT, False), "long": (LONG, False), "long, one file": (LONG, True)}
    labels = ("add", "replace newest", "read newest 30")
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as root:
        folder = user_folder(Path(root), context.user_id)
        threads = {
            str(n + 1): write_thread(folder, f"thr_{n}", length, one_file)
            for n, (length, one_file) in enumerate(shapes.values())
        }
        (folder / "threads.json").write_text(json.dumps({"threads": threads}))
        os.sync()  # the set-up's dirty pages must not be flushed by the first timed fsync
        store = TinyDBStore(root, files=JsonFiles())

        async def add(thread_id: str) -> None:
            item_id = store.generate_item_id("message", None, context)
            await store.add_thread_item(
                thread_id, message(item_id, thread_id, datetime.now(UTC)), context
            )

        async def replace(thread_id: str) -> None:
            page = await store.load_thread_items(thread_id, None, 1, "desc", context)
            await store.save_item(thread_id, page.data[0], context)

        async def history(thread_id: str) -> None:
            await store.load_thread_items(thread_id, None, 30, "desc", context)

        calls = dict(zip(labels, (add, replace, history), strict=True))
        times = {(name, label): [] for name in shapes for label in labels}
        for _ in range(ROUNDS * ADDS_PER_ROUND // 5):
            # One call per thread in turn, so disk noise hits all three alike.
            for label, call in calls.items():
                for n, name in enumerate(shapes):
                    started = time.perf_counter()
                    await call(f"thr_{n}")
                    times[name, label].append(time.perf_counter() - started)
        newest = {
            name: max((folder / "threads").glob(f"thr_{n}*/*.json"))
            for n, name in enumerate(shapes)
        }
        written = {name: path.stat().st_size for name, path in newest.items()}

    print(f"\nthread of {SHORT} vs {LONG} items: median of {len(times['short', 'add'])} calls each")
    for label in labels:
        medians = {name: statistics.median(times[name, label]) * 1000 for name in shapes}
        cells = "  ".join(f"{name} {ms:7.3f} ms" for name, ms in medians.items())
        print(f"{label:15} {cells}  long/short {medians['long'] / medians['short']:.2f}")
    sizes = "  ".join(f"{name} {size / 1024:.0f} KiB" for name, size in written.items())
    print(f"file an add rewrites: {sizes}")


if __name__ == "__main__":
    asyncio.run(main())
    asyncio.run(thread_length())
