"""One chunk file of a thread's items: a JSON file with a log (`chatkit_bridge.json_log`).

A user's message is appended to the chunk's log (`000000.json.log`) and synced before the
model runs (in a worker thread). What the assistant writes (its answers, cards, notes) is
appended unsynced, on the event loop when nothing has to wait. The chunk file is replaced
whole only when a new chunk starts, a log grows past `json_log.LOG_BYTES`, or a record is
removed; that write takes the log in.
"""

from __future__ import annotations

from pathlib import Path

from chatkit_bridge.chunk_files import is_chunk_name
from chatkit_bridge.item_cache import ITEM, Record, created_at
from chatkit_bridge.json_log import LoggedJSONStorage
from chatkit_bridge.setaside import Check

TABLE = "items"


def check_item(table: str, record: Record) -> None:
    """Raise for an item record the store could not serve (set aside on load)."""
    if table == TABLE:
        ITEM.validate_python(record)
        created_at(record)


class ChunkStorage(LoggedJSONStorage):
    """A chunk file; numbered chunks have a log, the older one-file layout's file has none."""

    def __init__(self, path: str | Path, check: Check | None = None) -> None:
        """Remember the file (as `LoggedJSONStorage`)."""
        super().__init__(path, check)
        if not is_chunk_name(self.path.name):
            self.log = None  # it lies beside other threads' files, not in its own folder
