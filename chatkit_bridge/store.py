"""A ChatKit store over small TinyDB JSON files, sharded per user and per thread.

Layout under the data folder (`<hash>` is the first 32 hex digits of sha256(user_id)):

    users/<hash>/threads.json                    tables "threads" and "attachments" of one user
    users/<hash>/threads/<thread_id>/000000.json   a thread's items, in bounded chunks
    users/<hash>/threads/<thread_id>.json          a thread's items in the older layout (read)

A write rewrites one small file, so its cost grows neither with the total data
nor with a thread's length (see `chatkit_bridge.thread_items`). Thread ids are
namespaced per user: another user's id is simply not found. Threads per user
and items per thread are limited (`LimitError`), so no file grows without bound.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TypeVar

from chatkit.store import NotFoundError, Store, StoreItemType, default_generate_id
from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata, UserMessageItem
from tinydb.table import Table

from chatkit_bridge.context import RequestContext
from chatkit_bridge.durable import deferred_folder_sync
from chatkit_bridge.jsonfiles import (
    JsonFiles,
    shared_files,
    user_folder,
)
from chatkit_bridge.store_io import RecentSaves, ReplyBatches, flush_chunks, run_locked
from chatkit_bridge.store_limits import (
    DEFAULT_MAX_ITEMS,
    DEFAULT_MAX_THREADS,
    TURN_ALLOWANCE,
    DuplicateItemError,
    LimitError,
    item_limit_reached,
    thread_limit_reached,
)
from chatkit_bridge.store_tables import ATTACHMENT, check_threads_file, find, page_of, upsert
from chatkit_bridge.thread_items import (
    ChunkStorage,
    SortedChunks,
    ThreadItemFiles,
)

logger = logging.getLogger(__name__)

_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")

T = TypeVar("T")


def _may_defer(item: ThreadItem) -> bool:
    """Tell whether an item's write may wait for the background folder sync.

    What a user typed must survive a power cut before the model runs; what the
    assistant answered can be regenerated, so its writes skip the folder sync
    (each file is still complete: a power cut leaves the previous version).
    """
    return not isinstance(item, UserMessageItem)


class TinyDBStore(Store[RequestContext]):
    """Persist ChatKit threads, items and attachment metadata in JSON files."""

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
        self._batches = ReplyBatches()
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
        sink: set[ChunkStorage] | None = None,
    ) -> T:
        return await run_locked(
            self._files, self.folder_of(context.user_id), work, deferred, read, sink
        )

    def _threads(self, folder: Path) -> Table:
        return self._files.table(f"{folder}/threads.json", "threads", check_threads_file)

    def _attachments(self, folder: Path) -> Table:
        return self._files.table(f"{folder}/threads.json", "attachments", check_threads_file)

    def _items(self, folder: Path, thread_id: str) -> ThreadItemFiles:
        """Return the items of a thread this user owns, or raise NotFoundError."""
        if not _SAFE_ID.fullmatch(thread_id) or find(self._threads(folder), thread_id) is None:
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

    @contextlib.asynccontextmanager
    async def batched_writes(self, thread_id: str, context: RequestContext) -> AsyncIterator[None]:
        """Write a reply's own items (not the user's message) to disk together when it ends.

        Inside, such an item is in this process's copy of its chunk at once (no worker thread)
        and on disk when the block ends, in one write per chunk. Other processes see the items
        then; a crash before loses the unfinished reply's items only, as if it had been cut
        short (the user's message, the change journal and the use case's data are written at
        once as always).
        """

        def write(folder: Path, sink: set[ChunkStorage]) -> None:
            # A thread deleted meanwhile keeps no items (they would come back as orphans).
            flush_chunks(sink, keep=find(self._threads(folder), thread_id) is not None)

        async def flush(sink: set[ChunkStorage]) -> None:
            await self._run(context, lambda folder: write(folder, sink), deferred=True)

        async with self._batches.batch((context.user_id, thread_id), flush):
            yield

    def _sink(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> set[ChunkStorage] | None:
        """Return the batch a reply's item may wait in, if one is open for its thread."""
        return self._batches.sink((context.user_id, thread_id)) if _may_defer(item) else None

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
        if not _SAFE_ID.fullmatch(thread.id):
            raise ValueError(f"Thread id {thread.id!r} may only contain letters, digits, _ and -")

        def work(folder: Path) -> None:
            threads = self._threads(folder)
            existing = find(threads, thread.id)
            if existing == data:
                return
            if existing is None:
                reason = self._thread_limit_reached(folder)
                if reason is not None:
                    raise LimitError(reason)
                # Items without their thread (a delete cut short, or a threads.json
                # moved aside as corrupt) must not leak into a new thread with the
                # same id; keep them aside for recovery.
                items = ThreadItemFiles(self._files, self._sorted, f"{folder}/threads", thread.id)
                for aside in items.set_aside("orphan"):
                    logger.warning("Moved items of unknown thread %s to %s", thread.id, aside)
                upsert(threads, data)  # a new thread is durable before its first message
                return
            with deferred_folder_sync():  # a title or status may come back after a power cut
                upsert(threads, data)

        await self._saves.save((context.user_id, thread.id), data, lambda: self._run(context, work))

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
            if _SAFE_ID.fullmatch(thread_id):
                ThreadItemFiles(self._files, self._sorted, f"{folder}/threads", thread_id).delete()

        await self._run(context, work)

    # -- items ------------------------------------------------------------

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: str,
        context: RequestContext,
    ) -> Page[ThreadItem]:
        """Load a page of a thread's items sorted by creation time."""

        def work(folder: Path) -> Page[ThreadItem]:
            records, has_more = self._items(folder, thread_id).page(after, limit, order)
            data = [self._sorted.model(record) for record in records]
            return Page(data=data, has_more=has_more, after=data[-1].id if has_more else None)

        return await self._run(context, work, read=True)

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        """Insert a new item; an existing id is never overwritten.

        Adding the very same item again is a harmless retry and does nothing; a
        different item with a taken id raises DuplicateItemError, because
        silently dropping it would lose a message. A full thread refuses a new
        user message (LimitError); a turn under way may still finish its reply.
        """
        data = item.model_dump(mode="json")

        def work(folder: Path) -> None:
            items = self._items(folder, thread_id)
            existing = items.find(item.id)
            if existing is not None:
                if existing[2] != data:
                    raise DuplicateItemError(f"Item {item.id} already exists in thread {thread_id}")
                return
            allowance = 0 if isinstance(item, UserMessageItem) else TURN_ALLOWANCE
            reason = self._item_limit_reached(items, allowance)
            if reason is not None:
                raise LimitError(reason)
            items.insert(data, item)

        await self._run(
            context, work, deferred=_may_defer(item), sink=self._sink(thread_id, item, context)
        )

    async def save_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        """Insert an item or replace the one with the same id, keeping its place."""
        data = item.model_dump(mode="json")

        def work(folder: Path) -> None:
            items = self._items(folder, thread_id)
            existing = items.find(item.id)
            if existing is None:
                items.insert(data, item)
            else:
                items.replace(existing[0], existing[1], data, item)

        await self._run(
            context, work, deferred=_may_defer(item), sink=self._sink(thread_id, item, context)
        )

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        """Load one item of a thread by id."""

        def work(folder: Path) -> ThreadItem:
            try:
                found = self._items(folder, thread_id).find(item_id)
            except NotFoundError:
                found = None
            if found is None:
                raise NotFoundError(f"Item {item_id} not found")
            return self._sorted.model(found[2])

        return await self._run(context, work, read=True)

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        """Delete one item of a thread; a missing item is not an error."""

        def work(folder: Path) -> None:
            try:
                items = self._items(folder, thread_id)
            except NotFoundError:
                return
            found = items.find(item_id)
            if found is not None:
                items.remove(found[0], found[1])

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
