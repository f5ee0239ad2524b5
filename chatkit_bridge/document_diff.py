"""Where a whole-document change differs from what it started from, in chunk terms.

`DocumentChunks.save` compares the records before and after a change: the common prefix
and suffix bound what changed, and the chunks holding that span are the ones rewritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chatkit_bridge.chunk_files import LEGACY

CHUNK_RECORDS = 200
"""Records per chunk file: a tick of a 10,000-record list rewrites ~40 KB, not ~2 MB."""
_STEP = 64

Record = dict[str, Any]
Chunk = tuple[int, Path, list[Record]]
"""(chunk number, file, its records in order)."""


def share(
    chunks: list[Chunk], first: int, last: int, after: list[Record]
) -> tuple[list[int], list[Record]]:
    """Return the numbered chunks `first` to `last` (exclusive) and their records in `after`."""
    kept_before = sum(len(records) for _, _, records in chunks[:first])
    kept_after = sum(len(records) for _, _, records in chunks[last:])
    numbers = [number for number, _, _ in chunks[first:last] if number != LEGACY]
    return numbers, after[kept_before : len(after) - kept_after]


def common_prefix(a: list[Record], b: list[Record]) -> int:
    """Return how many records the two lists share from the start."""
    limit = min(len(a), len(b))
    n = 0
    # Whole slices compare in C (identity first, then dict equality): a step at a time until
    # one differs, then record by record inside it.
    while n + _STEP <= limit and a[n : n + _STEP] == b[n : n + _STEP]:
        n += _STEP
    while n < limit and a[n] == b[n]:
        n += 1
    return n


def common_suffix(a: list[Record], b: list[Record], limit: int) -> int:
    """Return how many records the two lists share at the end, at most `limit`."""
    n = 0
    while (
        n + _STEP <= limit
        and a[len(a) - n - _STEP : len(a) - n] == b[len(b) - n - _STEP : len(b) - n]
    ):
        n += _STEP
    while n < limit and a[len(a) - n - 1] == b[len(b) - n - 1]:
        n += 1
    return n


def span(chunks: list[Chunk], start: int, end: int) -> tuple[int, int]:
    """Return the chunks (first, last exclusive) holding old positions `start` to `end`.

    With nothing removed (`start == end`, records inserted at `start`), the chunk that
    takes them: the one ending there if it is the newest numbered chunk with room (an add),
    else the one starting there, else a new chunk after the newest.
    """
    offsets = []
    position = 0
    for _, _, records in chunks:
        offsets.append((position, position + len(records)))
        position += len(records)
    if start == end:
        if chunks and start == position:
            number, _, records = chunks[-1]
            if number != LEGACY and len(records) < CHUNK_RECORDS:
                return len(chunks) - 1, len(chunks)
            return len(chunks), len(chunks)
        for index, (low, high) in enumerate(offsets):
            if low <= start < high:
                return index, index + 1
        return len(chunks), len(chunks)
    first = next(i for i, (low, high) in enumerate(offsets) if low <= start < high)
    last = next(i for i, (low, high) in enumerate(offsets) if low < end <= high)
    return first, last + 1
