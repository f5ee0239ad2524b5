"""What one chunk file of an ordered document holds: count, flags, key range, tag digests.

Made from the chunk's records (`summarize`) or read back from the document's index
(`Summary.from_json`, `document_index.py`), whose entries name the file version they describe.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chatkit_bridge.document_order import Key, Order, Record
from chatkit_bridge.document_tags import digest, tags_hash, tags_of
from chatkit_bridge.jsonfiles import FileSignature


@dataclass(frozen=True)
class Summary:
    """What one chunk file holds, in the terms of one order."""

    count: int
    counted: tuple[int, ...]
    low: Key | None
    high: Key | None
    tags: tuple[str, ...] | None = ()
    """Per `Order.tagged` field, the digests of the values the chunk holds (" d1 d2 ... ").

    None until needed when read from the index: a page needs no digests, only a lookup.
    """
    named: str | None = None
    """While `tags` is None: the hash of the tags file the index named."""

    def to_json(self, signature: FileSignature, tags: str | None) -> dict[str, Any]:
        """Return the summary as kept in the index, with the file version it describes.

        :param tags: the hash of the chunk's tags file (`document_tags.py`).
        """
        return {
            "file": list(signature),
            "count": self.count,
            "counted": list(self.counted),
            "low": None if self.low is None else list(self.low),
            "high": None if self.high is None else list(self.high),
            "tags": tags,
        }

    @classmethod
    def from_json(cls, entry: Any, signature: FileSignature, order: Order) -> Summary | None:
        """Return the summary an index entry holds if it describes this version of the file.

        Its tags stay in the chunk's tags file until a lookup needs them
        (`ChunkIndex.holding`): `tags` is None and `named` their hash.
        """
        if not isinstance(entry, dict) or entry.get("file") != list(signature):
            return None
        count, counted = entry.get("count"), entry.get("counted")
        low, high = entry.get("low"), entry.get("high")
        if type(count) is not int or not isinstance(counted, list):
            return None
        if len(counted) != len(order.counted) or any(type(n) is not int for n in counted):
            return None
        low_key, high_key = order.parse_key(low), order.parse_key(high)
        if count != 0 and (low_key is None or high_key is None):
            return None
        named = entry.get("tags")
        if order.tagged and not isinstance(named, str):
            return None
        tags, named = (None, named) if order.tagged else ((), None)
        if count == 0:
            return cls(0, tuple(counted), None, None, tags, named)
        return cls(count, tuple(counted), low_key, high_key, tags, named)

    @functools.cached_property
    def tags_hash(self) -> str:
        """Return the hash of `tags` (`document_tags.tags_hash`), made once per summary."""
        assert self.tags is not None, "read through ChunkIndex.holding"
        return tags_hash(self.tags)

    def may_hold(self, position: int, values: Sequence[Any]) -> bool:
        """Tell whether the chunk may hold one of `values` in tagged field number `position`.

        False for sure; True may be a digest collision (the caller reads the chunk to know).
        """
        assert self.tags is not None, "read through ChunkIndex.holding"
        tags = self.tags[position]
        return any(f" {digest(value)} " in tags for value in values)

    def extended(self, records: Sequence[Record], order: Order) -> Summary:
        """Return the summary of the chunk with `records` added: what `summarize` would make.

        Only the new records are read (an add to a chunk of 200 todos read all 200).
        """
        assert self.tags is not None, "read through ChunkIndex.holding"
        added = summarize(records, order)
        pairs = zip(self.counted, added.counted, strict=True)
        counted = tuple(mine + theirs for mine, theirs in pairs)
        keys = [key for key in (self.low, self.high, added.low, added.high) if key is not None]
        tags = tuple(
            _joined(set(mine.split()) | set(theirs.split()))
            for mine, theirs in zip(self.tags, added.tags or (), strict=True)
        )
        low, high = (min(keys), max(keys)) if keys else (None, None)
        return Summary(self.count + added.count, counted, low, high, tags)


def _joined(digests: set[str]) -> str:
    """Return digests as `tags_of` writes them (" d1 d2 ... ", sorted; " " for none)."""
    return f" {' '.join(sorted(digests))} " if digests else " "


def summarize(records: Sequence[Record], order: Order) -> Summary:
    """Return the summary of one chunk's records."""
    keys = [order.key(record) for record in records]
    counted = tuple(sum(1 for record in records if record.get(name)) for name in order.counted)
    tags = tags_of(records, order.tagged)
    return Summary(len(records), counted, min(keys, default=None), max(keys, default=None), tags)
