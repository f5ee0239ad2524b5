"""One folder's lock, held across threads of this process and across processes."""

from __future__ import annotations

import errno
import fcntl
import itertools
import logging
import os
import threading
from pathlib import Path
from typing import Literal

from chatkit_bridge.durable import StorageError, make_folder

logger = logging.getLogger(__name__)

LOCK_UNSUPPORTED = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS}
_holds = itertools.count(1)
_held = threading.local()


def current_hold() -> int | None:
    """Identify this thread's current stretch of holding folder locks (None: holds none).

    While a thread holds a folder's lock nobody else changes files in that folder, so a file
    checked once in a stretch needs no new check until the stretch ends.
    """
    return getattr(_held, "token", None) if getattr(_held, "depth", 0) else None


_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def _open_lock_file(path: Path) -> int | None:
    """Open a folder's lock file, creating it; None where nothing can be written anyway."""
    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
    try:
        return os.open(path, flags, 0o600)
    except FileNotFoundError:
        try:
            make_folder(path.parent)
            return os.open(path, flags, 0o600)
        except OSError as exc:
            if exc.errno not in _READ_ONLY:
                raise
    except OSError as exc:
        if exc.errno not in _READ_ONLY:
            raise
    try:
        # A read-only data folder: lock for reading if the file is there; if it is not,
        # no process can write here, so there is nothing to wait for.
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None


class FolderLock:
    """Guard one folder's files: a thread lock in this process, `flock` across processes.

    Reentrant within a thread. The lock file is `.lock` inside the folder (created
    with the folder if needed), so the folder's parent holds nothing but folders.
    """

    def __init__(self, folder: Path) -> None:
        """Prepare the lock of `folder`; nothing is opened until it is taken."""
        self.path = folder / ".lock"
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def __enter__(self) -> FolderLock:
        """Take the lock, waiting for other threads and processes."""
        self._take(blocking=True)
        return self

    def try_enter(self) -> bool:
        """Take the lock only if no other thread or process holds it; tell whether it did.

        For work on the event loop, which must never wait for a lock; leave with `__exit__`.
        """
        return self._take(blocking=False)

    def _take(self, blocking: bool) -> bool:
        if not self._thread_lock.acquire(blocking=blocking):
            return False
        try:
            if self._depth == 0:
                fd = self._lock(blocking)
                if fd is False:
                    self._thread_lock.release()
                    return False
                self._fd = fd
                depth = getattr(_held, "depth", 0)
                if depth == 0:
                    _held.token = next(_holds)
                _held.depth = depth + 1
            self._depth += 1
        except BaseException:
            self._thread_lock.release()
            raise
        return True

    def __exit__(self, *exc_info: object) -> None:
        """Release the lock (the outermost exit releases it for other processes)."""
        self._depth -= 1
        if self._depth == 0:
            _held.depth -= 1
            if self._fd is not None:
                os.close(self._fd)  # closing the file releases the flock
                self._fd = None
        self._thread_lock.release()

    def _lock(self, blocking: bool = True) -> int | Literal[False] | None:
        """Open and lock the lock file; False if `blocking` is off and that would wait.

        Without `blocking` a missing lock file is not created (that syncs folders to disk).
        """
        if not blocking:
            try:
                fd: int | None = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
            except OSError:
                return False
        else:
            try:
                fd = _open_lock_file(self.path)
            except OSError as exc:
                raise StorageError(f"Could not lock {self.path}: {exc.strerror or exc}") from exc
        if fd is None:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN) and not blocking:
                os.close(fd)
                return False
            if exc.errno not in LOCK_UNSUPPORTED:
                os.close(fd)
                raise StorageError(f"Could not lock {self.path}: {exc.strerror or exc}") from exc
            # Some network file systems refuse locks: one process still works safely.
            _warn_once(
                f"{self.path.parent} does not support file locks ({exc.strerror}): "
                "run only one app process on this data folder"
            )
        return fd


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        logger.warning(message)
