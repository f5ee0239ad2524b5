"""Changes and lookups of a chunked document that read and write only the chunks involved.

An append fills the newest chunk file (the count and highest key come from the chunk
summaries of `document_index.py`); a bulk change (delete all, clear the done ones, tick
several) reads only the chunks that may hold the records it takes and writes each touched
chunk once, as one change (`DocumentChunks.commit`: journaled when it spans several files).
A selection scans the raw records of those chunks; nothing is copied or validated but what
it returns.

Every function runs under the user folder's lock, like `DocumentChunks`. A bulk change raises
`LookupError` for a document still in the older one-file layout: the caller then takes the
whole-document path, whose first change splits that file into chunks. An append writes only
numbered chunks, so it works beside that file.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

from chatkit_bridge.chunk_files import LEGACY
from chatkit_bridge.document_chunks import CHUNK_RECORDS, DocumentChunks
from chatkit_bridge.document_order import Order, Record, Tail, Where
from chatkit_bridge.document_text import containing

T = TypeVar("T")
Edit = Callable[[Record], Record | None]
"""Gets a copy of a record; returns it (changed or not) to keep it, None to remove it."""
Pair = tuple[Record, Record | None]
"""A record taken by a bulk change, before and after (None: removed)."""


def select(chunks: DocumentChunks, order: Order | None, where: Where) -> list[Record]:
    """Return copies of the records `where` takes, in stored order."""
    return [
        dict(record)
        for path in _holding(chunks, order, where)
        for record in _taken(chunks, path, where)
    ]


def last(chunks: DocumentChunks, order: Order) -> Record | None:
    """Return a copy of the record with the highest key in `order`, reading one chunk."""
    chunks.finish_journal()
    _, _, holder = chunks.index(order).extent(chunks.files())
    if holder is None:
        return None
    return dict(max(chunks.records_of(holder), key=order.key))


def update_where(
    chunks: DocumentChunks, order: Order | None, where: Where, edit: Edit
) -> tuple[list[Pair], bool]:
    """Apply `edit` to every record `where` takes, writing each touched chunk once.

    :return: the (before, after) pairs in stored order, and whether anything was written.
    :raises LookupError: the document is in the one-file layout.
    """
    files = _numbered(chunks)
    pairs: list[Pair] = []
    changed: dict[Path, list[Record]] = {}
    for path in _holding(chunks, order, where):
        kept: list[Record] = []
        touched = False
        for record in chunks.records_of(path):
            if not where(record):
                kept.append(record)
                continue
            after = edit(dict(record))
            pairs.append((dict(record), after))
            touched = touched or after != record
            if after is not None:
                kept.append(after)
        if touched:
            changed[path] = kept
    if not changed:
        return pairs, False
    writes, deletes = _merged(chunks, order, [path for _, path in files], changed)
    chunks.commit(writes, deletes)
    return pairs, True


def _merged(
    chunks: DocumentChunks,
    order: Order | None,
    paths: list[Path],
    changed: dict[Path, list[Record]],
) -> tuple[dict[Path, list[Record]], list[Path]]:
    """Return the files to write and delete for `changed` chunk contents.

    An emptied chunk is removed; a changed chunk left small is merged with a neighbour when
    both fit in one chunk, so deletes never leave thousands of nearly empty files behind
    (each file costs every later operation a summary). Only neighbours of changed chunks are
    read for that, and the document's order of records is kept (neighbours are adjacent).
    """
    sizes = dict(chunks.index(order).summaries([(0, p) for p in paths])) if order else {}

    def size(path: Path) -> int:
        if path in changed:
            return len(changed[path])
        summary = sizes.get(path)
        return summary.count if summary is not None else len(chunks.records_of(path))

    writes: dict[Path, list[Record]] = {}
    deletes: list[Path] = []
    previous: Path | None = None  # the last chunk kept, in document order
    for path in paths:
        if path in changed and not changed[path]:
            deletes.append(path)
            continue
        if previous is not None and (path in changed or previous in writes):
            both = size(previous) + size(path)
            if min(size(previous), size(path)) < CHUNK_RECORDS // 2 and both <= CHUNK_RECORDS:
                first = writes.get(previous) or chunks.records_of(previous)
                second = changed[path] if path in changed else chunks.records_of(path)
                writes[previous] = [*first, *second]
                changed[previous] = writes[previous]
                deletes.append(path)
                continue
        if path in changed:
            writes[path] = changed[path]
        previous = path
    return writes, deletes


def append(
    chunks: DocumentChunks, order: Order, make: Callable[[Tail], tuple[T, list[Record]]]
) -> tuple[T, bool]:
    """Add the records `make` returns after the newest chunk's records; write only there.

    :param make: gets the document's `Tail` (count, highest key, lookups by value) and returns
        its result and the records to add.
    """
    chunks.finish_journal()
    # The older one-file layout may come first: it is summarized like a chunk, never written.
    files = chunks.files()
    summaries = chunks.index(order).summaries(files)
    total = sum(summary.count for _, summary in summaries)
    high = max((s.high for _, s in summaries if s.high is not None), default=None)

    def having(field: str, values: Collection[Any]) -> list[Record]:
        return select(chunks, order, Where(field=field, values=values))

    result, new = make(Tail(total=total, high=high, having=having))
    if not new:
        return result, False
    newest = files[-1][0] if files else LEGACY
    if newest != LEGACY and summaries[-1][1].count + len(new) <= CHUNK_RECORDS:
        # The newest chunk takes them all: the one file read and written, and its summary
        # follows from its old one (a full chunk is not even read).
        chunks.extend(files[-1][1], new)
        return result, True
    if newest != LEGACY and summaries[-1][1].count < CHUNK_RECORDS:
        # The newest chunk has room: it is the one file read (a full one is not even read).
        numbers, content = [newest], [*chunks.records_of(files[-1][1]), *new]
    else:
        numbers, content = [], list(new)
    needed = -(-len(content) // CHUNK_RECORDS)
    numbers += range(newest + 1, newest + 1 + needed - len(numbers))
    chunks.commit(chunks.spread(numbers, content), [])
    return result, True


def _holding(chunks: DocumentChunks, order: Order | None, where: Where) -> list[Path]:
    chunks.finish_journal()
    files = chunks.files()
    if order is None:
        return [path for _, path in files]
    return chunks.index(order).holding(files, where)


def _taken(chunks: DocumentChunks, path: Path, where: Where) -> list[Record]:
    if where.text_only() and where.text is not None and where.pattern is not None:
        # One search over the chunk's joined texts instead of a test per record.
        records, text = chunks.text_of(path, where.text[0])
        return containing(records, text, where.text[0], where.pattern)
    taken = where.predicate()  # a scan of every record calls it 10,000 times at 10,000
    return [record for record in chunks.records_of(path) if taken(record)]


def _numbered(chunks: DocumentChunks) -> list[tuple[int, Path]]:
    chunks.finish_journal()
    files = chunks.files()
    if any(number == LEGACY for number, _ in files):
        raise LookupError("one-file layout")
    return files
