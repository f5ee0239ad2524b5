"""The process's registry of TinyDB files and folder locks, and where each user's files live.

A file is opened once and shared (`JsonFiles.open`); its storage
(`chatkit_bridge.json_storage`) writes atomically and serves a parsed copy for as
long as the file on disk is unchanged. Each folder's lock holds across processes
(`fcntl.flock`), so a read-modify-write of one process never overwrites another's.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
import time
from collections import OrderedDict
from contextlib import suppress
from pathlib import Path

from tinydb import TinyDB
from tinydb.table import Table

from chatkit_bridge.durable import StorageError, fsync_folder
from chatkit_bridge.folderlock import FolderLock
from chatkit_bridge.json_storage import (
    DurableJSONStorage,
    FileSignature,
    NotInMemory,
    file_signature,
    free_name,
    memory_only,
)
from chatkit_bridge.setaside import Check

__all__ = [  # also importable from here, where they lived before json_storage
    "DurableJSONStorage",
    "FileSignature",
    "JsonFiles",
    "StorageError",
    "file_signature",
    "fsync_folder",
    "shared_files",
    "user_folder",
    "user_key",
]

MAX_KEYS = 8192
"""Paths whose registry key `JsonFiles` remembers."""

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
        self._keys: dict[str | Path, str] = {}

    def _key(self, path: str | Path) -> str:
        """Return the registry key of a path: its normalized absolute form."""
        # Remembered for absolute paths: a turn looks up its files and lock ~30 times.
        key = self._keys.get(path)
        if key is None:
            key = os.path.abspath(path)
            if os.path.isabs(path):
                if len(self._keys) >= MAX_KEYS:
                    self._keys.clear()
                self._keys[path] = key
        return key

    def lock(self, folder: Path) -> FolderLock:
        """Return the lock that guards every file inside one folder, across processes."""
        key = self._key(folder)
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
        key = self._key(path)
        with self._registry_lock:
            db = self._open.get(key)
            if db is not None:
                self._open.move_to_end(key)
                return db
            if memory_only():
                raise NotInMemory(key)
            db = TinyDB(key, storage=storage, check=check)
            self._open[key] = db
            while len(self._open) > self.max_open:
                self._open.popitem(last=False)
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
        aside = free_name(Path(key), label)
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
