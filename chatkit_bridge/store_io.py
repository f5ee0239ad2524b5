"""How the store reaches its files: on the event loop when nothing has to wait, in a worker
thread otherwise; repeated thread saves spared.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any, TypeVar

from chatkit_bridge.durable import deferred_folder_sync
from chatkit_bridge.folderlock import FolderLock
from chatkit_bridge.json_log import logged_writes
from chatkit_bridge.json_storage import NotInMemory, in_memory_only
from chatkit_bridge.jsonfiles import JsonFiles

T = TypeVar("T")
Key = tuple[str, str]
"""(user id, thread id)"""


async def run_locked(
    files: JsonFiles,
    folder: Path,
    work: Callable[[Path], T],
    deferred: bool = False,
    read: bool = False,
    log: bool = False,
    synced: bool = False,
) -> T:
    """Run `work(folder)` holding the folder's lock.

    :param deferred: leave the folder sync of its writes to the background flush.
    :param read: `work` only reads: run it right here if the lock is free and every file it
        reads is parsed already (a few stats: a worker thread's round trip costs ~0.3 ms of
        CPU, more than such a read).
    :param log: `work` writes what may be lost to a power cut (an assistant's item, a title):
        append it to its file's log (see `chatkit_bridge.json_log`), right here if it can as
        for `read`.
    :param synced: append what `work` writes to its file's log and sync it (what must last: a
        user's message), in a worker thread.
    """
    if (read or log) and not synced:
        done, result = _run_here(files.lock(folder), folder, work, log)
        if done:
            return result  # type: ignore[return-value]

    def locked() -> T:
        with (
            files.lock(folder),
            deferred_folder_sync() if deferred else nullcontext(),
            logged_writes(synced=synced) if log or synced else nullcontext(),
        ):
            return work(folder)

    # File reads, writes and fsync must not stall the event loop.
    return await asyncio.to_thread(locked)


def _run_here(
    lock: FolderLock, folder: Path, work: Callable[[Path], T], log: bool
) -> tuple[bool, T | None]:
    """Run `work` on this thread if that needs no waiting; tell whether it ran."""
    if not lock.try_enter():
        return False, None  # never wait on the event loop
    try:
        with in_memory_only(), logged_writes() if log else nullcontext():
            return True, work(folder)
    except NotInMemory:
        return False, None  # stopped before changing anything: a worker does it all again
    finally:
        lock.__exit__(None, None, None)


class RecentSaves:
    """What this process last wrote of each thread, and the thread writes under way.

    ChatKit saves a thread again after every change the app already saved (the change journal
    of `chatkit_bridge.turn_effects`), often while that save is still running: both are
    answered here, without a worker thread or a file read.
    """

    def __init__(self, size: int = 1024) -> None:
        """Remember the last write of at most `size` threads."""
        self.size = size
        self._saved: OrderedDict[Key, dict[str, Any]] = OrderedDict()
        self._saving: dict[Key, tuple[dict[str, Any], asyncio.Future[bool]]] = {}

    async def save(
        self, key: Key, data: dict[str, Any], write: Callable[[], Awaitable[None]]
    ) -> None:
        """Write `data` with `write` unless it is what was written last or is being written.

        If another process changed the thread since, its later change stands, as it would
        had this save come first.
        """
        if self._saved.get(key) == data:
            self._saved.move_to_end(key)
            return
        running = self._saving.get(key)
        if running is not None and running[0] == data and await asyncio.shield(running[1]):
            return
        done = asyncio.get_running_loop().create_future()
        self._saving[key] = (data, done)
        written = False
        try:
            await write()
            written = True
        finally:
            done.set_result(written)
            if self._saving.get(key, (None, None))[1] is done:
                del self._saving[key]
        self._saved[key] = data
        while len(self._saved) > self.size:
            self._saved.popitem(last=False)

    def written(self, key: Key, data: dict[str, Any]) -> None:
        """Remember a write made without `save` (from any thread: one dict assignment)."""
        self._saved[key] = data

    def forget(self, key: Key) -> None:
        """Forget a thread (deleted)."""
        self._saved.pop(key, None)
