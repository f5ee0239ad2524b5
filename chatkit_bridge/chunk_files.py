"""The numbered chunk files of a bounded store, listed the same way for every kind of data.

A thread's items (`thread_items.py`) and a user's documents (`document_chunks.py`) live in a
folder of files `000000.json`, `000001.json`, ..., possibly preceded by the one file an older
version wrote for the whole thing, read as chunk `LEGACY` (it comes first).
"""

from __future__ import annotations

import os
import re

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
