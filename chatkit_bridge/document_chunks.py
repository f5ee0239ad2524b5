"""One user's documents of one kind in bounded chunk files, so a change rewrites little.

Layout inside a user folder, for the kind "todos":

    todos/000000.json, 000001.json, ...   table "todos", at most `CHUNK_RECORDS` records each
    todos/journal.json                    only while a change of several files is applied
    todos.json                            the older one-file layout, read as the first chunk

The document is the records of every chunk in chunk order, each chunk in TinyDB's document
id order. A change is compared with the records it started from: only the chunks that hold
the records it touched are written (a tick, an edit or a delete rewrites one chunk; an add
rewrites the newest chunk or starts one). A change of one file is one atomic write, as
before. A change of several files (clearing done records across chunks, the first change of
a one-file document, which splits it) is first written whole to `journal.json`
(`document_journal.py`), then applied file by file.
"""

from __future__ import annotations

import functools
import os
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from chatkit_bridge.chunk_files import LEGACY, chunk_name, list_chunks
from chatkit_bridge.chunk_records import records_in, text_in
from chatkit_bridge.document_diff import (
    CHUNK_RECORDS,
    Chunk,
    common_prefix,
    common_suffix,
    share,
    span,
)
from chatkit_bridge.document_index import ChunkIndex
from chatkit_bridge.document_journal import (
    JOURNAL,
    end_journal,
    pending,
    read_journal,
    write_journal,
)
from chatkit_bridge.document_order import DocumentPage, Key, Order, Where
from chatkit_bridge.document_tags import drop_tags, tags_path
from chatkit_bridge.document_text import Text
from chatkit_bridge.durable import StorageError, deferred_folder_sync, fsync_folder
from chatkit_bridge.json_storage import NotInMemory, memory_only
from chatkit_bridge.jsonfiles import JsonFiles
from chatkit_bridge.setaside import Check

__all__ = ["CHUNK_RECORDS", "JOURNAL", "Chunk", "DocumentChunks"]

Record = dict[str, Any]
T = TypeVar("T")
Edit = tuple[Record, Record]
"""One record a write replaced: before, after."""


class DocumentChunks:
    """The chunk files of one user's document of one kind; use only under the folder's lock."""

    def __init__(self, files: JsonFiles, user_folder: Path, kind: str, check: Check) -> None:
        """Address the document `kind` in a user's folder.

        :param files: the shared file registry (parsed copies, revalidated on each read).
        :param user_folder: the user's folder, whose lock the caller holds.
        :param kind: the document kind, also the table name and the chunk folder's name.
        :param check: validates records on load; failing ones are set aside per file.
        """
        self._files = files
        self.kind = kind
        self._check = check
        self.folder = user_folder / kind
        self.legacy = user_folder / f"{kind}.json"
        # Under the folder's lock only this object changes the files: what it listed and
        # summarized stays true until it writes (`_changed`). An operation asks several times.
        self._listing: list[tuple[int, Path]] | None = None
        self._indexes: dict[Order, ChunkIndex] = {}

    # -- reading ----------------------------------------------------------

    def load(self) -> list[Chunk]:
        """Return every chunk with its records (the cached ones: do not change them)."""
        self.finish_journal()
        return [(number, path, self.records_of(path)) for number, path in self.files()]

    def page(self, order: Order, after: Key | None, limit: int) -> DocumentPage:
        """Return one page of the document in `order`, reading only the chunks it needs."""
        self.finish_journal()
        return self.index(order).page(self.files(), after, limit)

    def find(self, field: str, value: Any, order: Order | None = None) -> Record | None:
        """Return the first record whose `field` equals `value` (cached; do not change it).

        :param order: the document's order; for a field it tags, only the chunks whose
            summary notes the value are read.
        """
        self.finish_journal()
        for _, path in self._files_for(field, value, order):
            for record in self.records_of(path):
                if record.get(field) == value:
                    return record
        return None

    def update_one(
        self, field: str, value: Any, edit: Callable[[Record], T], order: Order | None = None
    ) -> tuple[T, bool]:
        """Edit a copy of the first record whose `field` equals `value`; write only its chunk.

        :param order: as for `find`.
        :return: what `edit` returned, and whether the record changed (and was saved).
        :raises LookupError: no such record in the numbered chunks (the caller falls back to a
            whole-document change, which also splits a one-file document).
        """
        self.finish_journal()
        for number, path in self._files_for(field, value, order):
            records = self.records_of(path)
            for position, record in enumerate(records):
                if record.get(field) != value:
                    continue
                if number == LEGACY:
                    raise LookupError(value)
                copy = dict(record)
                result = edit(copy)
                if copy == record:
                    return result, False
                self._store(
                    path, [*records[:position], copy, *records[position + 1 :]], (record, copy)
                )
                return result, True
        raise LookupError(value)

    def index(self, order: Order) -> ChunkIndex:
        """Return the summaries of this document's chunks for `order` (document_index.py)."""
        index = self._indexes.get(order)
        if index is None:
            # Called back weakly: this object keeps the index, so a bound method would make a
            # reference cycle per document access, left for the garbage collector.
            records_of = weakref.WeakMethod(self.records_of)

            def load(path: Path) -> list[Record]:
                method = records_of()
                assert method is not None, "a chunk index is used through its owner"
                return method(path)

            index = self._indexes[order] = ChunkIndex(self.folder, order, load)
        return index

    def files(self) -> list[tuple[int, Path]]:
        """Return (number, file) of every chunk in chunk order."""
        if self._listing is None:
            listed = list_chunks(str(self.folder), str(self.legacy))
            self._listing = [(number, _path_of(path)) for number, path in listed]
        return list(self._listing)

    def _changed(
        self, path: Path, edit: Edit | None = None, appended: list[Record] | None = None
    ) -> None:
        """Forget what was listed, and the summaries of a file written or removed.

        :param edit: the one record the write replaced, before and after (`ChunkIndex.forget`).
        :param appended: the records the write added after the file's own (`ChunkIndex.forget`).
        """
        self._listing = None
        for index in self._indexes.values():
            index.forget(path, edit, appended)

    def _files_for(self, field: str, value: Any, order: Order | None) -> list[tuple[int, Path]]:
        """Return the chunks that may hold a record whose `field` equals `value`."""
        files = self.files()
        if order is None or field not in order.tagged:
            return files
        holding = set(self.index(order).holding(files, Where(field=field, values=(value,))))
        return [(number, path) for number, path in files if path in holding]

    def finish_journal(self) -> None:
        """Apply a change left half done (a crash between its journal and its files)."""
        if pending(self.folder):
            if memory_only():
                raise NotInMemory(str(self.folder))  # it writes files: not on the event loop
            self._apply(read_journal(self.folder))

    def records_of(self, path: Path) -> list[Record]:
        """Return a chunk file's records in order (the cached ones: do not change them)."""
        return records_in(self._files, path, self.kind, self._check)

    def text_of(self, path: Path, field: str) -> tuple[list[Record], Text]:
        """Return a chunk's records and their `field` texts joined (`chunk_records.py`)."""
        return text_in(self._files, path, self.kind, self._check, field)

    # -- writing ----------------------------------------------------------

    def save(self, chunks: list[Chunk], after: list[Record]) -> bool:
        """Write the records `after` over what `chunks` held; return whether anything changed.

        :param chunks: what `load` returned before the change.
        :param after: the whole document after the change.
        """
        before = [record for _, _, records in chunks for record in records]
        start = common_prefix(before, after)
        if start == len(before) == len(after):
            return False
        end = len(before) - common_suffix(before, after, min(len(before), len(after)) - start)
        first, last = span(chunks, start, end)
        if any(number == LEGACY for number, _, _ in chunks[first:last]):
            # The one-file layout is split on its first change, never rewritten whole again.
            last = len(chunks)
        numbers, content = share(chunks, first, last, after)
        if -(-len(content) // CHUNK_RECORDS) > len(numbers) and last < len(chunks):
            # Records inserted mid-document outgrew their chunks: renumber up to the end.
            last = len(chunks)
            numbers, content = share(chunks, first, last, after)
        if last == len(chunks):
            newest = max((number for number, _, _ in chunks), default=LEGACY)
            more = -(-len(content) // CHUNK_RECORDS) - len(numbers)
            numbers += range(newest + 1, newest + 1 + max(more, 0))
        writes = self.spread(numbers, content)
        deletes = [path for _, path, _ in chunks[first:last] if path not in writes]
        self.commit(writes, deletes)
        return True

    def spread(self, numbers: list[int], content: list[Record]) -> dict[Path, list[Record]]:
        """Return the files of chunks `numbers` filled in turn with `content` (full ones first)."""
        return {
            self._path(number): content[i * CHUNK_RECORDS : (i + 1) * CHUNK_RECORDS]
            for i, number in enumerate(numbers)
            if i * CHUNK_RECORDS < len(content)
        }

    def commit(self, writes: dict[Path, list[Record]], deletes: list[Path]) -> None:
        """Write and delete chunk files as one change: atomic for one file, else journaled."""
        if len(writes) + len(deletes) <= 1:
            for path, records in writes.items():
                self._store(path, records)
            for path in deletes:
                self._remove(path)
                fsync_folder(path.parent)
            return
        change = {
            "write": {path.name: records for path, records in writes.items()},
            "delete": [self._name(path) for path in deletes],
        }
        write_journal(self.folder, change)
        self._apply(change)

    def _apply(self, change: dict[str, Any]) -> None:
        with deferred_folder_sync():
            for name, records in change["write"].items():
                self._store(self.folder / name, records)
            for name in change["delete"]:
                self._remove(self._resolve(name))
        # Every file of the change is on disk before the journal goes, and the journal's
        # removal is on disk before a later change could be overwritten by replaying it.
        fsync_folder(self.folder)
        if any(name.startswith("../") for name in change["delete"]):
            fsync_folder(self.legacy.parent)
        end_journal(self.folder)
        fsync_folder(self.folder)

    def _remove(self, path: Path) -> None:
        self._changed(path)
        drop_tags(tags_path(self.folder, path))  # a leftover one is never believed, only untidy
        if path == self.legacy and os.path.lexists(path):
            # Tables of other kinds in a one-file document stay where they were.
            storage = self._files.open(path, self._check).storage
            others = {t: docs for t, docs in (storage.read() or {}).items() if t != self.kind}
            if others:
                storage.write(others)
                return
        self._files.drop(path)
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise StorageError(f"Could not delete {path}: {exc.strerror or exc}") from exc

    def extend(self, path: Path, new: list[Record]) -> None:
        """Write a chunk file with `new` after its records (they must fit: `CHUNK_RECORDS`)."""
        self._store(path, [*self.records_of(path), *new], appended=new)

    def _store(
        self,
        path: Path,
        records: list[Record],
        edit: Edit | None = None,
        appended: list[Record] | None = None,
    ) -> None:
        self._changed(path, edit, appended)
        storage = self._files.open(path, self._check).storage
        storage.write({self.kind: {str(n): record for n, record in enumerate(records, start=1)}})

    # -- plumbing ---------------------------------------------------------

    def _path(self, number: int) -> Path:
        return self.folder / chunk_name(number)

    def _resolve(self, name: str) -> Path:
        return self.legacy if name == f"../{self.legacy.name}" else self.folder / name

    def _name(self, path: Path) -> str:
        return f"../{path.name}" if path == self.legacy else path.name


@functools.lru_cache(maxsize=65_536)
def _path_of(path: str) -> Path:
    # Every operation lists the chunks; building fifty `Path`s each time cost more than the
    # rest of a listing (they are immutable, so shared ones are safe).
    return Path(path)
