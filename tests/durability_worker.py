"""Write through the store and the todo data from a separate process.

Used by tests/test_store_durability.py:

    python tests/durability_worker.py loop FOLDER RUN
        Write forever, printing "item RUN-N" / "todo RUN-N" after each write
        has returned, until killed.
    python tests/durability_worker.py full-disk FOLDER
        Make every write fail with EFBIG (a file-size limit, which binds root
        too), try to write, and print a JSON report of what was seen.
"""

from __future__ import annotations

import asyncio
import json
import resource
import signal
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadMetadata

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles
from chatkit_bridge.store import TinyDBStore
from use_cases.todo.data import TodoRepository

USER = RequestContext(user_id="worker")
THREAD = "thr_worker"


def message(item_id: str) -> AssistantMessageItem:
    """Build a small assistant message for the worker thread."""
    return AssistantMessageItem(
        id=item_id,
        thread_id=THREAD,
        created_at=datetime.now(),
        content=[AssistantMessageContent(text=f"message {item_id} ✓")],
    )


async def loop(folder: Path, run: str) -> None:
    """Alternate store and todo writes forever, acknowledging each one."""
    store = TinyDBStore(folder)
    todos = TodoRepository(folder)
    await store.save_thread(ThreadMetadata(id=THREAD, created_at=datetime.now()), USER)
    n = 0
    while True:
        n += 1
        await store.add_thread_item(THREAD, message(f"m{run}-{n}"), USER)
        print(f"item {run}-{n}", flush=True)
        todos.add(USER.user_id, [f"todo {run}-{n}"])
        print(f"todo {run}-{n}", flush=True)


async def full_disk(folder: Path) -> dict[str, object]:
    """Fail writes with EFBIG and report errors and what stays readable."""
    files = JsonFiles()
    store = TinyDBStore(folder, files=files)
    todos = TodoRepository(folder, files=files)
    report: dict[str, object] = {}

    # Without this the kernel kills the process instead of failing the write.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16, hard))
    try:
        await store.add_thread_item(THREAD, message("m_new"), USER)
    except Exception as exc:
        report["store_error"] = f"{type(exc).__name__}: {exc}"
    try:
        todos.add(USER.user_id, ["new todo"])
    except Exception as exc:
        report["todo_error"] = f"{type(exc).__name__}: {exc}"
    try:
        (first,) = todos.list(USER.user_id)[:1]
        todos.rename(USER.user_id, first.id, "renamed")
    except Exception as exc:
        report["rename_error"] = f"{type(exc).__name__}: {exc}"

    # What this very process now serves from memory must match the disk.
    page = await store.load_thread_items(THREAD, None, 100, "asc", USER)
    report["items_after_failure"] = [item.id for item in page.data]
    report["todos_after_failure"] = [todo.title for todo in todos.list(USER.user_id)]

    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    await store.add_thread_item(THREAD, message("m_retry"), USER)
    todos.add(USER.user_id, ["retried todo"])
    page = await store.load_thread_items(THREAD, None, 100, "asc", USER)
    report["items_after_retry"] = [item.id for item in page.data]
    report["todos_after_retry"] = [todo.title for todo in todos.list(USER.user_id)]
    return report


def main() -> None:
    """Run the mode named on the command line."""
    mode, folder = sys.argv[1], Path(sys.argv[2])
    if mode == "loop":
        asyncio.run(loop(folder, sys.argv[3]))
    elif mode == "full-disk":
        print(json.dumps(asyncio.run(full_disk(folder))), flush=True)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
