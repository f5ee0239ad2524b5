"""Per-user documents: the one storage interface a use case needs for its own data.

A `UserDocuments` holds one kind of data (say "todos") for every user: each
user's document is a list of JSON records. A use case reads it, changes it with
an atomic read-modify-write `update` (or, bounded by what they touch, `append`,
`update_where` and `update_one`), and hears about saved changes through
listeners. It never sees files or SQL, so the same use case runs on every
backend: `TinyDBDocuments` (JSON files under the data folder, documents.py) and
`PostgresDocuments` (postgres_documents.py). This base class answers every call
from the whole document; the backends override what they can do with less.

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
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from chatkit_bridge.document_bulk import Edit, Pair
from chatkit_bridge.document_order import DocumentPage, Key, Order, Tail, Where, page_of

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

    def read_here(self, user_id: str, read: Callable[[], T]) -> tuple[bool, T | None]:
        """Run `read` (reads of this user's documents only) on this thread if nothing waits.

        For the event loop, where a worker thread's round trip costs more than a read of data
        already in memory. Return whether `read` ran, and its result. This version never runs
        it; a backend that knows what it holds in memory overrides it.
        """
        return False, None

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

    def select(self, user_id: str, where: Where) -> list[Record]:
        """Return copies of the records `where` takes, in stored order.

        This version reads the whole document; a backend overrides it to skip what cannot
        match (`Where.field` values, `Where.flag`).
        """
        return [record for record in self.read(user_id) if where(record)]

    def last(self, user_id: str) -> Record | None:
        """Return a copy of the record with the highest key in `self.order` (None: empty)."""
        return max(self.read(user_id), key=self._ordered().key, default=None)

    def update_where(self, user_id: str, where: Where, edit: Edit) -> list[Pair]:
        """Change or remove every record `where` takes, as ONE change of the document.

        :param edit: gets a copy of each taken record; returns it (changed or not) to keep
            it, None to remove it. If it raises, nothing is saved.
        :return: (before, after) of each taken record in stored order (after None: removed).
        """

        def change(records: list[Record]) -> list[Pair]:
            pairs: list[Pair] = []
            kept: list[Record] = []
            for record in records:
                if not where(record):
                    kept.append(record)
                    continue
                after = edit(dict(record))
                pairs.append((record, after))
                if after is not None:
                    kept.append(after)
            records[:] = kept
            return pairs

        return self.update(user_id, change)

    def append(self, user_id: str, make: Callable[[Tail], tuple[T, list[Record]]]) -> T:
        """Add records at the end of the document, as `update` would; return `make`'s result.

        :param make: gets the document's `Tail` (count, highest key, lookups by value) and
            returns its result and the records to add; a backend may read only the newest
            part of the document to answer it.
        """

        def change(records: list[Record]) -> T:
            keys = [self.order.key(record) for record in records] if self.order else []

            def having(field: str, values: Collection[Any]) -> list[Record]:
                return [dict(record) for record in records if record.get(field) in values]

            result, new = make(
                Tail(total=len(records), high=max(keys, default=None), having=having)
            )
            records.extend(new)
            return result

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
