"""One chunk file of a thread's items, and the append-only log beside it.

A user's message is written durably at once: the chunk file is replaced (file and folder
synced) before the model runs. What the assistant writes (its answers, cards, notes) is
appended to `<chunk>.log` instead: one `write` to a file opened for appending, no rename, no
sync, cheap enough for the event loop. The kernel keeps it, so a killed process loses
nothing; a power cut may lose what was appended since the last durable write (an assistant's
output, which can be regenerated), never the chunk file itself.

Each entry of the log is a newline and `[document id, record]`; reading a chunk applies its
log over it, skipping a line a power cut tore. The next durable write of the chunk takes the
log's records in and removes the log just before the new file replaces the old one, so a log,
while it exists, always extends the chunk file beside it (a crash between the two loses the
log's records, an assistant's output, and keeps the old chunk file).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from chatkit_bridge.chunk_files import is_chunk_name
from chatkit_bridge.durable import StorageError
from chatkit_bridge.folderlock import current_hold
from chatkit_bridge.item_cache import ITEM, Record, created_at
from chatkit_bridge.json_storage import Data, DurableJSONStorage, FileSignature, file_signature
from chatkit_bridge.setaside import Check

logger = logging.getLogger(__name__)

TABLE = "items"
LOG_BYTES = 256 * 1024
"""A log this large is folded into its chunk by the next write instead of growing."""

_logging = threading.local()


@contextmanager
def logged_writes() -> Iterator[None]:
    """Let this thread's chunk writes in the block go to the chunks' logs where they can."""
    _logging.active = True
    try:
        yield
    finally:
        _logging.active = False


def check_item(table: str, record: Record) -> None:
    """Raise for an item record the store could not serve (set aside on load)."""
    if table == TABLE:
        ITEM.validate_python(record)
        created_at(record)


class ChunkStorage(DurableJSONStorage):
    """A chunk file with its log; keeps each record's JSON, so a write encodes new ones only.

    A record keeps its identity across writes (see `chatkit_bridge.item_cache`), and the
    one change in place, `ThreadItemFiles.replace`, calls `changing` first.
    """

    def __init__(self, path: str | Path, check: Check | None = None) -> None:
        """Remember the file (as `DurableJSONStorage`); numbered chunks get a log."""
        super().__init__(path, check)
        self.log = f"{path}.log" if is_chunk_name(self.path.name) else None
        self._encoded: dict[tuple[str, str], tuple[Record, str | None]] = {}
        """Records on disk (in the chunk or its log), with their JSON once encoded."""

    def signature(self) -> tuple[FileSignature | None, FileSignature | None]:
        """Identify the versions of the chunk file and of its log."""
        return file_signature(self.path), file_signature(self.log) if self.log else None

    def may_append(self) -> bool:
        """Tell whether a write now would go to the log (no file replaced, no sync)."""
        if not getattr(_logging, "active", False) or self.log is None or not self._loaded:
            return False
        chunk, log = self._seen
        # A chunk not yet on disk is not listed, so its records must reach the file itself.
        return chunk is not None and (log is None or log[1] < LOG_BYTES)

    def write(self, data: Data) -> None:
        """Append the new and changed records to the log if allowed, else replace the file."""
        table = data.get(TABLE, {})
        removed = any(doc_id not in table for _, doc_id in self._encoded)
        if self.may_append() and not removed and set(data) <= {TABLE}:
            self._append(data)
        else:
            super().write(data)

    def fold(self) -> None:
        """Write the chunk with its log's records durably and remove the log."""
        if self.log is not None and self._loaded and self._seen[1] is not None:
            data = self.read()
            super().write(data if data is not None else {})

    def changing(self, table: str, doc_id: str) -> None:
        """Forget the JSON of a record that is about to change in place."""
        self._encoded.pop((table, doc_id), None)

    def encode(self, data: Data) -> str:
        """Return the same text as `DurableJSONStorage.encode`, reusing unchanged records'."""
        encoded: dict[tuple[str, str], tuple[Record, str | None]] = {}
        tables = []
        for name, table in data.items():
            docs = []
            for doc_id, record in table.items():
                known = self._encoded.get((name, doc_id))
                if known is None or known[0] is not record or known[1] is None:
                    known = (record, json.dumps(record, separators=(",", ":")))
                encoded[name, doc_id] = known
                docs.append(f"{json.dumps(doc_id)}:{known[1]}")
            tables.append(f"{json.dumps(name)}:{{{','.join(docs)}}}")
        self._encoded = encoded
        return "{" + ",".join(tables) + "}"

    def _replacing(self) -> None:
        """Remove the log, whose records the new chunk file holds, just before it replaces."""
        if self.log is not None and self._seen is not None and self._seen[1] is not None:
            with suppress(FileNotFoundError):
                os.unlink(self.log)

    def _append(self, data: Data) -> None:
        """Append the records that differ from what is on disk to the log."""
        assert self.log is not None
        chunk = self._seen[0]
        lines = []
        for doc_id, record in data.get(TABLE, {}).items():
            known = self._encoded.get((TABLE, doc_id))
            if known is None or known[0] is not record:
                text = json.dumps(record, separators=(",", ":"))
                self._encoded[TABLE, doc_id] = (record, text)
                lines.append(f"\n[{json.dumps(doc_id)},{text}]")
        self.version += 1
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC
        try:
            fd = os.open(self.log, flags, 0o600)
            try:
                rest = memoryview("".join(lines).encode("utf-8"))
                while rest:
                    rest = rest[os.write(fd, rest) :]
                stat = os.fstat(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            self.forget()
            raise StorageError(f"Could not save {self.log}: {exc.strerror or exc}") from exc
        self._data = data
        self._seen = (chunk, (stat.st_ino, stat.st_size, stat.st_mtime_ns))
        self._checked_in = current_hold()

    def _load(self) -> Data | None:
        """Parse the chunk file and apply its log."""
        data = super()._load()
        entries = self._read_log() if self.log is not None else {}
        if entries:
            data = data if data is not None else {}
            data.setdefault(TABLE, {}).update(entries)
        self._encoded = {
            (name, doc_id): (record, None)
            for name, table in (data or {}).items()
            for doc_id, record in table.items()
        }
        return data

    def _read_log(self) -> dict[str, Record]:
        """Return the log's records by document id (the last entry of an id counts)."""
        assert self.log is not None
        try:
            with open(self.log, "rb") as file:
                raw = file.read()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise StorageError(f"Could not read {self.log}: {exc.strerror or exc}") from exc
        entries: dict[str, Record] = {}
        for line in raw.split(b"\n"):
            entry = _entry(line, self.check)
            if entry is not None:
                entries[entry[0]] = entry[1]
            elif line.strip():
                logger.warning("Skipped a damaged line of %s (a write cut short)", self.log)
        return entries


def _entry(line: bytes, check: Check | None) -> tuple[str, Record] | None:
    """Parse one log line `[document id, record]`; None if it is damaged or not valid."""
    try:
        doc_id, record = json.loads(line)
        if not isinstance(doc_id, str) or not isinstance(record, dict):
            return None
        if check is not None:
            check(TABLE, record)
    except Exception:  # any failure means the line cannot be served
        return None
    return doc_id, record
