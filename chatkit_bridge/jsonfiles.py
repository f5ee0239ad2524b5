"""Durable JSON files for TinyDB: atomic writes, in-memory copies, shared locks.

One process owns the data folder. Every file is read once and then served from
memory; every write goes to a temporary file that replaces the old one only
after it reached the disk, so a crash leaves either the old or the new version.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

logger = logging.getLogger(__name__)

Data = dict[str, dict[str, Any]]


class StorageError(OSError):
    """A data file could not be read or written; the message names the file."""


def user_folder(root: Path, user_id: str) -> Path:
    """Return the folder that holds one user's files under the data folder."""
    # Hashing keeps arbitrary user ids (slashes, dots, Unicode) out of file names.
    digest = hashlib.sha256(user_id.encode("utf-8", "surrogatepass")).hexdigest()
    return root / "users" / digest[:32]


FOLDER_SYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EPERM}


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (new, renamed, removed files) to disk."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as error:
        # Network file systems (SMB on Azure Files, some NFS) cannot sync a folder; the rename
        # is already done and they order it themselves, so a write must not fail over it.
        if error.errno not in FOLDER_SYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def make_folder(folder: Path) -> None:
    """Create a folder and its missing parents durably."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        with suppress(FileExistsError):
            path.mkdir()
        # A new folder only survives a power cut once its parent's entry is on disk.
        fsync_folder(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """Replace a file's content so that a crash leaves the old or the new version."""
    make_folder(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp_name)
        raise
    fsync_folder(path.parent)


def _is_tinydb_data(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in value.values()
    )


def _free_name(path: Path, label: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.{label}-{stamp}")
    counter = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.{label}-{stamp}-{counter}")
        counter += 1
    return aside


def _move_aside(path: Path, reason: str) -> Path:
    aside = _free_name(path, "corrupt")
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


class DurableJSONStorage(Storage):
    """TinyDB storage with atomic writes and an in-memory copy of the file."""

    def __init__(self, path: str | Path) -> None:
        """Remember the file; nothing is read until the first access."""
        super().__init__()
        self.path = Path(path)
        self._data: Data | None = None
        self._loaded = False

    def read(self) -> Data | None:
        """Return the file's data, parsing it only on first use."""
        if not self._loaded:
            self._data = self._load()
            self._loaded = True
        return self._data

    def write(self, data: Data) -> None:
        """Write the data atomically; on failure keep the old file and forget the copy."""
        try:
            atomic_write_text(self.path, json.dumps(data, separators=(",", ":")))
        except BaseException as exc:
            # TinyDB already changed the cached dict in place: drop it so the next
            # read reloads what is really on disk.
            self._data = None
            self._loaded = False
            if isinstance(exc, OSError):
                reason = exc.strerror or str(exc)
                raise StorageError(
                    f"Could not save {self.path}: {reason}. The previous version is kept."
                ) from exc
            raise
        self._data = data
        self._loaded = True

    def _load(self) -> Data | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(f"Could not read {self.path}: {exc.strerror or exc}") from exc
        if not raw.strip():
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


class JsonFiles:
    """Share open TinyDB files and per-folder locks across a process.

    Use a file only while holding the lock of the folder passed to `lock()` for
    it: the store and the todo data lock the user's folder around every access.
    """

    def __init__(self, max_open: int = 256) -> None:
        """Keep at most `max_open` files parsed in memory."""
        self.max_open = max_open
        self._registry_lock = threading.Lock()
        self._locks: dict[str, threading.RLock] = {}
        self._open: OrderedDict[str, TinyDB] = OrderedDict()
        self._swept: set[str] = set()

    def lock(self, folder: Path) -> threading.RLock:
        """Return the lock that guards every file inside one folder."""
        key = os.path.abspath(folder)
        with self._registry_lock:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = threading.RLock()
            return lock

    def open(self, path: Path) -> TinyDB:
        """Return the TinyDB handle of a file, opening it if needed."""
        key = os.path.abspath(path)
        with self._registry_lock:
            db = self._open.get(key)
            if db is not None:
                self._open.move_to_end(key)
                return db
            db = TinyDB(key, storage=DurableJSONStorage)
            self._open[key] = db
            while len(self._open) > self.max_open:
                self._open.popitem(last=False)
            sweep = os.path.dirname(key) not in self._swept
            self._swept.add(os.path.dirname(key))
        if sweep:
            _remove_stale_temp_files(Path(key).parent)
        return db

    def table(self, path: Path, name: str) -> Table:
        """Return one table of a file, without TinyDB's query cache."""
        return self.open(path).table(name, cache_size=0)

    def delete(self, path: Path) -> None:
        """Remove a file durably and forget its handle."""
        key = os.path.abspath(path)
        with self._registry_lock:
            self._open.pop(key, None)
        try:
            os.unlink(key)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StorageError(f"Could not delete {path}: {exc.strerror or exc}") from exc
        fsync_folder(Path(key).parent)

    def set_aside(self, path: Path, label: str) -> Path | None:
        """Rename a file to `<name>.<label>-<timestamp>` and forget its handle."""
        key = os.path.abspath(path)
        with self._registry_lock:
            self._open.pop(key, None)
        if not os.path.exists(key):
            return None
        aside = _free_name(Path(key), label)
        try:
            os.replace(key, aside)
            fsync_folder(aside.parent)
        except OSError as exc:
            raise StorageError(f"Could not move {path} aside: {exc.strerror or exc}") from exc
        return aside

    def forget(self) -> None:
        """Drop every cached handle so the next access rereads the disk."""
        with self._registry_lock:
            self._open.clear()


def _remove_stale_temp_files(folder: Path) -> None:
    # A crash between creating and renaming a temporary file leaves it behind.
    with suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                with suppress(OSError):
                    os.unlink(entry.path)


shared_files = JsonFiles()
"""The process-wide registry that the store and the todo data share by default."""
