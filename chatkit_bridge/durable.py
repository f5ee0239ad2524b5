"""Durable file primitives: atomic replacement and folder syncs that survive a crash.

Every write syncs the new file's content before renaming it over the old one, so
a crash or power cut leaves the old or the new version, never a broken file.
Syncing the folder afterwards makes the rename itself survive a power cut.
Inside `deferred_folder_sync()` that folder sync is left to a background flush
(at most `FLUSH_DELAY` seconds later, or any durable write in the same folder
earlier): used for writes that may be lost to a power cut without harm (an
assistant reply that can be regenerated), never for what a user typed.
"""

from __future__ import annotations

import atexit
import errno
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

logger = logging.getLogger(__name__)

FLUSH_DELAY = 1.0


class StorageError(OSError):
    """A data file could not be read or written; the message names the file."""


FOLDER_SYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EPERM}


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (new, renamed, removed files) to disk."""
    with _pending_lock:
        _pending.discard(str(folder))  # this sync covers the deferred renames too
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
    # One temporary name per process and thread: a thread writes one file at a time, and
    # no random name has to be drawn (tempfile.mkstemp cost ~0.1 ms per write).
    tmp_name = f"{path.parent}/.{path.name}.{os.getpid()}-{threading.get_ident()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
    try:
        fd = os.open(tmp_name, flags, 0o600)
    except FileNotFoundError:
        make_folder(path.parent)
        fd = os.open(tmp_name, flags, 0o600)
    try:
        try:
            data = memoryview(text.encode("utf-8"))
            while data:
                data = data[os.write(fd, data) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp_name, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp_name)
        raise
    if getattr(_mode, "deferred", False):
        _defer(path.parent)
    else:
        fsync_folder(path.parent)


_mode = threading.local()
_pending: set[str] = set()
_pending_lock = threading.Lock()
_flusher: threading.Timer | None = None


@contextmanager
def deferred_folder_sync() -> Iterator[None]:
    """Leave the folder sync of this thread's writes in the block to the background flush."""
    _mode.deferred = True
    try:
        yield
    finally:
        _mode.deferred = False


def _defer(folder: Path) -> None:
    global _flusher
    with _pending_lock:
        _pending.add(str(folder))
        if _flusher is None:
            _flusher = threading.Timer(FLUSH_DELAY, flush_deferred)
            _flusher.daemon = True
            _flusher.start()


def flush_deferred() -> None:
    """Sync every folder whose renames are not yet on disk, and stop the pending timer."""
    global _flusher
    with _pending_lock:
        folders, timer, _flusher = sorted(_pending), _flusher, None
    if timer is not None:
        # Its work is done here: left running, it would sync a later write's folder early
        # and keep a thread alive for up to FLUSH_DELAY (cancelling itself is harmless).
        timer.cancel()
    for folder in folders:
        try:
            fsync_folder(Path(folder))
        except OSError as error:  # a folder deleted meanwhile has nothing left to sync
            if error.errno != errno.ENOENT:
                logger.warning("Could not sync folder %s: %s", folder, error)


atexit.register(flush_deferred)
