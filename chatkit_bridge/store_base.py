"""The plumbing of the TinyDB store: a user's folder, its lock, its files, the limits.

See `chatkit_bridge.store` for the layout; `FolderStore` is what the store's threads
(`store.py`) and items (`store_items.py`) share.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from chatkit.store import NotFoundError, Store, StoreItemType, default_generate_id
from chatkit.types import ThreadMetadata
from tinydb.table import Table

from chatkit_bridge.context import RequestContext
from chatkit_bridge.json_log import LoggedJSONStorage
from chatkit_bridge.jsonfiles import JsonFiles, shared_files, user_folder
from chatkit_bridge.store_io import RecentSaves, run_locked
from chatkit_bridge.store_limits import (
    DEFAULT_MAX_ITEMS,
    DEFAULT_MAX_THREADS,
    LimitError,
    item_limit_reached,
    thread_limit_reached,
)
from chatkit_bridge.store_tables import check_threads_file, find
from chatkit_bridge.thread_items import SortedChunks, ThreadItemFiles

SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
"""What a thread id may be: it names files."""

T = TypeVar("T")


class FolderStore(Store[RequestContext]):
    """A ChatKit store's access to each user's folder of JSON files (see `TinyDBStore`)."""

    def __init__(
        self,
        path: str | Path,
        files: JsonFiles | None = None,
        max_threads: int = DEFAULT_MAX_THREADS,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> None:
        """Use the folder `path` (created if missing) for all data.

        :param path: the data folder.
        :param files: the file registry (default: the one shared with use case data).
        :param max_threads: threads one user may keep (MAX_THREADS_PER_USER).
        :param max_items: items one thread may hold (MAX_ITEMS_PER_THREAD).
        """
        # Absolute, so the folder locks shared with the todo data match whatever
        # the working folder is.
        self.root = Path(path).absolute()
        self.root.mkdir(parents=True, exist_ok=True)
        self._files = files or shared_files
        self._sorted = SortedChunks()
        self._saves = RecentSaves()
        self.max_threads = max_threads
        self.max_items = max_items

    def generate_thread_id(self, context: RequestContext) -> str:
        """Return a new thread id with 64 random bits (the SDK default has 32)."""
        return f"{default_generate_id('thread')}{secrets.token_hex(4)}"

    def generate_item_id(
        self, item_type: StoreItemType, thread: ThreadMetadata, context: RequestContext
    ) -> str:
        """Return a new item id with 64 random bits, so a long thread never repeats one."""
        return f"{default_generate_id(item_type)}{secrets.token_hex(4)}"

    # -- plumbing ---------------------------------------------------------

    def folder_of(self, user_id: str) -> Path:
        """Return the folder of a user's files (the migration addresses users by key)."""
        return user_folder(self.root, user_id)

    async def _run(
        self,
        context: RequestContext,
        work: Callable[[Path], T],
        deferred: bool = False,
        read: bool = False,
        log: bool = False,
        synced: bool = False,
    ) -> T:
        return await run_locked(
            self._files, self.folder_of(context.user_id), work, deferred, read, log, synced
        )

    def _threads(self, folder: Path) -> Table:
        return self._files.table(
            f"{folder}/threads.json", "threads", check_threads_file, LoggedJSONStorage
        )

    def _attachments(self, folder: Path) -> Table:
        return self._files.table(
            f"{folder}/threads.json", "attachments", check_threads_file, LoggedJSONStorage
        )

    def _items(self, folder: Path, thread_id: str) -> ThreadItemFiles:
        """Return the items of a thread this user owns, or raise NotFoundError."""
        if not SAFE_ID.fullmatch(thread_id) or find(self._threads(folder), thread_id) is None:
            raise NotFoundError(f"Thread {thread_id} not found")
        return ThreadItemFiles(self._files, self._sorted, f"{folder}/threads", thread_id)

    def _thread_limit_reached(self, folder: Path) -> str | None:
        return thread_limit_reached(len(self._threads(folder)), self.max_threads)

    def _item_limit_reached(self, items: ThreadItemFiles, allowance: int = 0) -> str | None:
        return item_limit_reached(items.count(), self.max_items + allowance, self.max_items)

    async def check_room(self, thread_id: str | None, context: RequestContext) -> None:
        """Raise LimitError if a new thread (None) or a new message in a thread is refused.

        Raise NotFoundError if `thread_id` is not one of the user's threads.
        """

        def work(folder: Path) -> None:
            if thread_id is None:
                reason = self._thread_limit_reached(folder)
            else:
                reason = self._item_limit_reached(self._items(folder, thread_id))
            if reason is not None:
                raise LimitError(reason)

        await self._run(context, work, read=True)
