"""Per-user documents: the one storage interface a use case needs for its own data.

A `UserDocuments` holds one kind of data (say "todos") for every user: each
user's document is a list of JSON records. A use case reads it, changes it with
an atomic read-modify-write `update`, and hears about saved changes through
listeners. It never sees files or SQL, so the same use case runs on every
backend: `TinyDBDocuments` (JSON files under the data folder) here, and a
PostgreSQL implementation beside the PostgreSQL store.

Calls block. Async code calls them through `asyncio.to_thread` (or `aread` /
`aupdate`), sync code from worker threads, and short reads may run on the event
loop thread itself (the todo panel does). An implementation must therefore be
thread-safe and must not need a running event loop in the calling thread.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from chatkit_bridge.document_chunks import DocumentChunks
from chatkit_bridge.document_order import DocumentPage, Key, Order, page_of
from chatkit_bridge.jsonfiles import JsonFiles, shared_files, user_folder

logger = logging.getLogger(__name__)

Record = dict[str, Any]
"""One JSON object of a user's document (e.g. one todo)."""

Listener = Callable[[str], None]
"""Called with the user id after a change of that user's document was saved."""

Validate = Callable[[Record], object]
"""Raises when a record is not valid data (e.g. a pydantic model's `model_validate`)."""

T = TypeVar("T")

_KIND = re.compile(r"[a-z][a-z0-9_]{0,63}")
# Names the chat store uses inside a user's folder; a document kind must not clash.
_RESERVED = frozenset({"threads"})


class UserDocuments(ABC):
    """Each user's list of JSON records of one kind, with change notifications."""

    def __init__(self, kind: str, validate: Validate | None = None) -> None:
        """Hold the documents of `kind` (lowercase letters, digits and _, e.g. "todos").

        :param kind: the name of the data; it names files or rows, so it is checked.
        :param validate: raises for a record that is not valid data. A backend checks each
            record when it loads a document and sets failing ones aside (logged with their
            place and id, kept where an operator can repair them) so the rest still loads.
        """
        if not _KIND.fullmatch(kind) or kind in _RESERVED:
            raise ValueError(f"Document kind {kind!r} must be lowercase letters, digits and _")
        self.kind = kind
        self.validate = validate
        self.order: Order | None = None
        """How `page` lists records; set by the use case that pages through them."""
        self._listeners: list[Listener] = []
        self._listeners_lock = threading.Lock()

    @abstractmethod
    def read(self, user_id: str) -> list[Record]:
        """Return the user's records in stored order ([] for a new user).

        The list and its records are the caller's to keep; treat nested values as read-only.
        """

    def page(self, user_id: str, limit: int, after: Key | None = None) -> DocumentPage:
        """Return up to `limit` records following the key `after` in `self.order`, with counts.

        This version reads the whole document; a backend overrides it to read only what
        the page needs.

        :param after: the `Order.key` of the record the page follows; None for the first page.
        """
        return page_of(self.read(user_id), self._ordered(), after, limit)

    def find(self, user_id: str, field: str, value: Any) -> Record | None:
        """Return a copy of the first record whose `field` equals `value`, or None."""
        return next((record for record in self.read(user_id) if record.get(field) == value), None)

    def update_one(
        self, user_id: str, field: str, value: Any, edit: Callable[[Record | None], T]
    ) -> T:
        """Change the first record whose `field` equals `value`, as `update` would.

        `edit` gets that record to change in place (None when there is none) and its result
        is returned; a backend may write only what holds the record.
        """

        def change(records: list[Record]) -> T:
            found = next((record for record in records if record.get(field) == value), None)
            return edit(found)

        return self.update(user_id, change)

    def _ordered(self) -> Order:
        if self.order is None:
            raise TypeError(f"The {self.kind} documents have no order to page in")
        return self.order

    @abstractmethod
    def _change(self, user_id: str, change: Callable[[list[Record]], T]) -> tuple[T, bool]:
        """Apply `change` atomically; return its result and whether anything was saved."""

    def update(self, user_id: str, change: Callable[[list[Record]], T]) -> T:
        """Read, change and save the user's records as one atomic step; return `change`'s result.

        `change` gets the current records and edits the list in place: append, remove,
        reorder records, set their fields (replace a nested value rather than mutating it).
        Nobody else changes this user's document meanwhile, in this process or another.
        If `change` raises, nothing is saved and the exception propagates. If it leaves the
        records as they were, nothing is written and no listener is called.

        :param user_id: whose document to change.
        :param change: the edit; keep it short and free of I/O, it runs under a lock.
        """
        result, changed = self._change(user_id, change)
        if changed:
            self.notify(user_id)
        return result

    async def aread(self, user_id: str) -> list[Record]:
        """Like `read`, from async code without blocking the event loop."""
        return await asyncio.to_thread(self.read, user_id)

    async def aupdate(self, user_id: str, change: Callable[[list[Record]], T]) -> T:
        """Like `update`, from async code without blocking the event loop."""
        return await asyncio.to_thread(self.update, user_id, change)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(user_id)` after every saved change; return the unsubscribe function.

        Listeners run in the thread that saved the change (or, for a change made by
        another process, in the thread that learned of it): hop to your loop yourself.
        """
        with self._listeners_lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._listeners_lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def notify(self, user_id: str) -> None:
        """Tell every listener that the user's document changed.

        `update` calls this after a save; an implementation that learns of changes
        made elsewhere (another process) calls it too.
        """
        with self._listeners_lock:
            listeners = list(self._listeners)
        # Called outside any data lock: a listener may read the document again.
        for listener in listeners:
            try:
                listener(user_id)
            except Exception:
                logger.exception("Listener %r of %s changes failed", listener, self.kind)


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
        folder = self.folder_of(user_id)
        with self._files.lock(folder):
            chunks = self._chunks(folder)
            try:
                result, changed = chunks.update_one(field, value, edit)
            except LookupError:
                changed = None
            if changed and self.order is not None:
                chunks.index(self.order).save(chunks.files())
        if changed is None:
            # Not in a numbered chunk: the whole-document path (a missing record, or one in
            # the old one-file layout, which its first change splits).
            return super().update_one(user_id, field, value, edit)
        if changed:
            self.notify(user_id)
        return result

    def find(self, user_id: str, field: str, value: Any) -> Record | None:
        """Return a copy of the first record whose `field` equals `value`, or None."""
        folder = self.folder_of(user_id)
        with self._files.lock(folder):
            found = self._chunks(folder).find(field, value)
            return None if found is None else dict(found)

    def folder_of(self, user_id: str) -> Path:
        """Return the folder of a user's files (the migration addresses users by key)."""
        return user_folder(self.root, user_id)

    def _chunks(self, folder: Path) -> DocumentChunks:
        return DocumentChunks(self._files, folder, self.kind, self._check)

    def _check(self, table: str, record: Record) -> None:
        if table == self.kind and self.validate is not None:
            self.validate(record)
