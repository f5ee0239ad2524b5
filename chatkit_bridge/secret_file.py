"""The session signing key kept in the data folder: created once, private, never half-written."""

import errno
import logging
import os
import secrets
import tempfile
from contextlib import suppress
from pathlib import Path

from chatkit_bridge.jsonfiles import fsync_folder

logger = logging.getLogger(__name__)

MIN_SECRET_LENGTH = 32
# Network file systems without hard links (SMB on Azure Files) answer with one of these.
NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS}


def read_or_create_secret(path: Path) -> str:
    """Return the secret kept at `path`, creating a fresh one if it is missing, empty or short."""
    kept = _read(path)
    if kept is not None and len(kept) >= MIN_SECRET_LENGTH:
        return kept
    if kept is not None:
        # An empty or short key (a crash of an older version mid-write, or a hand edit) would
        # make sessions forgeable; old sessions end either way, so start over with a strong one.
        logger.warning("the session key in the data folder was too short; made a new one")
    return _write_new(path, replace=kept is not None)


def _read(path: Path) -> str | None:
    """Read the kept secret, or None when there is no file."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None


def _write_new(path: Path, replace: bool) -> str:
    """Write a new secret atomically with mode 0600; if another process won the race, use its."""
    secret = secrets.token_urlsafe(MIN_SECRET_LENGTH)
    # mkstemp creates the file with mode 0600, so the key is never readable by others.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secret)
            handle.flush()
            os.fsync(handle.fileno())
        if replace or not _link_if_absent(tmp_name, path):
            os.replace(tmp_name, path)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(tmp_name)
    fsync_folder(path.parent)
    winner = _read(path)
    return winner if winner and len(winner) >= MIN_SECRET_LENGTH else secret


def _link_if_absent(tmp_name: str, path: Path) -> bool:
    """Publish the file only if none exists (two first starts keep one key); False: no links."""
    try:
        os.link(tmp_name, path)
    except FileExistsError:
        return True
    except OSError as error:
        if error.errno in NO_HARD_LINKS:
            return False
        raise
    return True
