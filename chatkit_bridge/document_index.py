"""What each chunk file of a document holds, kept beside the chunks: pages read few files.

For an ordered document (`document_order.Order`) every chunk gets a summary: how many
records it holds, how many have each counted flag set, and its lowest and highest key.
Whole-document counts are then sums of summaries, and a page reads only the chunks whose
key range reaches into it: a page of 20 todos of a 10,000-todo list parses one or two
files of 200 instead of fifty.

Summaries live in memory and in `<kind>/index.json`, each with the signature (inode, size,
modification time) of the chunk file it describes. The index is a hint, never the truth: a
summary whose chunk file changed since (another process, a crash before the index was
written, a hand edit) is made again from the chunk, so the index needs neither a journal
nor an fsync. The digests of tagged values, the bulk of a summary, are in a file per chunk
(`document_tags.py`), so a change rewrites the small index and the tags it changed only.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from operator import itemgetter
from pathlib import Path
from typing import Any

from chatkit_bridge.document_order import DocumentPage, Key, Order, Record, Where
from chatkit_bridge.document_summary import Summary, summarize
from chatkit_bridge.document_tags import digest, read_tags, tags_path, write_hint, write_tags
from chatkit_bridge.json_storage import NotInMemory, memory_only
from chatkit_bridge.jsonfiles import FileSignature, file_signature

__all__ = ["INDEX", "ChunkIndex", "Summary", "digest", "summarize"]

INDEX = "index.json"
_FORMAT = 3
_MEMORY = 65_536
"""Summaries kept in memory, least recently used dropped first (a few hundred bytes each;
2-4 KB once a lookup read the digests of a chunk of 200 ids)."""
_MEMORY_INDEXES = 1_024
"""Parsed index files kept in memory (one per user and kind)."""


_known: OrderedDict[tuple[str, str], tuple[FileSignature, Summary]] = OrderedDict()
_indexes: OrderedDict[str, tuple[FileSignature | None, dict[str, Any]]] = OrderedDict()
_lock = threading.Lock()


class ChunkIndex:
    """The summaries of one document's chunk files; use only under the user folder's lock."""

    def __init__(self, folder: Path, order: Order, load: Callable[[Path], list[Record]]) -> None:
        """Summarize the chunks in `folder` for `order`.

        :param folder: the document's chunk folder (`<user>/<kind>`).
        :param order: the order summaries are made for.
        :param load: returns a chunk file's records (parsed once per file version).
        """
        self.folder = folder
        self.order = order
        self._load = load
        self._spec = json.dumps(order.spec())
        # Under the folder's lock only the owner (`DocumentChunks`) writes, and it tells which
        # files (`forget`): every other summary, with its file's signature, stays true.
        self._here: dict[Path, tuple[FileSignature, Summary]] = {}
        self._followed: dict[Path, Summary] = {}
        """Summaries of chunks this owner just rewrote, made from their old ones (`forget`)."""

    def page(self, chunks: list[tuple[int, Path]], after: Key | None, limit: int) -> DocumentPage:
        """Return up to `limit` records after the key `after`, reading only the chunks needed.

        :param chunks: the document's chunk files in chunk order.
        """
        summaries = self.summaries(chunks)
        total = sum(summary.count for _, summary in summaries)
        counts = {
            name: sum(summary.counted[i] for _, summary in summaries)
            for i, name in enumerate(self.order.counted)
        }
        start = 0
        reaching: list[tuple[Key, Path]] = []
        for path, summary in summaries:
            if summary.low is None or summary.high is None:
                continue
            if after is not None and summary.high <= after:
                start += summary.count  # wholly before the page
            else:
                reaching.append((summary.low, path))
        reaching.sort(key=lambda low_path: low_path[0])
        found: list[tuple[Key, Record]] = []
        wanted = max(limit, 0)
        for low, path in reaching:
            # Chunks come by lowest key: once one starts past the page (and past `after`, so
            # it holds nothing to count before the page), so do all that follow.
            past_page = len(found) >= wanted and (wanted == 0 or low > found[wanted - 1][0])
            if past_page and (after is None or low > after):
                break
            for record in self._load(path):
                key = self.order.key(record)
                if after is not None and key <= after:
                    start += 1
                else:
                    found.append((key, record))
            found.sort(key=itemgetter(0))
            del found[wanted:]
        records = [dict(record) for _, record in found]
        return DocumentPage(records=records, total=total, counts=counts, start=start)

    def holding(self, chunks: list[tuple[int, Path]], where: Where) -> list[Path]:
        """Return the chunk files that may hold records `where` takes; the others hold none.

        Skipped: chunks whose summary notes none of the wanted values of a tagged field, and
        chunks counting no record with the wanted flag set.
        """
        tagged = -1
        if where.field in self.order.tagged and where.values is not None:
            tagged = self.order.tagged.index(where.field)
            values = list(where.values)
            wanted = {digest(value) for value in values}
        flag = self.order.counted.index(where.flag) if where.flag in self.order.counted else -1
        found = []
        for path, summary in self.summaries(chunks):
            if summary.count == 0 or (flag >= 0 and not summary.counted[flag]):
                continue
            if tagged >= 0:
                summary = self._tagged(path, summary)
                assert summary.tags is not None
                # Few values: a substring search each; many (delete several): one set per chunk.
                if len(wanted) <= 8 and not summary.may_hold(tagged, values):
                    continue
                if len(wanted) > 8 and wanted.isdisjoint(summary.tags[tagged].split()):
                    continue
            found.append(path)
        return found

    def _tagged(self, path: Path, summary: Summary) -> Summary:
        """Return a chunk's summary with its tags: read from its tags file, or made again."""
        if summary.tags is not None:
            return summary
        assert summary.named is not None, "a summary without tags names its tags file"
        signature = self._here[path][0]
        where = tags_path(self.folder, path)
        if memory_only():
            raise NotInMemory(str(where))
        tags = read_tags(where, summary.named, len(self.order.tagged))
        if tags is None:
            # Not the tags the index named (a crash between the two, another process, an
            # edit): the chunk's records tell, and the next change writes them again.
            whole = summarize(self._load(path), self.order)
        else:
            whole = replace(summary, tags=tags, named=None)
        self._remember(path, signature, whole)
        self._here[path] = (signature, whole)
        return whole

    def extent(self, chunks: list[tuple[int, Path]]) -> tuple[int, Key | None, Path | None]:
        """Return the document's record count, its highest key and the chunk holding that key."""
        total, high, holder = 0, None, None
        for path, summary in self.summaries(chunks):
            total += summary.count
            if summary.high is not None and (high is None or summary.high > high):
                high, holder = summary.high, path
        return total, high, holder

    def summaries(self, chunks: list[tuple[int, Path]]) -> list[tuple[Path, Summary]]:
        """Return each chunk's summary: from memory, from the index, or from the chunk itself."""
        stored: dict[str, Any] | None = None
        result = []
        for _, path in chunks:
            here = self._here.get(path)
            if here is not None:
                result.append((path, here[1]))
                continue
            signature = file_signature(path)
            if signature is None:
                continue  # gone meanwhile (cannot happen under the lock; harmless anyway)
            summary = self._followed.pop(path, None) or self._remembered(path, signature)
            if summary is None:
                if stored is None:
                    stored = self._stored()
                summary = Summary.from_json(stored.get(path.name), signature, self.order)
            if summary is None:
                summary = summarize(self._load(path), self.order)
            self._remember(path, signature, summary)
            self._here[path] = (signature, summary)
            result.append((path, summary))
        return result

    def forget(
        self,
        path: Path,
        edit: tuple[Record, Record] | None = None,
        appended: list[Record] | None = None,
    ) -> None:
        """Drop what is known of a chunk file that was just written or removed.

        :param edit: the one record the write replaced, before and after. When it kept its key
            and its tagged values (a tick, a rename), the chunk's next summary is the old one
            with its flag counts moved: the chunk is not read, keys and digests not made again.
        :param appended: the records the write added after the chunk's own (an add): its next
            summary is the old one extended with theirs, if the old one has its digests.
        """
        here = self._here.pop(path, None)
        self._followed.pop(path, None)
        if here is not None and appended is not None and here[1].tags is not None:
            self._followed[path] = here[1].extended(appended, self.order)
            return
        if edit is None or here is None:
            return
        before, after = edit
        order = self.order
        if order.key(before) != order.key(after):
            return
        if any(before.get(name) != after.get(name) for name in order.tagged):
            return
        old = here[1]
        moved = zip(old.counted, order.counted, strict=True)
        counted = tuple(n - bool(before.get(f)) + bool(after.get(f)) for n, f in moved)
        self._followed[path] = replace(old, counted=counted)

    def save(self, chunks: list[tuple[int, Path]]) -> None:
        """Write the index of the chunks as they are now (after a change wrote some of them)."""
        self.summaries(chunks)
        entries = {}
        for _, path in chunks:
            if path in self._here:
                signature, summary = self._here[path]
                # Tags files first: an index naming tags not yet on disk would not be believed.
                tags = summary.named  # not read since: the file still holds what it held
                if summary.tags:
                    where = tags_path(self.folder, path)
                    tags = write_tags(where, summary.tags, summary.tags_hash)
                entries[path.name] = summary.to_json(signature, tags)
        text = json.dumps({"format": _FORMAT, "order": json.loads(self._spec), "chunks": entries})
        # No fsync: a lost or torn index only costs reading the chunks again.
        write_hint(self.folder / INDEX, text)

    def _remembered(self, path: Path, signature: FileSignature) -> Summary | None:
        with _lock:
            known = _known.get((str(path), self._spec))
        return known[1] if known is not None and known[0] == signature else None

    def _remember(self, path: Path, signature: FileSignature, summary: Summary) -> None:
        with _lock:
            _known[str(path), self._spec] = (signature, summary)
            _known.move_to_end((str(path), self._spec))
            while len(_known) > _MEMORY:
                _known.popitem(last=False)

    def _stored(self) -> dict[str, Any]:
        """Return the index file's chunk entries (empty when missing, unreadable or stale)."""
        path = self.folder / INDEX
        signature = file_signature(path)
        with _lock:
            cached = _indexes.get(str(path))
        if cached is not None and cached[0] == signature:
            return cached[1]
        entries: dict[str, Any] = {}
        if signature is not None:
            if memory_only():
                raise NotInMemory(str(path))
            try:
                data = json.loads(path.read_bytes())
            except (OSError, ValueError):
                data = None
            fits = isinstance(data, dict) and data.get("format") == _FORMAT
            if fits and data.get("order") == self.order.spec():
                chunks = data.get("chunks")
                entries = chunks if isinstance(chunks, dict) else {}
        with _lock:
            _indexes[str(path)] = (signature, entries)
            _indexes.move_to_end(str(path))
            while len(_indexes) > _MEMORY_INDEXES:
                _indexes.popitem(last=False)
        return entries
