"""Per-process caches of a thread's items: each chunk sorted by time, and validated models.

Records keep their identity across writes of their file (TinyDB rewrites the
same dicts; only `ThreadItemFiles.replace` changes one in place, and it says so
first), so an item's sort key and its validated model are computed once, not
again after each write of its chunk. A file reloaded from disk (changed by
another process) has new records, so nothing stale is served.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chatkit.types import AssistantMessageItem, ThreadItem, UserMessageItem, WidgetItem
from pydantic import TypeAdapter

from chatkit_bridge.chunk_files import ChunkListings
from chatkit_bridge.compat import NotPlain, plain_widget_dump

ITEM: TypeAdapter[ThreadItem] = TypeAdapter(ThreadItem)
SHARED_ITEMS = (UserMessageItem, AssistantMessageItem, WidgetItem)
"""Item types served from the model cache: the SDK never changes them in place (it does change
workflow, client tool call and structured input items it loaded), and nor does this app."""

Record = dict[str, Any]
Entry = tuple[datetime, int, int, Record]
"""(created_at in UTC, chunk number, document id, record): the sort order of items."""


def item_record(item: ThreadItem) -> Record:
    """Return the record an item is stored as: `item.model_dump(mode="json")`, built faster."""
    if isinstance(item, WidgetItem):
        try:
            widget = plain_widget_dump(item.widget)  # a card: 4-5x faster than pydantic
        except NotPlain:
            pass
        else:
            record = item.model_dump(mode="json", exclude={"widget"})
            record["widget"] = widget
            return record
    return item.model_dump(mode="json")


def created_at(record: Record) -> datetime:
    """Return an item's creation time in UTC (raises if it has none or a bad one)."""
    # Naive times come from datetime.now(): read them as local time so they
    # compare with aware ones.
    return datetime.fromisoformat(record["created_at"]).astimezone(UTC)


@dataclass
class ChunkView:
    """One chunk's items sorted by time, for one version of its file."""

    version: int
    entries: list[Entry]
    index: dict[str, Entry]  # item id -> its entry


class SortedChunks:
    """Per-process cache of each chunk's items sorted by time, and of validated item models."""

    def __init__(self, max_chunks: int = 2048, max_models: int = 4096) -> None:
        """Keep the sorted view of at most `max_chunks` chunk files, `max_models` models."""
        self.max_chunks = max_chunks
        self.max_models = max_models
        self._lock = threading.Lock()
        self.listings = ChunkListings(max_chunks)
        """Which chunk files each thread has (`chatkit_bridge.chunk_files`)."""
        self._cache: OrderedDict[str, ChunkView] = OrderedDict()
        self._models: OrderedDict[str, tuple[Record, ThreadItem]] = OrderedDict()

    def get(self, path: str, number: int, version: int, table: dict[str, Record]) -> ChunkView:
        """Return the sorted view of one chunk's table, computing it if the file changed."""
        key = path
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached.version == version:
                self._cache.move_to_end(key)
                return cached
        known = cached.index if cached is not None else {}
        entries = sorted(
            (_time_of(known.get(record["id"]), record), number, int(doc_id), record)
            for doc_id, record in table.items()
        )
        view = ChunkView(version, entries, {entry[3]["id"]: entry for entry in entries})
        with self._lock:
            self._cache[key] = view
            while len(self._cache) > self.max_chunks:
                self._cache.popitem(last=False)
        return view

    def model(self, record: Record) -> ThreadItem:
        """Return a record's item, validated once for as long as the record is unchanged.

        Messages and widgets come from the cache and are shared between callers: change them
        with `model_copy(update=...)` and save the copy, never in place. Other items are
        validated anew on every call (the SDK changes them in place before saving them).
        """
        item_id = record["id"]
        with self._lock:
            cached = self._models.get(item_id)
            if cached is not None and cached[0] is record:
                self._models.move_to_end(item_id)
                return cached[1]
        item = ITEM.validate_python(record)
        self.keep(record, item)
        return item

    def models(self, records: list[Record]) -> list[ThreadItem]:
        """Return the records' items as `model` does, looking them up under one lock hold.

        A turn reads a page of up to 60 items: one lock, not one per item.
        """
        found: list[ThreadItem | None] = []
        with self._lock:
            cache = self._models
            for record in records:
                cached = cache.get(record["id"])
                if cached is not None and cached[0] is record:
                    cache.move_to_end(record["id"])
                    found.append(cached[1])
                else:
                    found.append(None)
        return [
            item if item is not None else self.model(record)
            for item, record in zip(found, records, strict=True)
        ]

    def keep(self, record: Record, item: ThreadItem) -> None:
        """Remember the model a record was just written from, so it is not validated again.

        The writer must not change `item` afterwards (ChatKit's server does not change the
        items it saves); only messages and widgets are kept, as for `model`.
        """
        if isinstance(item, SHARED_ITEMS):
            with self._lock:
                self._models[record["id"]] = (record, item)
                while len(self._models) > self.max_models:
                    self._models.popitem(last=False)

    def changing(self, path: str, item_id: str) -> None:
        """Forget what was derived from one record, which is about to change in place."""
        with self._lock:
            self._models.pop(item_id, None)
            cached = self._cache.get(path)
            if cached is not None:
                cached.index.pop(item_id, None)


def _time_of(known: Entry | None, record: Record) -> datetime:
    """Return a record's sort time, reusing the one computed for the very same record."""
    if known is not None and known[3] is record:
        return known[0]
    return created_at(record)
