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
sorted chunks lazily, so a page of the newest items does not sort the thread
(`chatkit_bridge.item_cache` keeps the sorted views and the validated items).
"""

from __future__ import annotations

import heapq
import itertools
import os
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

from chatkit.types import ThreadItem
from tinydb.table import Table

from chatkit_bridge.chunk_files import LEGACY, chunk_name, list_chunks
from chatkit_bridge.durable import StorageError
from chatkit_bridge.item_cache import ChunkView, Entry, Record, SortedChunks
from chatkit_bridge.item_chunk import TABLE, ChunkStorage, check_item
from chatkit_bridge.json_storage import NotInMemory, memory_only
from chatkit_bridge.jsonfiles import JsonFiles

CHUNK_ITEMS = 64
CHUNK_BYTES = 256 * 1024


class ThreadItemFiles:
    """The items of one thread; use only under the user folder's lock."""

    def __init__(
        self, files: JsonFiles, sorted_chunks: SortedChunks, threads: str | Path, thread_id: str
    ) -> None:
        """Address the items of `thread_id` in the folder `threads` of a user.

        :param files: the shared file registry.
        :param sorted_chunks: the shared cache of sorted chunk views.
        :param threads: the user's `threads` folder.
        :param thread_id: an id already checked to be safe as a file name.
        """
        self._files = files
        self._sorted = sorted_chunks
        # Plain strings: a turn addresses chunk files dozens of times, and building Path
        # objects cost more than the rest of a cached read.
        self.folder = f"{threads}/{thread_id}"
        self.legacy = f"{threads}/{thread_id}.json"
        # Read once per operation (the caller holds the lock); a write resets it.
        self._loaded: list[tuple[int, str, ChunkView]] | None = None

    # -- reading ----------------------------------------------------------

    def chunks(self) -> list[tuple[int, str]]:
        """Return (number, path) of every chunk, oldest first."""
        return self._sorted.listings.list(self.folder, self.legacy)

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

    def find(self, item_id: str) -> tuple[str, int, Record] | None:
        """Return (chunk path, document id, record) of an item, newest chunk first."""
        for _, path, view in reversed(self._views()):
            entry = view.index.get(item_id)
            if entry is not None:
                return path, entry[2], entry[3]
        return None

    # -- writing ----------------------------------------------------------

    def insert(self, record: Record, item: ThreadItem | None = None) -> None:
        """Add a new item to the newest chunk, starting a new chunk when it is full.

        :param item: the model `record` was dumped from, kept as the record's model.
        """
        chunks = [(n, path, view) for n, path, view in self._views() if n != LEGACY]
        full = None
        if chunks:
            number, path, view = chunks[-1]
            size = self._storage(path).file_bytes()  # as read just now by `_views`
            if len(view.entries) >= CHUNK_ITEMS or size >= CHUNK_BYTES:
                full, path = path, f"{self.folder}/{chunk_name(number + 1)}"
        else:
            path = f"{self.folder}/{chunk_name(0)}"
        if memory_only() and (full is not None or not self._storage(path).may_append()):
            # Before changing anything: a new chunk file (it is not listed until written)
            # or a log to fold in is written in a worker thread.
            raise NotInMemory(path)
        if full is not None:
            self._storage(full).fold()  # its log would otherwise outlive every later write
        self._loaded = None
        storage = self._storage(path)
        data = storage.read() or {}
        table = data.setdefault(TABLE, {})
        # What TinyDB's Table.insert does (next id, a copy of the record), without copying the
        # whole table twice on the way (a turn inserts three items).
        doc_id = max(map(int, table), default=0) + 1
        stored = table[str(doc_id)] = dict(record)
        storage.write(data)
        if item is not None:
            self._sorted.keep(stored, item)  # the copy is what later reads return

    def replace(
        self, path: str, doc_id: int, record: Record, item: ThreadItem | None = None
    ) -> None:
        """Replace one item in its chunk, keeping its place (`item` as for `insert`)."""
        storage = self._storage(path)
        if memory_only() and not storage.may_append():
            raise NotInMemory(path)
        self._loaded = None
        self._sorted.changing(path, record["id"])
        storage.changing(TABLE, str(doc_id))
        data = storage.read() or {}
        stored = data[TABLE][str(doc_id)]
        # In place, as TinyDB's update does (records keep their identity), but all of it: an
        # update merges fields, and a saved item must lose removed ones.
        stored.clear()
        stored.update(record)
        storage.write(data)
        if item is not None:
            self._sorted.keep(stored, item)

    def remove(self, path: str, doc_id: int) -> None:
        """Remove one item from its chunk."""
        self._loaded = None
        self._table(path).remove(doc_ids=[doc_id])

    def delete(self) -> None:
        """Delete every chunk and the thread's folder."""
        self._loaded = None
        chunks = self._going()
        for _, path in chunks:
            self._files.delete(path)
            with suppress(FileNotFoundError):
                os.unlink(f"{path}.log")  # a log without its chunk is never read
        try:
            os.rmdir(self.folder)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise StorageError(f"Could not delete {self.folder}: {exc.strerror or exc}") from exc

    def set_aside(self, label: str) -> list[Path]:
        """Rename the thread's files to `<name>.<label>-<timestamp>`; return the new names."""
        self._loaded = None
        chunks = self._going()
        moved = [self._files.set_aside(self.legacy, label)]
        for number, path in chunks:
            if number != LEGACY:
                self._files.drop(path)
        moved.append(self._files.set_aside(self.folder, label))
        return [path for path in moved if path is not None]

    # -- plumbing ---------------------------------------------------------

    def _going(self) -> list[tuple[int, str]]:
        """List the chunks afresh, and forget the listing: they are about to go."""
        self._sorted.listings.forget(self.folder)
        return list_chunks(self.folder, self.legacy)

    def _views(self) -> list[tuple[int, str, ChunkView]]:
        if self._loaded is None:
            self._loaded = []
            for number, path in self.chunks():
                storage = self._storage(path)
                table = (storage.read() or {}).get(TABLE, {})
                view = self._sorted.get(path, number, storage.version, table)
                self._loaded.append((number, path, view))
        return self._loaded

    def _storage(self, path: str) -> ChunkStorage:
        storage = self._files.open(path, check_item, ChunkStorage).storage
        assert isinstance(storage, ChunkStorage)
        return storage

    def _table(self, path: str) -> Table:
        return self._files.table(path, TABLE, check_item, ChunkStorage)
