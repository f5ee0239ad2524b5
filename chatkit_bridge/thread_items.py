"""A thread's items in bounded chunk files, so a write rewrites one small file.

Layout inside a user folder:

    threads/<thread_id>/000000.json, 000001.json, ...   table "items", oldest chunk first
    threads/<thread_id>.json                            the older one-file layout, still read

New items go to the newest chunk until it holds `CHUNK_ITEMS` items or
`CHUNK_BYTES` bytes, then to a new one; saving or deleting an item rewrites
only the chunk that holds it. A thread written by an older version (one file)
is read as it is, as the first chunk, and new items go to chunk files beside
it: nothing has to be converted, and a crash can never leave an item in two
places.

Each chunk's items are sorted once per version of its file; listing merges the
sorted chunks lazily, so a page of the newest items does not sort the thread.
Records keep their identity across writes of their file (TinyDB rewrites the
same dicts; only `replace` changes one in place, and it says so), so an item's
sort key and its validated model are computed once, not again after each write
of its chunk.
"""

from __future__ import annotations

import heapq
import itertools
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chatkit.types import AssistantMessageItem, ThreadItem, UserMessageItem, WidgetItem
from pydantic import TypeAdapter

from chatkit_bridge.jsonfiles import JsonFiles, StorageError

CHUNK_ITEMS = 64
CHUNK_BYTES = 256 * 1024
TABLE = "items"
_CHUNK_NAME = re.compile(r"(\d{6})\.json")
LEGACY = -1
"""The chunk number of a thread file of the one-file layout; it sorts first."""

ITEM: TypeAdapter[ThreadItem] = TypeAdapter(ThreadItem)
SHARED_ITEMS = (UserMessageItem, AssistantMessageItem, WidgetItem)
"""Item types served from the model cache: the SDK never changes them in place (it does change
workflow, client tool call and structured input items it loaded), and nor does this app."""

Record = dict[str, Any]
Entry = tuple[datetime, int, int, Record]
"""(created_at in UTC, chunk number, document id, record): the sort order of items."""


def created_at(record: Record) -> datetime:
    """Return an item's creation time in UTC (raises if it has none or a bad one)."""
    # Naive times come from datetime.now(): read them as local time so they
    # compare with aware ones.
    return datetime.fromisoformat(record["created_at"]).astimezone(UTC)


@dataclass
class _Sorted:
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
        self._cache: OrderedDict[str, _Sorted] = OrderedDict()
        self._models: OrderedDict[str, tuple[Record, ThreadItem]] = OrderedDict()

    def get(self, path: Path, number: int, version: int, table: dict[str, Record]) -> _Sorted:
        """Return the sorted view of one chunk's table, computing it if the file changed."""
        key = str(path)
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
        view = _Sorted(version, entries, {entry[3]["id"]: entry for entry in entries})
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
        if isinstance(item, SHARED_ITEMS):
            with self._lock:
                self._models[item_id] = (record, item)
                while len(self._models) > self.max_models:
                    self._models.popitem(last=False)
        return item

    def changing(self, path: Path, item_id: str) -> None:
        """Forget what was derived from one record, which is about to change in place."""
        with self._lock:
            self._models.pop(item_id, None)
            cached = self._cache.get(str(path))
            if cached is not None:
                cached.index.pop(item_id, None)


def _time_of(known: Entry | None, record: Record) -> datetime:
    """Return a record's sort time, reusing the one computed for the very same record."""
    if known is not None and known[3] is record:
        return known[0]
    return created_at(record)


class ThreadItemFiles:
    """The items of one thread; use only under the user folder's lock."""

    def __init__(
        self, files: JsonFiles, sorted_chunks: SortedChunks, threads: Path, thread_id: str
    ) -> None:
        """Address the items of `thread_id` in the folder `threads` of a user.

        :param files: the shared file registry.
        :param sorted_chunks: the shared cache of sorted chunk views.
        :param threads: the user's `threads` folder.
        :param thread_id: an id already checked to be safe as a file name.
        """
        self._files = files
        self._sorted = sorted_chunks
        self.folder = threads / thread_id
        self.legacy = threads / f"{thread_id}.json"
        # Read once per operation (the caller holds the lock); a write resets it.
        self._loaded: list[tuple[int, Path, _Sorted]] | None = None

    # -- reading ----------------------------------------------------------

    def chunks(self) -> list[tuple[int, Path]]:
        """Return (number, path) of every chunk, oldest first."""
        found: list[tuple[int, Path]] = []
        if os.path.lexists(self.legacy):
            found.append((LEGACY, self.legacy))
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            return found
        except OSError as exc:
            raise StorageError(f"Could not read {self.folder}: {exc.strerror or exc}") from exc
        numbered = [(int(m.group(1)), name) for name in names if (m := _CHUNK_NAME.fullmatch(name))]
        found.extend((number, self.folder / name) for number, name in sorted(numbered))
        return found

    def count(self) -> int:
        """Return how many items the thread holds."""
        return sum(len(view.entries) for _, _, view in self._views())

    def entries(self, order: str) -> Iterator[Entry]:
        """Yield every item in time order (`"asc"` or `"desc"`), merging chunks lazily."""
        views = [view.entries for _, _, view in self._views()]
        if order == "desc":
            return heapq.merge(*(reversed(view) for view in views), reverse=True)
        return heapq.merge(*views)

    def page(self, after: str | None, limit: int, order: str) -> tuple[list[Record], bool]:
        """Return up to `limit` items after the item `after` (exclusive) and whether more follow."""
        entries = self.entries(order)
        if after is not None:
            for entry in entries:
                if entry[3]["id"] == after:
                    break
            else:
                # An unknown cursor (its item was deleted) ends the listing rather
                # than restarting it and showing items twice.
                return [], False
        chosen = [entry[3] for entry in itertools.islice(entries, max(limit, 1) + 1)]
        return chosen[: max(limit, 1)], len(chosen) > max(limit, 1)

    def find(self, item_id: str) -> tuple[Path, int, Record] | None:
        """Return (chunk path, document id, record) of an item, newest chunk first."""
        for _, path, view in reversed(self._views()):
            entry = view.index.get(item_id)
            if entry is not None:
                return path, entry[2], entry[3]
        return None

    # -- writing ----------------------------------------------------------

    def insert(self, record: Record) -> None:
        """Add a new item to the newest chunk, starting a new chunk when it is full."""
        chunks = [(n, path, view) for n, path, view in self._views() if n != LEGACY]
        if chunks:
            number, path, view = chunks[-1]
            if len(view.entries) >= CHUNK_ITEMS or _size(path) >= CHUNK_BYTES:
                path = self.folder / f"{number + 1:06d}.json"
        else:
            path = self.folder / f"{0:06d}.json"
        self._loaded = None
        self._files.table(path, TABLE, _check).insert(record)

    def replace(self, path: Path, doc_id: int, record: Record) -> None:
        """Replace one item in its chunk, keeping its place."""

        def transform(doc: Record) -> None:
            # TinyDB's own update merges fields; a saved item must lose removed ones.
            doc.clear()
            doc.update(record)

        self._loaded = None
        self._sorted.changing(path, record["id"])
        self._files.table(path, TABLE, _check).update(transform, doc_ids=[doc_id])

    def remove(self, path: Path, doc_id: int) -> None:
        """Remove one item from its chunk."""
        self._loaded = None
        self._files.table(path, TABLE, _check).remove(doc_ids=[doc_id])

    def delete(self) -> None:
        """Delete every chunk and the thread's folder."""
        self._loaded = None
        for _, path in self.chunks():
            self._files.delete(path)
        try:
            os.rmdir(self.folder)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise StorageError(f"Could not delete {self.folder}: {exc.strerror or exc}") from exc

    def set_aside(self, label: str) -> list[Path]:
        """Rename the thread's files to `<name>.<label>-<timestamp>`; return the new names."""
        self._loaded = None
        moved = [self._files.set_aside(self.legacy, label)]
        for number, path in self.chunks():
            if number != LEGACY:
                self._files.drop(path)
        moved.append(self._files.set_aside(self.folder, label))
        return [path for path in moved if path is not None]

    # -- plumbing ---------------------------------------------------------

    def _views(self) -> list[tuple[int, Path, _Sorted]]:
        if self._loaded is None:
            self._loaded = []
            for number, path in self.chunks():
                storage = self._files.open(path, _check).storage
                table = (storage.read() or {}).get(TABLE, {})
                view = self._sorted.get(path, number, storage.version, table)
                self._loaded.append((number, path, view))
        return self._loaded


def _check(table: str, record: Record) -> None:
    """Raise for an item record the store could not serve (set aside on load)."""
    if table == TABLE:
        ITEM.validate_python(record)
        created_at(record)


def _size(path: Path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
