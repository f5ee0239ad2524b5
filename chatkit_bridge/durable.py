"""Durable file primitives: atomic replacement and folder syncs that survive a crash."""

from __future__ import annotations

import errno
import os
import tempfile
from contextlib import suppress
from pathlib import Path


class StorageError(OSError):
    """A data file could not be read or written; the message names the file."""


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
