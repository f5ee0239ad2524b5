"""Which values of its tagged fields a chunk holds: short digests, in a file beside the chunk.

A lookup by a tagged field (a todo's id on every tick, edit and delete; a turn's origin on
a retried add) reads only the chunks whose digests note the value (`document_index.py`).
The digests of 200 ids take ~2 KB per chunk. They used to sit in `index.json`, which every
change rewrites: a tick of a 10,000-todo list wrote ~97 KiB of digests beside its 35 KiB
chunk. Each chunk's digests now live in `<kind>/000003.json.tags` (a line per tagged field),
written only when they change: an add or a delete, not a tick, a rename or a due date. The
index entry of a chunk names the hash of the digests it describes, so a tags file that does
not match (a crash between the two writes, another process, a hand edit) is not believed:
the summary is made again from the chunk. Like the index, tags files are hints, never synced.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

SUFFIX = ".tags"
_READ = 1 << 16
_MEMORY = 65_536
"""Tags files whose content this process knows (a path and a hash each)."""

_on_disk: OrderedDict[str, str] = OrderedDict()
"""Tags file -> hash of what it holds, as this process last read or wrote it."""
_lock = threading.Lock()


def digest(value: Any) -> str:
    """Return the short digest a summary notes for a tagged value (8 hex digits)."""
    if isinstance(value, str):
        raw = value
    elif value is None:
        raw = "null"  # most records lack a tagged field or hold null: no JSON encoder for them
    else:
        raw = json.dumps(value, sort_keys=True)
    return f"{zlib.crc32(raw.encode('utf-8', 'surrogatepass')):08x}"


def tags_of(records: Sequence[dict[str, Any]], fields: Sequence[str]) -> tuple[str, ...]:
    """Return, per field, the digests of the values the records hold (" d1 d2 ... ")."""
    return tuple(
        " " + "".join(f"{d} " for d in sorted({digest(record.get(name)) for record in records}))
        for name in fields
    )


def tags_path(folder: Path, chunk: Path) -> str:
    """Return the tags file of a chunk file, in the document's chunk folder.

    A plain string: a cold lookup in a 10,000-todo list reads fifty of them, and `Path`
    objects cost more than the reads.
    """
    return f"{folder}/{chunk.name}{SUFFIX}"


def tags_hash(tags: Sequence[str]) -> str:
    """Return the hash an index entry names for a chunk's tags (64 bits of BLAKE2b)."""
    return _hash(_text(tags).encode("ascii"))


def read_tags(path: str, expected: str, fields: int) -> tuple[str, ...] | None:
    """Return the tags a file holds if they are the ones hashed `expected`, else None.

    :param fields: how many tagged fields the order has (one line each).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        # One read: a regular file comes whole unless it is longer (ids of 200 todos: ~2 KB).
        raw = os.read(fd, _READ)
        if len(raw) == _READ:
            raw += b"".join(iter(functools.partial(os.read, fd, _READ), b""))
    except OSError:
        return None
    finally:
        os.close(fd)
    found = _hash(raw)
    _remember(path, found)
    if found != expected:
        return None
    tags = tuple(raw.decode("ascii", "replace").split("\n"))
    if len(tags) != fields or any(not tag.startswith(" ") or not tag.endswith(" ") for tag in tags):
        return None
    return tags


def write_tags(path: str, tags: Sequence[str], wanted: str) -> str | None:
    """Make a tags file hold `tags` (written only when it holds others); return their hash.

    :param wanted: `tags_hash(tags)` (kept with the summary: every change names every
        chunk's hash in the index).
    :return: None when the file could not be written (logged; the index then names no
        tags for the chunk, so the next reader summarizes it from its records).
    """
    with _lock:
        if _on_disk.get(path) == wanted:
            return wanted
    if not write_hint(path, _text(tags)):
        forget(path)
        return None
    _remember(path, wanted)
    return wanted


def write_hint(path: str | Path, text: str) -> bool:
    """Replace a file that only saves work (an index, tags) atomically; return whether it was.

    No fsync: a lost or torn hint only costs reading the chunks again. A failure is logged.
    """
    folder, _, name = str(path).rpartition("/")
    tmp = f"{folder}/.{name}.{os.getpid()}-{threading.get_ident()}.tmp"
    try:
        # 0600 like every data file: the data folder holds one user's todos per folder.
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
        with os.fdopen(os.open(tmp, flags, 0o600), "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(tmp)
        logging.getLogger(__name__).warning("Could not write %s: %s", path, exc)
        return False
    return True


def drop_tags(path: str) -> None:
    """Remove the tags file of a chunk file that was removed."""
    forget(path)
    with suppress(OSError):  # a tags file left behind is never believed for a later chunk
        os.unlink(path)


def forget(path: str) -> None:
    """Forget what a tags file holds (it is written again on the next change)."""
    with _lock:
        _on_disk.pop(path, None)


def _text(tags: Sequence[str]) -> str:
    return "\n".join(tags)


def _hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def _remember(path: str, content_hash: str) -> None:
    with _lock:
        _on_disk[path] = content_hash
        _on_disk.move_to_end(path)
        while len(_on_disk) > _MEMORY:
            _on_disk.popitem(last=False)
