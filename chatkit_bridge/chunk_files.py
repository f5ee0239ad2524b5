"""The numbered chunk files of a bounded store, listed the same way for every kind of data.

A thread's items (`thread_items.py`) and a user's documents (`document_chunks.py`) live in a
folder of files `000000.json`, `000001.json`, ..., possibly preceded by the one file an older
version wrote for the whole thing, read as chunk `LEGACY` (it comes first).
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict

from chatkit_bridge.durable import StorageError

LEGACY = -1
"""The chunk number of the older one-file layout's file; it sorts first."""
_CHUNK_NAME = re.compile(r"(\d{6})\.json")


def chunk_name(number: int) -> str:
    """Return the file name of chunk `number`."""
    return f"{number:06d}.json"


def is_chunk_name(name: str) -> bool:
    """Tell whether a file name is that of a numbered chunk."""
    return _CHUNK_NAME.fullmatch(name) is not None


def list_chunks(folder: str, legacy: str) -> list[tuple[int, str]]:
    """Return (number, path) of every chunk file in `folder`, `legacy` first if it exists.

    Paths are plain strings: a turn lists a thread's chunks dozens of times, and building
    `Path` objects cost more than the rest of a cached read.

    :param folder: the folder of numbered chunk files (missing: no numbered chunks).
    :param legacy: the one-file layout's file.
    """
    found: list[tuple[int, str]] = []
    if os.path.lexists(legacy):
        found.append((LEGACY, legacy))
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return found
    except OSError as exc:
        raise StorageError(f"Could not read {folder}: {exc.strerror or exc}") from exc
    numbered = [(int(m.group(1)), name) for name in names if (m := _CHUNK_NAME.fullmatch(name))]
    found.extend((number, f"{folder}/{name}") for number, name in sorted(numbered))
    return found


class ChunkListings:
    """The chunk files of folders as last listed, checked with two stats instead of a listing.

    Numbered chunks are only ever added after the newest one and removed all at once (a thread
    deleted or set aside), by this process or another. So while the one-file layout's file is
    there or not as before and no chunk follows the newest one listed, the listing holds (a
    turn looked at its thread's chunks ~7 times, a listing each). A chunk listed but gone since
    (moved aside as unreadable) reads as empty, as a new listing would have it.
    """

    def __init__(self, size: int = 2048) -> None:
        """Remember the listings of at most `size` folders."""
        self.size = size
        self._lock = threading.Lock()
        self._listed: OrderedDict[str, tuple[bool, list[tuple[int, str]]]] = OrderedDict()

    def list(self, folder: str, legacy: str) -> list[tuple[int, str]]:
        """Return `list_chunks(folder, legacy)`, from the last listing while it holds."""
        has_legacy = os.path.lexists(legacy)
        with self._lock:
            cached = self._listed.get(folder)
        if cached is not None and cached[0] == has_legacy:
            chunks = cached[1]
            following = chunks[-1][0] + 1 if chunks and chunks[-1][0] != LEGACY else 0
            if not os.path.lexists(f"{folder}/{chunk_name(following)}"):
                return list(chunks)
        listed = list_chunks(folder, legacy)
        with self._lock:
            self._listed[folder] = (any(n == LEGACY for n, _ in listed), listed)
            self._listed.move_to_end(folder)
            while len(self._listed) > self.size:
                self._listed.popitem(last=False)
        return list(listed)

    def forget(self, folder: str) -> None:
        """Forget a folder's listing (its files were removed or moved)."""
        with self._lock:
            self._listed.pop(folder, None)
