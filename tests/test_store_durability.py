"""Data survives crashes and concurrent writers.

Corrupt files and failing disks: tests/test_store_disk_faults.py.
"""

import asyncio
import json
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadMetadata

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles
from chatkit_bridge.store import TinyDBStore
from use_cases.todo.data import TodoRepository

WORKER = Path(__file__).with_name("durability_worker.py")
ALICE = RequestContext(user_id="alice")
#: Worker processes the crash test kills, and writes each acknowledges before, on average.
KILLS, ACKS_PER_KILL = 20, 20


def fresh_store(folder: Path) -> TinyDBStore:
    return TinyDBStore(folder, files=JsonFiles())


def fresh_todos(folder: Path) -> TodoRepository:
    return TodoRepository(folder, files=JsonFiles())


def message(item_id: str, thread_id: str) -> AssistantMessageItem:
    return AssistantMessageItem(
        id=item_id,
        thread_id=thread_id,
        created_at=datetime.now(UTC),
        content=[AssistantMessageContent(text=item_id)],
    )


def assert_all_json_files_parse(folder: Path) -> int:
    files = list(folder.rglob("*.json"))
    for path in files:
        json.loads(path.read_bytes())
    assert not list(folder.rglob("*.corrupt-*")), "a file was found unreadable"
    return len(files)


async def all_item_ids(store: TinyDBStore, thread_id: str, context: RequestContext) -> list[str]:
    page = await store.load_thread_items(thread_id, None, 1_000_000, "asc", context)
    return [item.id for item in page.data]


# -- (a) crash safety -----------------------------------------------------------


async def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    rng = random.Random(1234)
    acked_items: set[str] = set()
    acked_todos: set[str] = set()
    worker = RequestContext(user_id="worker")

    # Each kill comes after a random number of acknowledged writes, not after a random time:
    # on a slow disk a time window held a write or two, and the runs needed grew past the
    # test's time limit. A kill still lands anywhere in the writes that follow.
    for run in range(KILLS):
        process = subprocess.Popen(
            [sys.executable, str(WORKER), "loop", str(tmp_path), str(run)],
            stdout=subprocess.PIPE,
            text=True,
        )
        acks = [process.stdout.readline() for _ in range(rng.randint(1, 2 * ACKS_PER_KILL))]
        assert all(acks), f"the worker died after {acks.index('')} writes"
        time.sleep(rng.uniform(0.0, 0.01))
        process.send_signal(signal.SIGKILL)
        output = "".join(acks) + process.stdout.read()
        process.wait()
        for line in output.splitlines():
            kind, _, name = line.partition(" ")
            (acked_items if kind == "item" else acked_todos).add(name)

        assert_all_json_files_parse(tmp_path)
        stored_items = set(await all_item_ids(fresh_store(tmp_path), "thr_worker", worker))
        stored_todos = {todo.title for todo in fresh_todos(tmp_path).list("worker")}
        assert {f"m{name}" for name in acked_items} <= stored_items
        assert {f"todo {name}" for name in acked_todos} <= stored_todos

    assert len(acked_items) >= KILLS * ACKS_PER_KILL / 4, "too few writes to prove anything"


# -- (b) concurrency ------------------------------------------------------------


def test_threads_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path, files=JsonFiles())
    todos = TodoRepository(tmp_path, files=store._files)
    shared = "thr_shared"
    asyncio.run(store.save_thread(ThreadMetadata(id=shared, created_at=datetime.now()), ALICE))
    errors: list[BaseException] = []

    async def write_items(n: int) -> None:
        # Even threads share one thread file; odd ones each have their own.
        own = shared if n % 2 == 0 else f"thr_own{n}"
        if own != shared:
            await store.save_thread(ThreadMetadata(id=own, created_at=datetime.now()), ALICE)
        for i in range(100):
            await store.add_thread_item(own, message(f"m{n}-{i}", own), ALICE)

    def add_todos(n: int) -> None:
        for i in range(100):
            todos.add("alice", [f"todo {n}-{i}"])

    def guarded(target, *args) -> None:
        try:
            target(*args)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=guarded, args=(lambda n=n: asyncio.run(write_items(n)),))
        for n in range(8)
    ] + [threading.Thread(target=guarded, args=(add_todos, n)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert_all_json_files_parse(tmp_path)
    again = fresh_store(tmp_path)
    stored = set(asyncio.run(all_item_ids(again, shared, ALICE)))
    for n in range(1, 8, 2):
        stored |= set(asyncio.run(all_item_ids(again, f"thr_own{n}", ALICE)))
    assert stored == {f"m{n}-{i}" for n in range(8) for i in range(100)}
    listed = fresh_todos(tmp_path).list("alice")
    assert {todo.title for todo in listed} == {
        f"todo {n}-{i}" for n in range(8) for i in range(100)
    }
    assert len({todo.id for todo in listed}) == 800
    assert len({todo.position for todo in listed}) == 800
