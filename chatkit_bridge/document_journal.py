"""The journal of a change that spans several chunk files: written whole before any of them.

`<kind>/journal.json` holds the change (`{"write": {name: records}, "delete": [names]}`;
names are relative to the chunk folder, `../<kind>.json` the older one-file layout). It is
written atomically and durably before the first file of the change, and removed once every
file is on disk, so a change found in it on the next access (a crash in between) is applied
again: readers never see half a change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from chatkit_bridge.durable import StorageError, atomic_write_text

JOURNAL = "journal.json"

Change = dict[str, Any]


def pending(folder: Path) -> bool:
    """Tell whether a chunk folder holds a change not yet wholly applied."""
    return os.path.lexists(folder / JOURNAL)


def write_journal(folder: Path, change: Change) -> None:
    """Put a change on disk (atomic, synced) before any of its files is written."""
    atomic_write_text(folder / JOURNAL, json.dumps(change, separators=(",", ":")))


def read_journal(folder: Path) -> Change:
    """Return the change a journal holds."""
    path = folder / JOURNAL
    try:
        change = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        # Written atomically, so it is whole; anything else is not ours to guess at.
        raise StorageError(f"Could not read the change journal {path}: {exc}") from exc
    return change


def end_journal(folder: Path) -> None:
    """Remove the journal of a change whose files are all on disk."""
    os.unlink(folder / JOURNAL)
