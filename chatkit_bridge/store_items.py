"""The items of the TinyDB store's threads, in chunk files (see `chatkit_bridge.thread_items`)."""

from __future__ import annotations

import itertools
from collections.abc import Collection
from pathlib import Path

from chatkit.store import NotFoundError
from chatkit.types import Page, ThreadItem, UserMessageItem, WidgetItem

from chatkit_bridge.context import RequestContext
from chatkit_bridge.item_cache import item_record
from chatkit_bridge.store_base import FolderStore
from chatkit_bridge.store_limits import TURN_ALLOWANCE, DuplicateItemError, LimitError


def _may_defer(item: ThreadItem) -> bool:
    """Tell whether an item's write may skip syncing to disk (see `chatkit_bridge.item_chunk`).

    What a user typed must survive a power cut before the model runs: it is appended to its
    chunk's log and synced, in a worker thread. What the assistant answered can be
    regenerated: it is appended unsynced, on the event loop when nothing has to wait, which
    a killed process keeps and a power cut may lose.
    """
    return not isinstance(item, UserMessageItem)


class ItemStore(FolderStore):
    """Load, add, replace and delete the items of a user's threads."""

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
            data = self._sorted.models(records)
            return Page(data=data, has_more=has_more, after=data[-1].id if has_more else None)

        return await self._run(context, work, read=True)

    async def find_newest_widget(
        self, thread_id: str, keys: Collection[str], within: int, context: RequestContext
    ) -> WidgetItem | None:
        """Return the newest widget item whose widget key is in `keys` among the `within` newest.

        Looks at the stored records and validates only the item found: paging through the
        same items validates each (see `chatkit_bridge.newest_widget`).
        """

        def work(folder: Path) -> WidgetItem | None:
            newest = itertools.islice(self._items(folder, thread_id).entries("desc"), within)
            for *_, record in newest:
                # Records are checked to be valid items when their file is read.
                if record["type"] == "widget" and record["widget"].get("key") in keys:
                    item = self._sorted.model(record)
                    return item if isinstance(item, WidgetItem) else None
            return None

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
        data = item_record(item)

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

        deferred = _may_defer(item)
        await self._run(context, work, deferred=deferred, log=deferred, synced=not deferred)

    async def save_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        """Insert an item or replace the one with the same id, keeping its place."""
        data = item_record(item)

        def work(folder: Path) -> None:
            items = self._items(folder, thread_id)
            existing = items.find(item.id)
            if existing is None:
                items.insert(data, item)
            else:
                items.replace(existing[0], existing[1], data, item)

        deferred = _may_defer(item)
        await self._run(context, work, deferred=deferred, log=deferred, synced=not deferred)

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
