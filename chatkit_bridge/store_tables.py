"""Helpers for the small TinyDB tables of a user's `threads.json`: threads and attachments."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chatkit.types import Attachment, Page, ThreadMetadata
from pydantic import TypeAdapter
from tinydb.table import Document, Table

from chatkit_bridge.item_cache import created_at
from chatkit_bridge.json_log import LoggedJSONStorage

ATTACHMENT: TypeAdapter[Attachment] = TypeAdapter(Attachment)


def _sort_key(doc: Document) -> tuple[datetime, int]:
    return created_at(doc), doc.doc_id


def check_threads_file(table: str, record: dict[str, Any]) -> None:
    """Raise for a thread or attachment record the store could not serve."""
    if table == "threads":
        ThreadMetadata.model_validate(record)
        created_at(record)
    elif table == "attachments":
        ATTACHMENT.validate_python(record)


def page_of(docs: Iterable[Document], after: str | None, limit: int, order: str) -> Page[Any]:
    ordered = sorted(docs, key=_sort_key, reverse=order == "desc")
    start = 0
    if after is not None:
        ids = [doc["id"] for doc in ordered]
        if after not in ids:
            # An unknown cursor (e.g. its element was deleted) ends the listing
            # rather than restarting it and showing elements twice.
            return Page(data=[], has_more=False, after=None)
        start = ids.index(after) + 1
    limit = max(limit, 1)
    chosen = ordered[start : start + limit]
    has_more = start + limit < len(ordered)
    return Page(data=chosen, has_more=has_more, after=chosen[-1]["id"] if has_more else None)


def find(table: Table, doc_id: str) -> Document | None:
    """Return the document whose `id` is `doc_id`, or None."""
    # What TinyDB's `get` with a condition does, reading the table once, not twice: every
    # store call looks its thread up (a turn ~9 times).
    for key, doc in (table.storage.read() or {}).get(table.name, {}).items():
        if doc.get("id") == doc_id:
            return Document(doc, int(key))
    return None


def upsert(table: Table, new: dict[str, Any]) -> None:
    existing = find(table, new["id"])
    if existing is None:
        table.insert(new)
        return
    if isinstance(table.storage, LoggedJSONStorage):
        table.storage.changing(table.name, str(existing.doc_id))  # changed in place below
    # In place, as TinyDB's update does, without copying the table twice on the way; all of
    # it: TinyDB's update merges fields, and a saved record must lose removed ones.
    data = table.storage.read() or {}
    stored = data[table.name][str(existing.doc_id)]
    stored.clear()
    stored.update(new)
    table.storage.write(data)
