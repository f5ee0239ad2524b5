"""A TinyDB storage over one JSON file: atomic writes, an in-memory copy revalidated on read.

Every write goes to a temporary file that replaces the old one only after it
reached the disk, so a crash leaves either the old or the new version. A file
is parsed once and served from memory for as long as the file on disk is the
one that was parsed (same inode, size and modification time), so a second
process on the same folder (a rolling deploy) sees this one's writes and the
other way round. Use it under the folder's lock (`chatkit_bridge.jsonfiles`).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from chatkit_bridge.durable import StorageError, atomic_write_text, fsync_folder
from chatkit_bridge.folderlock import current_hold
from chatkit_bridge.setaside import Check, keep_aside, split_invalid

logger = logging.getLogger(__name__)

Data = dict[str, dict[str, Any]]


def _is_tinydb_data(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in value.values()
    )


def free_name(path: Path, label: str) -> Path:
    """Return `<name>.<label>-<timestamp>` beside `path`, a name no file has yet."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.{label}-{stamp}")
    counter = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.{label}-{stamp}-{counter}")
        counter += 1
    return aside


def _move_aside(path: Path, reason: str) -> Path:
    aside = free_name(path, "corrupt")
    try:
        os.replace(path, aside)
        fsync_folder(path.parent)
    except OSError as exc:
        # Starting empty without moving the file would overwrite it on the next write.
        raise StorageError(
            f"Cannot read {path} ({reason}) and cannot move it aside: {exc}"
        ) from exc
    logger.error(
        "Unreadable data file %s (%s); moved it to %s and started empty", path, reason, aside
    )
    return aside


FileSignature = tuple[int, int, int]
"""A file's version: (inode, size, modification time in ns)."""


def file_signature(path: str | Path) -> FileSignature | None:
    """Identify a file's version: a replace gives a new inode, an edit a new size or time."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StorageError(f"Could not read {path}: {exc.strerror or exc}") from exc
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


class NotInMemory(Exception):
    """A read inside `in_memory_only()` needed the disk: do it again where waiting is fine."""


_memory_only = threading.local()


@contextmanager
def in_memory_only() -> Iterator[None]:
    """Let this thread's reads in the block use parsed copies only, raising `NotInMemory`.

    The store answers reads on the event loop when nothing has to be parsed (a stat of each
    file is all), and in a worker thread otherwise.
    """
    _memory_only.active = True
    try:
        yield
    finally:
        _memory_only.active = False


def memory_only() -> bool:
    """Tell whether this thread is inside `in_memory_only()`."""
    return getattr(_memory_only, "active", False)


class DurableJSONStorage(Storage):
    """TinyDB storage with atomic writes and an in-memory copy revalidated on each read."""

    def __init__(self, path: str | Path, check: Check | None = None) -> None:
        """Remember the file; nothing is read until the first access.

        :param path: the JSON file.
        :param check: validates each record on load; failing records are set aside.
        """
        super().__init__()
        self.path = Path(path)
        self.check = check
        self._data: Data | None = None
        self._loaded = False
        self._seen: Any = None
        self._checked_in: int | None = None  # the lock hold in which the file was last checked
        self.version = 0
        """Changes whenever the data may have changed, so views derived from it can be cached."""

    def read(self) -> Data | None:
        """Return the file's data, parsing it again only when the file changed on disk."""
        hold = current_hold()
        if self._loaded and hold is not None and hold == self._checked_in:
            return self._data  # checked earlier while this lock was held: nothing changed
        if not self._loaded or self.signature() != self._seen:
            if memory_only():
                raise NotInMemory(self.path)
            self.version += 1
            self._data = self._load()
            self._loaded = True
            # Under the folder lock nobody writes meanwhile, so this is the parsed version.
            self._seen = self.signature()
        self._checked_in = hold
        return self._data

    def write(self, data: Data) -> None:
        """Write the data atomically; on failure keep the old file and forget the copy."""
        self.version += 1
        try:
            atomic_write_text(self.path, self.encode(data))
            self._replaced()
        except BaseException as exc:
            self.forget()
            if isinstance(exc, OSError):
                reason = exc.strerror or str(exc)
                raise StorageError(
                    f"Could not save {self.path}: {reason}. The previous version is kept."
                ) from exc
            raise
        self._written(data)

    def _replaced(self) -> None:
        """Tidy up once the new content replaced the file (nothing here)."""

    def _written(self, data: Data) -> None:
        """Take `data` as the file's content, just written by this process."""
        self._data = data
        self._loaded = True
        self._seen = self.signature()
        self._checked_in = current_hold()

    def signature(self) -> Any:
        """Identify the version on disk of what `read` returns (see `file_signature`)."""
        return file_signature(self.path)

    def forget(self) -> None:
        """Drop the parsed copy (TinyDB changed it in place before a failed write)."""
        self._data = None
        self._loaded = False
        self._checked_in = None

    def encode(self, data: Data) -> str:
        """Return the file's text for `data`: compact JSON."""
        return json.dumps(data, separators=(",", ":"))

    def _load(self) -> Data | None:
        try:
            raw: bytes | None = self.path.read_bytes()
        except FileNotFoundError:
            raw = None
        except OSError as exc:
            raise StorageError(f"Could not read {self.path}: {exc.strerror or exc}") from exc
        data = self._extend(self._parse(raw), raw)
        if data is not None and self.check is not None:
            data = self._without_invalid(data, self.check)
        return data

    def _parse(self, raw: bytes | None) -> Data | None:
        """Parse the file's bytes; None if there are none, or moved aside if unreadable."""
        if raw is None or not raw.strip():
            return None
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            _move_aside(self.path, f"invalid JSON: {exc}")
            return None
        if not _is_tinydb_data(data):
            _move_aside(self.path, "not a TinyDB document")
            return None
        return data

    def _extend(self, data: Data | None, raw: bytes | None) -> Data | None:
        """Add what extends the file's data `data` parsed from `raw` (nothing here).

        It comes before the validation, so a rewrite of the file holds it too.
        """
        return data

    def _without_invalid(self, data: Data, check: Check) -> Data:
        valid, invalid = split_invalid(self.path, data, check)
        if invalid:
            try:
                keep_aside(self.path, invalid)
                # Only once they are safe in the side file may they leave the data file.
                atomic_write_text(self.path, json.dumps(valid, separators=(",", ":")))
                self._replaced()
            except OSError as exc:
                # Serving the rest still beats failing; the next load tries again.
                logger.error("Could not move invalid records out of %s: %s", self.path, exc)
        return valid
