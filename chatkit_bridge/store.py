"""A ChatKit store over small TinyDB JSON files, sharded per user and per thread.

Layout under the data folder (`<hash>` is the first 32 hex digits of sha256(user_id)):

    users/<hash>/threads.json                    tables "threads" and "attachments" of one user
    users/<hash>/threads/<thread_id>/000000.json   a thread's items, in bounded chunks
    users/<hash>/threads/<thread_id>/000000.json.log  the assistant's items appended since
                                                   (`chatkit_bridge.item_chunk`)
    users/<hash>/threads/<thread_id>.json          a thread's items in the older layout (read)

A write rewrites one small file, so its cost grows neither with the total data
nor with a thread's length (see `chatkit_bridge.thread_items`). Thread ids are
namespaced per user: another user's id is simply not found. Threads per user
and items per thread are limited (`LimitError`), so no file grows without bound.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from chatkit.store import NotFoundError
from chatkit.types import Attachment, Page, ThreadMetadata
from tinydb.table import Table

from chatkit_bridge.context import RequestContext
from chatkit_bridge.durable import deferred_folder_sync
from chatkit_bridge.json_log import LoggedJSONStorage, logged_writes
from chatkit_bridge.json_storage import NotInMemory, memory_only
from chatkit_bridge.store_base import SAFE_ID
from chatkit_bridge.store_items import ItemStore
from chatkit_bridge.store_limits import (
    DEFAULT_MAX_ITEMS,
    DEFAULT_MAX_THREADS,
    TURN_ALLOWANCE,
    DuplicateItemError,
    LimitError,
    item_limit_reached,
    thread_limit_reached,
)
from chatkit_bridge.store_tables import ATTACHMENT, find, page_of, upsert
from chatkit_bridge.thread_items import ThreadItemFiles

__all__ = [  # the limits are also importable from here, where they lived before
    "DEFAULT_MAX_ITEMS",
    "DEFAULT_MAX_THREADS",
    "TURN_ALLOWANCE",
    "DuplicateItemError",
    "LimitError",
    "TinyDBStore",
    "item_limit_reached",
    "thread_limit_reached",
]

logger = logging.getLogger(__name__)


class TinyDBStore(ItemStore):
    """Persist ChatKit threads, items and attachment metadata in JSON files."""

    # -- threads ----------------------------------------------------------

    async def load_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
        """Load a thread's metadata by id."""

        def work(folder: Path) -> ThreadMetadata:
            doc = find(self._threads(folder), thread_id)
            if doc is None:
                raise NotFoundError(f"Thread {thread_id} not found")
            return ThreadMetadata.model_validate(dict(doc))

        return await self._run(context, work, read=True)

    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        """Create or update a thread's metadata (a full `Thread` loses its items)."""
        data = thread.model_dump(mode="json", exclude={"items"})
        if not SAFE_ID.fullmatch(thread.id):
            raise ValueError(f"Thread id {thread.id!r} may only contain letters, digits, _ and -")

        def work(folder: Path) -> None:
            threads = self._threads(folder)
            existing = find(threads, thread.id)
            if existing == data:
                return
            if existing is None:
                if memory_only():
                    raise NotInMemory(thread.id)  # created in a worker thread, durably
                with logged_writes(False):
                    self._create(folder, threads, data)
                return
            with deferred_folder_sync():  # a title, status or note may come back after a power
                upsert(threads, data)  # cut (logged; a full log is folded in by this write)

        await self._saves.save(
            (context.user_id, thread.id), data, lambda: self._run(context, work, log=True)
        )

    def _create(self, folder: Path, threads: Table, data: dict[str, Any]) -> None:
        """Add a new thread's metadata durably (it is on disk before its first message)."""
        reason = self._thread_limit_reached(folder)
        if reason is not None:
            raise LimitError(reason)
        # Items without their thread (a delete cut short, or a threads.json moved aside as
        # corrupt) must not leak into a new thread with the same id; keep them aside.
        items = ThreadItemFiles(self._files, self._sorted, f"{folder}/threads", data["id"])
        for aside in items.set_aside("orphan"):
            logger.warning("Moved items of unknown thread %s to %s", data["id"], aside)
        upsert(threads, data)

    def write_thread_now(self, thread: ThreadMetadata, context: RequestContext) -> None:
        """Save an existing thread's metadata durably, in this thread (never the event loop).

        For a record that must last the moment it is made (the change journal of
        `chatkit_bridge.turn_effects`, written by the worker thread that saved the change).
        A thread deleted meanwhile stays deleted.
        """
        data = thread.model_dump(mode="json", exclude={"items"})
        folder = self.folder_of(context.user_id)
        with self._files.lock(folder), logged_writes(synced=True):
            threads = self._threads(folder)
            existing = find(threads, thread.id)
            if existing is None:
                return
            if existing == data:
                assert isinstance(threads.storage, LoggedJSONStorage)
                threads.storage.fold()  # it may be in the log only, unsynced
            else:
                upsert(threads, data)  # appended to the log and synced
        # ChatKit saves the thread it sees changed next: that save has nothing left to do.
        self._saves.written((context.user_id, thread.id), data)

    async def load_threads(
        self, limit: int, after: str | None, order: str, context: RequestContext
    ) -> Page[ThreadMetadata]:
        """Load a page of the user's threads sorted by creation time."""

        def work(folder: Path) -> Page[ThreadMetadata]:
            page = page_of(self._threads(folder).all(), after, limit, order)
            page.data = [ThreadMetadata.model_validate(dict(doc)) for doc in page.data]
            return page

        # Not `read=True`: a page sorts all the user's threads (up to max_threads_per_user),
        # work that grows with the user's data and belongs off the event loop.
        return await self._run(context, work)

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        """Delete a thread with its items and its attachments' metadata."""

        self._saves.forget((context.user_id, thread_id))

        def work(folder: Path) -> None:
            threads = self._threads(folder)
            doc = find(threads, thread_id)
            if doc is None:
                return
            # The thread disappears first; a crash after that leaves only
            # invisible leftovers (attachment records, an items file that
            # save_thread sets aside before reusing the id).
            threads.remove(doc_ids=[doc.doc_id])
            attachments = self._attachments(folder)
            attached = [a.doc_id for a in attachments.all() if a.get("thread_id") == thread_id]
            if attached:
                attachments.remove(doc_ids=attached)
            if SAFE_ID.fullmatch(thread_id):
                ThreadItemFiles(self._files, self._sorted, f"{folder}/threads", thread_id).delete()

        await self._run(context, work)

    # -- attachments ------------------------------------------------------

    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        """Create or update attachment metadata."""
        data = attachment.model_dump(mode="json")
        await self._run(context, lambda folder: upsert(self._attachments(folder), data))

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        """Load attachment metadata by id."""

        def work(folder: Path) -> Attachment:
            doc = find(self._attachments(folder), attachment_id)
            if doc is None:
                raise NotFoundError(f"Attachment {attachment_id} not found")
            return ATTACHMENT.validate_python(dict(doc))

        return await self._run(context, work, read=True)

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        """Delete attachment metadata by id; a missing one is not an error."""

        def work(folder: Path) -> None:
            attachments = self._attachments(folder)
            doc = find(attachments, attachment_id)
            if doc is not None:
                attachments.remove(doc_ids=[doc.doc_id])

        await self._run(context, work)
