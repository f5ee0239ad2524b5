"""Durable JSON files for TinyDB: atomic writes, revalidated in-memory copies, folder locks.

Every write goes to a temporary file that replaces the old one only after it
reached the disk, so a crash leaves either the old or the new version. A file
is parsed once and served from memory for as long as the file on disk is the
one that was parsed (same inode, size and modification time), so a second
process on the same folder (a rolling deploy) sees this one's writes and the
other way round. Each folder's lock holds across processes (`fcntl.flock`), so
a read-modify-write of one process never overwrites another's.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from chatkit_bridge.durable import StorageError, atomic_write_text, fsync_folder
from chatkit_bridge.folderlock import FolderLock, current_hold
from chatkit_bridge.setaside import Check, keep_aside, split_invalid

logger = logging.getLogger(__name__)

Data = dict[str, dict[str, Any]]

STALE_TEMP_SECONDS = 600
"""Age after which a left-over temporary file is a crash's remains, not a write in flight."""


def user_key(user_id: str) -> str:
    """Return the key a user's data is stored under: 32 hex digits of sha256(user id).

    Hashing keeps arbitrary user ids (slashes, dots, Unicode, e-mail addresses) out of file
    names and database rows; both backends use the same key, so data can move between them.
    """
    return hashlib.sha256(user_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@functools.lru_cache(maxsize=4096)
def user_folder(root: Path, user_id: str) -> Path:
    """Return the folder that holds one user's files under the data folder."""
    # Cached: every store call needs it, and hashing plus two Path joins cost ~0.1 ms.
    return root / "users" / user_key(user_id)


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
        self._seen: FileSignature | None = None
        self._checked_in: int | None = None  # the lock hold in which the file was last checked
        self.version = 0
        """Changes whenever the data may have changed, so views derived from it can be cached."""

    def read(self) -> Data | None:
        """Return the file's data, parsing it again only when the file changed on disk."""
        hold = current_hold()
        if self._loaded and hold is not None and hold == self._checked_in:
            return self._data  # checked earlier while this lock was held: nothing changed
        if not self._loaded or file_signature(self.path) != self._seen:
            if memory_only():
                raise NotInMemory(self.path)
            self.version += 1
            self._data = self._load()
            self._loaded = True
            # Under the folder lock nobody writes meanwhile, so this is the parsed version.
            self._seen = file_signature(self.path)
        self._checked_in = hold
        return self._data

    def write(self, data: Data) -> None:
        """Write the data atomically; on failure keep the old file and forget the copy."""
        self.version += 1
        try:
            atomic_write_text(self.path, self.encode(data))
        except BaseException as exc:
            # TinyDB already changed the cached dict in place: drop it so the next
            # read reloads what is really on disk.
            self._data = None
            self._loaded = False
            self._checked_in = None
            if isinstance(exc, OSError):
                reason = exc.strerror or str(exc)
                raise StorageError(
                    f"Could not save {self.path}: {reason}. The previous version is kept."
                ) from exc
            raise
        self._data = data
        self._loaded = True
        self._seen = file_signature(self.path)
        self._checked_in = current_hold()

    def encode(self, data: Data) -> str:
        """Return the file's text for `data`: compact JSON."""
        return json.dumps(data, separators=(",", ":"))

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
        if self.check is not None:
            data = self._without_invalid(data, self.check)
        return data

    def _without_invalid(self, data: Data, check: Check) -> Data:
        valid, invalid = split_invalid(self.path, data, check)
        if invalid:
            try:
                keep_aside(self.path, invalid)
                # Only once they are safe in the side file may they leave the data file.
                atomic_write_text(self.path, json.dumps(valid, separators=(",", ":")))
            except OSError as exc:
                # Serving the rest still beats failing; the next load tries again.
                logger.error("Could not move invalid records out of %s: %s", self.path, exc)
        return valid


class JsonFiles:
    """Share open TinyDB files and per-folder locks across a process.

    Use a file only while holding the lock of the folder passed to `lock()` for
    it: the store and the documents lock the user's folder around every access,
    which also keeps other processes on the same folder out meanwhile.
    """

    def __init__(self, max_open: int = 256) -> None:
        """Keep at most `max_open` files parsed in memory."""
        self.max_open = max_open
        self._registry_lock = threading.Lock()
        self._locks: dict[str, FolderLock] = {}
        self._open: OrderedDict[str, TinyDB] = OrderedDict()
        self._swept: set[str] = set()

    def lock(self, folder: Path) -> FolderLock:
        """Return the lock that guards every file inside one folder, across processes."""
        key = os.path.abspath(folder)
        with self._registry_lock:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = FolderLock(Path(key))
            return lock

    def open(
        self,
        path: str | Path,
        check: Check | None = None,
        storage: type[DurableJSONStorage] = DurableJSONStorage,
    ) -> TinyDB:
        """Return the TinyDB handle of a file, opening it if needed.

        :param path: the JSON file.
        :param check: validates each record when the file is loaded (pass the same one
            for a path every time); records that fail are set aside.
        :param storage: the storage class (the same for a path every time).
        """
        key = os.path.abspath(path)
        with self._registry_lock:
            db = self._open.get(key)
            if db is not None:
                self._open.move_to_end(key)
                return db
            if memory_only():
                raise NotInMemory(key)
            db = TinyDB(key, storage=storage, check=check)
            self._open[key] = db
            for _ in range(len(self._open) - self.max_open):
                oldest, handle = self._open.popitem(last=False)
                if getattr(handle.storage, "pending", None):
                    self._open[oldest] = handle  # writes held in memory: dropping loses them
            sweep = os.path.dirname(key) not in self._swept
            self._swept.add(os.path.dirname(key))
        if sweep:
            _remove_stale_temp_files(Path(key).parent)
        return db

    def table(
        self,
        path: str | Path,
        name: str,
        check: Check | None = None,
        storage: type[DurableJSONStorage] = DurableJSONStorage,
    ) -> Table:
        """Return one table of a file, without TinyDB's query cache (others as for `open`)."""
        # A new Table each time: TinyDB's cached one remembers the next document id,
        # which is stale once another process added documents.
        return Table(self.open(path, check, storage).storage, name, cache_size=0)

    def delete(self, path: str | Path) -> None:
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

    def set_aside(self, path: str | Path, label: str) -> Path | None:
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

    def drop(self, path: str | Path) -> None:
        """Forget the handle of one file (it was moved away)."""
        with self._registry_lock:
            self._open.pop(os.path.abspath(path), None)

    def forget(self) -> None:
        """Drop every cached handle so the next access rereads the disk."""
        with self._registry_lock:
            self._open.clear()


def _remove_stale_temp_files(folder: Path) -> None:
    # A crash between creating and renaming a temporary file leaves it behind. A fresh one may
    # be another process's write in flight (two processes share the folder during a rolling
    # deploy): a write takes milliseconds, so only a file older than STALE_TEMP_SECONDS goes.
    stale_before = time.time() - STALE_TEMP_SECONDS
    with suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                with suppress(OSError):
                    if entry.stat().st_mtime < stale_before:
                        os.unlink(entry.path)


shared_files = JsonFiles()
"""The process-wide registry that the store and the todo data share by default."""
