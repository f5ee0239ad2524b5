"""How a user's document is listed a page at a time: its order, counts, and one page of it.

A use case that shows its records page by page names the fields that order them and the
flags it counts (`Order`); `UserDocuments.page` then answers one page (`DocumentPage`) with
whole-document counts. `page_of` is the plain version over a whole list; a backend can do
better from what it keeps beside its records (`document_index.py`).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

Record = dict[str, Any]
Key = tuple[Any, ...]
"""A record's place in the order: its `Order.by` field values."""


@dataclass(frozen=True)
class Order:
    """List records by some fields (unique together), and count records with some flags set."""

    by: tuple[str, ...]
    """The fields that order records, most significant first; together unique per record."""
    defaults: tuple[Any, ...]
    """The value of each `by` field where a record lacks it (also fixes the field's JSON type)."""
    counted: tuple[str, ...] = ()
    """Fields whose truthy records are counted over the whole document (e.g. "completed")."""
    tagged: tuple[str, ...] = ()
    """Fields looked up by value (e.g. "id"): a backend may note per chunk which values it
    holds, so a lookup reads only the chunks that may hold the value."""

    def __post_init__(self) -> None:
        if len(self.by) != len(self.defaults):
            raise ValueError("an order needs one default per field")

    def key(self, record: Record) -> Key:
        """Return the record's place in the order."""
        # `map` calls `get` from C: a page sorts every record of its chunks (200 each).
        return tuple(map(record.get, self.by, self.defaults))

    def spec(self) -> list[Any]:
        """Return the order as JSON, so a summary kept on disk names the order it was made for."""
        return [list(self.by), list(self.defaults), list(self.counted), list(self.tagged)]

    def parse_key(self, value: Any) -> Key | None:
        """Return a key read back from JSON, or None when it does not fit this order."""
        if not isinstance(value, list) or len(value) != len(self.by):
            return None
        if any(type(v) is not type(d) for v, d in zip(value, self.defaults, strict=True)):
            return None
        return tuple(value)


@dataclass(frozen=True)
class Where:
    """Which records a selection or bulk change takes; every condition given must hold.

    The field, flag and text conditions also tell a backend what it can skip (chunks holding
    none of the values or no record with the flag set; rows filtered in SQL); `test` runs on
    the raw records that remain.
    """

    field: str | None = None
    values: Collection[Any] | None = None
    """With `field`: take records whose `field` is one of these."""
    flag: str | None = None
    """Take records whose `flag` field is truthy (skips chunks counting none, if counted)."""
    text: tuple[str, tuple[str, ...]] | None = None
    """(field, needles): take records whose string `field`, casefolded, contains one of the
    needles (casefolded themselves, not empty)."""
    test: Callable[[Record], bool] | None = None
    """Any further condition, on the raw record (do not change it)."""

    @functools.cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """Return the search for the `text` needles (longest first), None without `text`."""
        if self.text is None:
            return None
        needles = sorted(set(self.text[1]), key=len, reverse=True)
        return re.compile("|".join(map(re.escape, needles)))

    @functools.cached_property
    def _search(self) -> Callable[[str], object] | None:
        return None if self.pattern is None else self.pattern.search

    def text_only(self) -> bool:
        """Tell whether `text` is the only condition (a backend may search texts in bulk)."""
        only = self.values is None and self.flag is None and self.test is None
        return only and self.text is not None

    def predicate(self) -> Callable[[Record], bool]:
        """Return the test to run per record: the cheapest one that decides alone."""
        if self.values is not None or self.flag is not None:
            return self
        search = self._search
        if search is not None and self.text is not None and self.test is None:
            name = self.text[0]

            def contains(record: Record) -> bool:
                value = record.get(name)
                return isinstance(value, str) and search(value.casefold()) is not None

            return contains  # a scan of a 10,000-record list calls it 10,000 times
        return self.test if self.test is not None and search is None else self

    def __call__(self, record: Record) -> bool:
        """Tell whether the record is taken."""
        if self.values is not None and record.get(self.field or "") not in self.values:
            return False
        if self.flag is not None and not record.get(self.flag):
            return False
        if self._search is not None and self.text is not None:
            value = record.get(self.text[0])
            if not isinstance(value, str) or self._search(value.casefold()) is None:
                return False
        return self.test is None or bool(self.test(record))


@dataclass
class Tail:
    """What an append may need to know of the document it extends, without reading it all."""

    total: int
    """Records in the document before the append."""
    high: Key | None
    """The highest key in the document's order (None when empty or without an order)."""
    having: Callable[[str, Collection[Any]], list[Record]]
    """Return copies of the records whose field is one of some values (cheap if tagged)."""


@dataclass
class DocumentPage:
    """Up to `limit` records following a key, in order, with counts over the whole document."""

    records: list[Record]
    total: int
    """Records in the whole document."""
    counts: dict[str, int] = field(default_factory=dict)
    """Per `Order.counted` field, how many records of the whole document have it set."""
    start: int = 0
    """How many records of the document come before the page's first one."""

    @property
    def more(self) -> bool:
        """Tell whether records follow this page."""
        return self.start + len(self.records) < self.total


def page_of(records: list[Record], order: Order, after: Key | None, limit: int) -> DocumentPage:
    """Return one page of a whole list: what a backend without summaries answers.

    :param records: every record of the document (in any order; they are sorted here).
    :param after: the key the page follows (exclusive); None for the first page.
    :param limit: at most this many records.
    """
    keyed = sorted(((order.key(record), record) for record in records), key=lambda kr: kr[0])
    start = 0 if after is None else bisect.bisect_right([k for k, _ in keyed], after)
    chosen = [dict(record) for _, record in keyed[start : start + max(limit, 0)]]
    counts = {name: sum(1 for record in records if record.get(name)) for name in order.counted}
    return DocumentPage(records=chosen, total=len(records), counts=counts, start=start)
