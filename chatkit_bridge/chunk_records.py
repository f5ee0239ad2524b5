"""A chunk file's records in TinyDB document id order, parsed once per version of the file.

`JsonFiles` keeps each file's parsed table; sorting it into the document's order (and joining
its texts for a description search, `document_text.py`) is kept beside that parsed version,
so an operation reading a chunk several times sorts it once, and a change of the file (a new
version) makes it again.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from chatkit_bridge.document_text import Text, joined
from chatkit_bridge.jsonfiles import JsonFiles
from chatkit_bridge.setaside import Check

Record = dict[str, Any]

_ordered: weakref.WeakKeyDictionary[Storage, tuple[int, list[Record], dict[str, Text]]] = (
    weakref.WeakKeyDictionary()
)
_ordered_lock = threading.Lock()


def records_in(files: JsonFiles, path: Path, kind: str, check: Check) -> list[Record]:
    """Return the records of table `kind` in a chunk file, in order (cached: do not change them).

    :param files: the shared file registry (parsed copies, revalidated on each read).
    :param check: validates records on load; failing ones are set aside per file.
    """
    storage = files.open(path, check).storage
    data = storage.read() or {}
    version = getattr(storage, "version", None)
    with _ordered_lock:
        cached = _ordered.get(storage)
    if cached is not None and version is not None and cached[0] == version:
        return cached[1]
    table = data.get(kind, {})
    # Keys are TinyDB document ids; the document's order is theirs, as in TinyDB.
    records = [table[key] for key in sorted(table, key=_doc_id)]
    if version is not None:
        with _ordered_lock:
            _ordered[storage] = (version, records, {})
    return records


def text_in(
    files: JsonFiles, path: Path, kind: str, check: Check, field: str
) -> tuple[list[Record], Text]:
    """Return a chunk's records (as `records_in`) and their `field` texts joined.

    Kept with the parsed records of that file version, so a search of a long list joins
    each chunk's texts once, not on every search.
    """
    records = records_in(files, path, kind, check)
    storage = files.open(path, check).storage
    with _ordered_lock:
        cached = _ordered.get(storage)
    texts = cached[2] if cached is not None and cached[1] is records else {}
    text = texts.get(field)
    if text is None:
        text = texts[field] = joined(records, field)
    return records, text


def _doc_id(key: str) -> int:
    return int(key) if key.isdigit() else 0
