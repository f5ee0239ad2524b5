"""A ChatKit store over small TinyDB JSON files, sharded per user and per thread.

Layout under the data folder (`<hash>` is the first 32 hex digits of sha256(user_id)):

    users/<hash>/threads.json            tables "threads" and "attachments" of one user
    users/<hash>/threads/<thread_id>.json  table "items" of one thread

A write rewrites one small file, so its cost does not grow with the total data.
Thread ids are namespaced per user: another user's id is simply not found.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from chatkit.store import NotFoundError, Store, StoreItemType, default_generate_id
from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata
from pydantic import TypeAdapter
from tinydb.table import Document, Table

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles, shared_files, user_folder

logger = logging.getLogger(__name__)

_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_ITEM = TypeAdapter(ThreadItem)
_ATTACHMENT = TypeAdapter(Attachment)

T = TypeVar("T")


class DuplicateItemError(ValueError):
    """`add_thread_item` was given an id that the thread already holds."""


def _created(record: dict[str, Any]) -> datetime:
    # Naive times come from datetime.now(): read them as local time so they
    # compare with aware ones.
    return datetime.fromisoformat(record["created_at"]).astimezone(UTC)


def _sort_key(doc: Document) -> tuple[datetime, int]:
    return _created(doc), doc.doc_id


def _check_threads_file(table: str, record: dict[str, Any]) -> None:
    """Raise for a thread or attachment record the store could not serve."""
    if table == "threads":
        ThreadMetadata.model_validate(record)
        _created(record)
    elif table == "attachments":
        _ATTACHMENT.validate_python(record)


def _check_items_file(table: str, record: dict[str, Any]) -> None:
    """Raise for an item record the store could not serve."""
    if table == "items":
        _ITEM.validate_python(record)
        _created(record)


def _page(docs: Iterable[Document], after: str | None, limit: int, order: str) -> Page[Any]:
    ordered = sorted(docs, key=_sort_key, reverse=order == "desc")
    start = 0
    if after is not None:
        ids = [doc["id"] for doc in ordered]
        if after not in ids:
            # An unknown cursor (e.g. its element was deleted) ends the listing
            # rather than restarting it and showing elements twice.
            return Page(data=[], has_more=False, after=None)
        start = ids.index(after) + 1
    limit = max(limit, 1)
    chosen = ordered[start : start + limit]
    has_more = start + limit < len(ordered)
    return Page(data=chosen, has_more=has_more, after=chosen[-1]["id"] if has_more else None)


def _find(table: Table, doc_id: str) -> Document | None:
    return table.get(lambda doc: doc.get("id") == doc_id)


def _replace_with(new: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def transform(doc: dict[str, Any]) -> None:
        # TinyDB's own update merges fields; a saved item must lose removed ones.
        doc.clear()
        doc.update(new)

    return transform


def _upsert(table: Table, new: dict[str, Any]) -> None:
    existing = _find(table, new["id"])
    if existing is None:
        table.insert(new)
    else:
        table.update(_replace_with(new), doc_ids=[existing.doc_id])


class TinyDBStore(Store[RequestContext]):
    """Persist ChatKit threads, items and attachment metadata in JSON files."""

    def __init__(self, path: str | Path, files: JsonFiles | None = None) -> None:
        """Use the folder `path` (created if missing) for all data."""
        # Absolute, so the folder locks shared with the todo data match whatever
        # the working folder is.
        self.root = Path(path).absolute()
        self.root.mkdir(parents=True, exist_ok=True)
        self._files = files or shared_files

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

    async def _run(self, context: RequestContext, work: Callable[[Path], T]) -> T:
        folder = self.folder_of(context.user_id)

        def locked() -> T:
            with self._files.lock(folder):
                return work(folder)

        # File reads, writes and fsync must not stall the event loop.
        return await asyncio.to_thread(locked)

    def _threads(self, folder: Path) -> Table:
        return self._files.table(folder / "threads.json", "threads", _check_threads_file)

    def _attachments(self, folder: Path) -> Table:
        return self._files.table(folder / "threads.json", "attachments", _check_threads_file)

    @staticmethod
    def _items_path(folder: Path, thread_id: str) -> Path | None:
        if not _SAFE_ID.fullmatch(thread_id):
            return None
        return folder / "threads" / f"{thread_id}.json"

    def _items(self, folder: Path, thread_id: str) -> Table:
        """Return the items table of a thread this user owns, or raise NotFoundError."""
        path = self._items_path(folder, thread_id)
        if path is None or _find(self._threads(folder), thread_id) is None:
            raise NotFoundError(f"Thread {thread_id} not found")
        return self._files.table(path, "items", _check_items_file)

    # -- threads ----------------------------------------------------------

    async def load_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
        """Load a thread's metadata by id."""

        def work(folder: Path) -> ThreadMetadata:
            doc = _find(self._threads(folder), thread_id)
            if doc is None:
                raise NotFoundError(f"Thread {thread_id} not found")
            return ThreadMetadata.model_validate(dict(doc))

        return await self._run(context, work)

    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        """Create or update a thread's metadata (a full `Thread` loses its items)."""
        data = thread.model_dump(mode="json", exclude={"items"})
        if not _SAFE_ID.fullmatch(thread.id):
            raise ValueError(f"Thread id {thread.id!r} may only contain letters, digits, _ and -")

        def work(folder: Path) -> None:
            threads = self._threads(folder)
            if _find(threads, thread.id) is None:
                # An items file without its thread (a delete cut short, or a
                # threads.json moved aside as corrupt) must not leak into a
                # new thread with the same id; keep it aside for recovery.
                items_path = folder / "threads" / f"{thread.id}.json"
                aside = self._files.set_aside(items_path, "orphan")
                if aside is not None:
                    logger.warning("Moved items of unknown thread %s to %s", thread.id, aside)
            _upsert(threads, data)

        await self._run(context, work)

    async def load_threads(
        self, limit: int, after: str | None, order: str, context: RequestContext
    ) -> Page[ThreadMetadata]:
        """Load a page of the user's threads sorted by creation time."""

        def work(folder: Path) -> Page[ThreadMetadata]:
            page = _page(self._threads(folder).all(), after, limit, order)
            page.data = [ThreadMetadata.model_validate(dict(doc)) for doc in page.data]
            return page

        return await self._run(context, work)

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        """Delete a thread with its items and its attachments' metadata."""

        def work(folder: Path) -> None:
            threads = self._threads(folder)
            doc = _find(threads, thread_id)
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
            path = self._items_path(folder, thread_id)
            if path is not None:
                self._files.delete(path)

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
            page = _page(self._items(folder, thread_id).all(), after, limit, order)
            page.data = [_ITEM.validate_python(dict(doc)) for doc in page.data]
            return page

        return await self._run(context, work)

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        """Insert a new item; an existing id is never overwritten.

        Adding the very same item again is a harmless retry and does nothing; a
        different item with a taken id raises DuplicateItemError, because
        silently dropping it would lose a message.
        """
        data = item.model_dump(mode="json")

        def work(folder: Path) -> None:
            items = self._items(folder, thread_id)
            existing = _find(items, item.id)
            if existing is None:
                items.insert(data)
            elif dict(existing) != data:
                raise DuplicateItemError(f"Item {item.id} already exists in thread {thread_id}")

        await self._run(context, work)

    async def save_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        """Insert an item or replace the one with the same id, keeping its place."""
        data = item.model_dump(mode="json")
        await self._run(context, lambda folder: _upsert(self._items(folder, thread_id), data))

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        """Load one item of a thread by id."""

        def work(folder: Path) -> ThreadItem:
            try:
                doc = _find(self._items(folder, thread_id), item_id)
            except NotFoundError:
                doc = None
            if doc is None:
                raise NotFoundError(f"Item {item_id} not found")
            return _ITEM.validate_python(dict(doc))

        return await self._run(context, work)

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        """Delete one item of a thread; a missing item is not an error."""

        def work(folder: Path) -> None:
            try:
                items = self._items(folder, thread_id)
            except NotFoundError:
                return
            doc = _find(items, item_id)
            if doc is not None:
                items.remove(doc_ids=[doc.doc_id])

        await self._run(context, work)

    # -- attachments ------------------------------------------------------

    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        """Create or update attachment metadata."""
        data = attachment.model_dump(mode="json")
        await self._run(context, lambda folder: _upsert(self._attachments(folder), data))

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        """Load attachment metadata by id."""

        def work(folder: Path) -> Attachment:
            doc = _find(self._attachments(folder), attachment_id)
            if doc is None:
                raise NotFoundError(f"Attachment {attachment_id} not found")
            return _ATTACHMENT.validate_python(dict(doc))

        return await self._run(context, work)

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        """Delete attachment metadata by id; a missing one is not an error."""

        def work(folder: Path) -> None:
            attachments = self._attachments(folder)
            doc = _find(attachments, attachment_id)
            if doc is not None:
                attachments.remove(doc_ids=[doc.doc_id])

        await self._run(context, work)
