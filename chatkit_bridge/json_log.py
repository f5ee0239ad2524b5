"""A TinyDB JSON file with an append-only log beside it: writes without replacing the file.

A durable write replaces the file (synced, then renamed; see `chatkit_bridge.json_storage`),
which copies every record. Inside `logged_writes()` a write appends only the records it
changed to `<file>.log`: one `write` to a file opened for appending, no rename. Synced
(`logged_writes(synced=True)`: `fdatasync`, in a worker thread) it lasts like a replaced
file; unsynced it is cheap enough for the event loop, the kernel keeps it, so a killed process
loses nothing, and a power cut may lose it, never the file itself. The store leaves unsynced
only what may be lost that way (an assistant's output, a thread's title; see
`chatkit_bridge.store`).

A log starts with a header `{"base": digest}`, the BLAKE2b digest of the file's bytes it
extends; each entry is a newline and `[table, document id, record]`. Reading the file applies
its log over it, skipping a line a power cut tore. A write that replaces the file takes the
log's records in and removes the log once the new file is in place. A crash between the two
leaves a log whose base is no longer the file: it is not applied (so a record that write
removed stays removed) but moved aside as `<log>.stale-<time>`, as is a log whose file was
edited by hand. A log without a header (written by an older version) is applied. Loading a
file rewrites it without its invalid records (see `chatkit_bridge.setaside`); that rewrite
holds the log's records too and removes the log. A removal always replaces the file; so does
a write once the log has grown past `LOG_BYTES`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from chatkit_bridge.durable import StorageError, fsync_folder
from chatkit_bridge.folderlock import current_hold
from chatkit_bridge.json_storage import (
    Data,
    DurableJSONStorage,
    FileSignature,
    file_signature,
    free_name,
)
from chatkit_bridge.setaside import Check

logger = logging.getLogger(__name__)

Record = dict[str, Any]

LOG_BYTES = 256 * 1024
"""A log this large is folded into its file by the next write instead of growing."""

_logging = threading.local()


@contextmanager
def logged_writes(active: bool = True, synced: bool = False) -> Iterator[None]:
    """Let this thread's writes in the block go to the files' logs where they can.

    :param active: False turns logging off inside an outer block (a write that must last).
    :param synced: sync each append to disk before going on (`fdatasync`, and the folder when
        the log is new): what it appends lasts like a replaced file, at a fraction of the cost
        (no rename, no copy of the rest). It waits for the disk: never on the event loop.
    """
    outer = getattr(_logging, "active", False), getattr(_logging, "synced", False)
    _logging.active, _logging.synced = active, synced
    try:
        yield
    finally:
        _logging.active, _logging.synced = outer


class LoggedJSONStorage(DurableJSONStorage):
    """A JSON file with its log; keeps each record's JSON, so a write encodes new ones only.

    Records keep their identity across writes (TinyDB rewrites the same dicts): whoever
    changes one in place calls `changing` first, so the change is seen.
    """

    def __init__(self, path: str | Path, check: Check | None = None) -> None:
        """Remember the file (as `DurableJSONStorage`) and its log, `<file>.log`."""
        super().__init__(path, check)
        self.log: str | None = f"{path}.log"
        self._encoded: dict[tuple[str, str], tuple[Record, str | None]] = {}
        """Records on disk (in the chunk or its log), with their JSON once encoded."""
        self._log_read = False
        """A load found the log (a rewrite in that load, before `_seen` knows it, removes it)."""

    def signature(self) -> tuple[FileSignature | None, FileSignature | None]:
        """Identify the versions of the chunk file and of its log."""
        return file_signature(self.path), file_signature(self.log) if self.log else None

    def may_append(self) -> bool:
        """Tell whether a write now would go to the log (no file replaced, no sync)."""
        if not getattr(_logging, "active", False) or self.log is None or not self._loaded:
            return False
        chunk, log = self._seen
        # A log extends a file on disk (a chunk not yet written is not even listed).
        return chunk is not None and (log is None or log[1] < LOG_BYTES)

    def file_bytes(self) -> int:
        """Return the size of the file (without its log) as last read or written (0: none)."""
        chunk = self._seen[0] if self._seen is not None else None
        return chunk[1] if chunk is not None else 0

    def write(self, data: Data) -> None:
        """Append the new and changed records to the log if allowed, else replace the file."""
        removed = any(doc_id not in data.get(name, {}) for name, doc_id in self._encoded)
        if self.may_append() and not removed:
            self._append(data)
        else:
            super().write(data)

    def fold(self) -> None:
        """Write the file with its log's records durably and remove the log."""
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

    def _replaced(self) -> None:
        """Remove the log, whose records the new file holds (a crash before: see module)."""
        seen = self._seen is not None and self._seen[1] is not None
        if self.log is not None and (seen or self._log_read):
            with suppress(FileNotFoundError):
                os.unlink(self.log)
        self._log_read = False

    def _append(self, data: Data) -> None:
        """Append the records that differ from what is on disk to the log."""
        assert self.log is not None
        chunk = self._seen[0]
        lines = []
        for name, table in data.items():
            for doc_id, record in table.items():
                known = self._encoded.get((name, doc_id))
                if known is None or known[0] is not record:
                    text = json.dumps(record, separators=(",", ":"))
                    self._encoded[name, doc_id] = (record, text)
                    lines.append(f"\n[{json.dumps(name)},{json.dumps(doc_id)},{text}]")
        self.version += 1
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC
        try:
            fd = os.open(self.log, flags, 0o600)
            try:
                new = self._seen[1] is None
                text = (self._header() if new else "") + "".join(lines)
                rest = memoryview(text.encode("utf-8"))
                while rest:
                    rest = rest[os.write(fd, rest) :]
                if getattr(_logging, "synced", False):
                    os.fdatasync(fd)
                    if new:  # a new log lasts once its folder entry does
                        fsync_folder(Path(self.log).parent)
                stat = os.fstat(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            self.forget()
            reason = exc.strerror or str(exc)
            raise StorageError(
                f"Could not save {self.log}: {reason}. The previous version is kept."
            ) from exc
        self._data = data
        self._seen = (chunk, (stat.st_ino, stat.st_size, stat.st_mtime_ns))
        self._checked_in = current_hold()

    def _header(self) -> str:
        """Return a new log's first line: the digest of the file it extends, as on disk now."""
        return json.dumps({"base": _digest(self.path.read_bytes())}, separators=(",", ":"))

    def _load(self) -> Data | None:
        """Parse the file and apply its log (see `_extend`)."""
        self._log_read = False
        data = super()._load()
        self._encoded = {
            (name, doc_id): (record, None)
            for name, table in (data or {}).items()
            for doc_id, record in table.items()
        }
        return data

    def _extend(self, data: Data | None, raw: bytes | None) -> Data | None:
        """Apply the log over the file's data, unless it extends an earlier version of the file.

        `raw` are the file's bytes as read, before a rewrite without invalid records (which
        follows and holds the log's records, then removes the log).
        """
        if self.log is None:
            return data
        if raw is not None and not os.path.exists(self.path):
            # The file was unreadable and moved aside: so goes its log.
            self._set_log_aside("corrupt", "Moved the log of an unreadable data file to %s")
        base, entries = self._read_log()
        if base is not None and base != _digest(raw):
            # A later whole-file write took it in (whose removals must stay removed), or the
            # file was edited by hand: applying it is wrong either way, so it is kept aside.
            self._set_log_aside("stale", "Moved a log its data file no longer matches to %s")
            return data
        self._log_read = os.path.exists(self.log)
        for name, doc_id, record in entries:
            data = data if data is not None else {}
            data.setdefault(name, {})[doc_id] = record
        return data

    def _set_log_aside(self, label: str, message: str) -> None:
        """Keep the log beside the file as `<log>.<label>-<time>`, for recovery.

        :param label: why, in the new name.
        :param message: logged as an error, with the new name for `%s`.
        """
        assert self.log is not None
        aside = free_name(Path(self.log), label)
        try:
            os.replace(self.log, aside)
        except FileNotFoundError:
            return
        except OSError as exc:
            # Appending to it would add records that are never read.
            raise StorageError(f"Could not move {self.log} aside: {exc.strerror or exc}") from exc
        logger.error(message, aside)

    def _read_log(self) -> tuple[str | None, list[tuple[str, str, Record]]]:
        """Return the log's base digest (None in a log without one) and its entries, oldest first.

        A later entry of a record wins.
        """
        assert self.log is not None
        try:
            with open(self.log, "rb") as file:
                raw = file.read()
        except FileNotFoundError:
            return None, []
        except OSError as exc:
            raise StorageError(f"Could not read {self.log}: {exc.strerror or exc}") from exc
        lines = raw.split(b"\n")
        base = _base(lines[0])
        entries = []
        for line in lines[1:] if base is not None else lines:
            entry = _entry(line, self.check)
            if entry is not None:
                entries.append(entry)
            elif line.strip():
                logger.warning("Skipped a damaged line of %s (a write cut short)", self.log)
        return base, entries


def _digest(raw: bytes | None) -> str | None:
    """Identify a version of a file by its bytes (None: no file)."""
    return None if raw is None else hashlib.blake2b(raw).hexdigest()


def _base(line: bytes) -> str | None:
    """Return the digest named by a log's header line `{"base": digest}`, else None."""
    try:
        header = json.loads(line)
    except (ValueError, RecursionError):
        return None
    base = header.get("base") if isinstance(header, dict) else None
    return base if isinstance(base, str) else None


def _entry(line: bytes, check: Check | None) -> tuple[str, str, Record] | None:
    """Parse one log line `[table, document id, record]`; None if damaged or not valid."""
    try:
        name, doc_id, record = json.loads(line)
        if not (isinstance(name, str) and isinstance(doc_id, str) and isinstance(record, dict)):
            return None
        if check is not None:
            check(name, record)
    except Exception:  # any failure means the line cannot be served
        return None
    return name, doc_id, record
