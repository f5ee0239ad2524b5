"""Per-user documents in TinyDB chunk files under the data folder (`UserDocuments` there).

The interface and its whole-document defaults live in `user_documents.py` (re-exported
here, where the rest of the code imports them from); this backend reads and writes only the
chunk files an operation involves (`document_chunks.py`, `document_bulk.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from chatkit_bridge import document_bulk
from chatkit_bridge.document_bulk import Edit, Pair
from chatkit_bridge.document_chunks import DocumentChunks
from chatkit_bridge.document_order import DocumentPage, Key, Order, Tail, Where
from chatkit_bridge.json_storage import NotInMemory, in_memory_only
from chatkit_bridge.jsonfiles import JsonFiles, shared_files, user_folder
from chatkit_bridge.user_documents import Listener, Record, UserDocuments, Validate

__all__ = [
    "DocumentPage",
    "Listener",
    "Order",
    "Record",
    "TinyDBDocuments",
    "UserDocuments",
    "Validate",
    "Where",
]

T = TypeVar("T")


class TinyDBDocuments(UserDocuments):
    """Documents as TinyDB chunk files `users/<hash>/<kind>/NNNNNN.json`, table `<kind>`."""

    def __init__(
        self,
        folder: str | Path,
        kind: str,
        files: JsonFiles | None = None,
        validate: Validate | None = None,
    ) -> None:
        """Keep the documents of `kind` under the data folder `folder`.

        :param folder: the app's data folder (shared with the chat store).
        :param kind: the name of the data, also the file and table name.
        :param files: the file registry; by default the one the chat store shares.
        :param validate: as for `UserDocuments`; invalid records go to a side file beside
            the chunk file that held them (`<kind>/000000.json.invalid`).
        """
        super().__init__(kind, validate)
        # Absolute, so the folder locks shared with the chat store match whatever
        # the working folder is.
        self.root = Path(folder).absolute()
        self._files = files or shared_files

    def read_here(self, user_id: str, read: Callable[[], T]) -> tuple[bool, T | None]:
        """Run `read` here if the user's lock is free and every file it reads is parsed.

        A few stats then, as the chat store's reads on the event loop (`store_io.run_locked`).
        """
        lock = self._files.lock(self.folder_of(user_id))
        if not lock.try_enter():
            return False, None  # never wait on the event loop
        try:
            with in_memory_only():
                return True, read()
        except NotInMemory:
            return False, None  # stopped before changing anything: a worker does it all again
        finally:
            lock.__exit__(None, None, None)

    def read(self, user_id: str) -> list[Record]:
        """Return the user's records in stored order."""
        folder = self.folder_of(user_id)
        with self._files.lock(folder):
            chunks = self._chunks(folder).load()
            return [copy for _, _, chunk in chunks for copy in map(dict, chunk)]

    def _change(self, user_id: str, change: Callable[[list[Record]], T]) -> tuple[T, bool]:
        folder = self.folder_of(user_id)
        with self._files.lock(folder):
            chunks = self._chunks(folder)
            before = chunks.load()
            records = [copy for _, _, chunk in before for copy in map(dict, chunk)]
            result = change(records)
            # Only the chunk files holding changed records are written (document_chunks.py).
            changed = chunks.save(before, records)
            if changed and self.order is not None:
                chunks.index(self.order).save(chunks.files())
            return result, changed

    def page(self, user_id: str, limit: int, after: Key | None = None) -> DocumentPage:
        """Return one page, reading only the chunk files that hold it (document_index.py)."""
        order = self._ordered()
        folder = self.folder_of(user_id)
        with self._files.lock(folder):
            return self._chunks(folder).page(order, after, limit)

    def update_one(
        self, user_id: str, field: str, value: Any, edit: Callable[[Record | None], T]
    ) -> T:
        """Change one record, reading and writing only the chunk file that holds it."""
        # Not in a numbered chunk: the whole-document path (a missing record, or one in the
        # old one-file layout, which its first change splits).
        return self._in_chunks(
            user_id,
            lambda chunks: chunks.update_one(field, value, edit, self.order),
            lambda: super(TinyDBDocuments, self).update_one(user_id, field, value, edit),
        )

    def update_where(self, user_id: str, where: Where, edit: Edit) -> list[Pair]:
        """Change records in one change that writes each chunk holding some of them once."""
        return self._in_chunks(
            user_id,
            lambda chunks: document_bulk.update_where(chunks, self.order, where, edit),
            lambda: super(TinyDBDocuments, self).update_where(user_id, where, edit),
        )

    def append(self, user_id: str, make: Callable[[Tail], tuple[T, list[Record]]]) -> T:
        """Add records to the newest chunk file, knowing the rest from the chunk summaries."""
        order = self.order
        if order is None:
            return super().append(user_id, make)
        return self._in_chunks(
            user_id,
            lambda chunks: document_bulk.append(chunks, order, make),
            lambda: super(TinyDBDocuments, self).append(user_id, make),
        )

    def select(self, user_id: str, where: Where) -> list[Record]:
        """Return copies of the records `where` takes, reading only chunks that may hold them."""
        folder = self.folder_of(user_id)
        with self._files.lock(folder):
            return document_bulk.select(self._chunks(folder), self.order, where)

    def last(self, user_id: str) -> Record | None:
        """Return the record with the highest key, reading the one chunk that holds it."""
        order = self._ordered()
        folder = self.folder_of(user_id)
        with self._files.lock(folder):
            return document_bulk.last(self._chunks(folder), order)

    def _in_chunks(
        self,
        user_id: str,
        change: Callable[[DocumentChunks], tuple[T, bool]],
        whole: Callable[[], T],
    ) -> T:
        """Run a change on the chunk files; `whole` instead when it raises LookupError."""
        folder = self.folder_of(user_id)
        with self._files.lock(folder):
            chunks = self._chunks(folder)
            try:
                result, changed = change(chunks)
            except LookupError:
                changed = None
            if changed and self.order is not None:
                chunks.index(self.order).save(chunks.files())
        if changed is None:
            return whole()
        if changed:
            self.notify(user_id)
        return result

    def find(self, user_id: str, field: str, value: Any) -> Record | None:
        """Return a copy of the first record whose `field` equals `value`, or None."""
        folder = self.folder_of(user_id)
        with self._files.lock(folder):
            found = self._chunks(folder).find(field, value, self.order)
            return None if found is None else dict(found)

    def folder_of(self, user_id: str) -> Path:
        """Return the folder of a user's files (the migration addresses users by key)."""
        return user_folder(self.root, user_id)

    def _chunks(self, folder: Path) -> DocumentChunks:
        return DocumentChunks(self._files, folder, self.kind, self._check)

    def _check(self, table: str, record: Record) -> None:
        if table == self.kind and self.validate is not None:
            self.validate(record)
