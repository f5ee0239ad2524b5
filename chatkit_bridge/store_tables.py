"""Helpers for the small TinyDB tables of a user's `threads.json`: threads and attachments."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    return table.get(lambda doc: doc.get("id") == doc_id)


def _replace_with(new: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def transform(doc: dict[str, Any]) -> None:
        # TinyDB's own update merges fields; a saved item must lose removed ones.
        doc.clear()
        doc.update(new)

    return transform


def upsert(table: Table, new: dict[str, Any]) -> None:
    existing = find(table, new["id"])
    if existing is None:
        table.insert(new)
        return
    if isinstance(table.storage, LoggedJSONStorage):
        table.storage.changing(table.name, str(existing.doc_id))  # changed in place below
    table.update(_replace_with(new), doc_ids=[existing.doc_id])
