"""A thread's items as rows of `chatkit_items`: one statement per store call where possible.

Items read or written are kept as validated models per row version (`ItemModels`), and a page
query tells the database which versions this process already holds, so their JSON is neither
sent again nor validated, without a second round trip.
"""

from __future__ import annotations

from datetime import UTC, datetime

from chatkit.store import NotFoundError
from chatkit.types import Page, ThreadItem
from psycopg.errors import ForeignKeyViolation
from pydantic import TypeAdapter

from chatkit_bridge.postgres_items import ItemModels
from chatkit_bridge.postgres_paging import load_page
from chatkit_bridge.postgres_pool import LazyPool
from chatkit_bridge.postgres_schema import jsonb_safe, model_jsonb
from chatkit_bridge.store import DuplicateItemError, LimitError, item_limit_reached

_ITEM = TypeAdapter(ThreadItem)

# Rows whose version this process holds come without their JSON.
_PAGE_COLUMNS = (
    "xmin::text, CASE WHEN id || ':' || xmin::text = ANY(%s::text[]) THEN NULL ELSE data::text END"
)


def utc(moment: datetime) -> datetime:
    """Return an aware UTC time; naive times are local, as TinyDBStore reads them."""
    return moment.astimezone(UTC)


class ItemRows:
    """Read and write the items of users' threads; every call names the user's key."""

    def __init__(self, db: LazyPool) -> None:
        """Use the connections of `db`."""
        self.db = db
        self.models = ItemModels()

    async def page(
        self, key: str, thread_id: str, after: str | None, limit: int, order: str
    ) -> Page[ThreadItem]:
        """Return a page of a thread's items sorted by creation time."""
        known = self.models.versions(key, thread_id)
        rows = await load_page(
            self.db.fetch,
            "chatkit_items",
            key,
            thread_id,
            after,
            limit,
            order,
            _PAGE_COLUMNS,
            [known],
        )
        if not rows.data:
            await self.own_thread(key, thread_id)  # empty, or not the caller's thread?
        found: dict[str, ThreadItem | None] = {}
        for item_id, xmin, text in rows.data:
            if text is None:
                found[item_id] = self.models.get(key, thread_id, item_id, xmin)
            else:
                found[item_id] = self.models.put(key, thread_id, item_id, xmin, text)
        missing = [item_id for item_id, item in found.items() if item is None]
        if missing:  # forgotten since the query named them: read those again
            for item_id, xmin, text in await self.db.fetch(
                "SELECT id, xmin::text, data::text FROM chatkit_items"
                " WHERE user_key = %s AND thread_id = %s AND id = ANY(%s)",
                *(key, thread_id, missing),
            ):
                found[item_id] = self.models.put(key, thread_id, item_id, xmin, text)
        # A row deleted between the two reads is left out.
        items = [item for item in (found[row[0]] for row in rows.data) if item is not None]
        return Page(data=items, has_more=rows.has_more, after=rows.after)

    async def add(
        self, key: str, thread_id: str, item: ThreadItem, room: int, max_items: int
    ) -> None:
        """Insert a new item if the thread has room; the very same item again is a no-op."""
        data, exact = model_jsonb(item)
        params = {"key": key, "thread": thread_id, "id": item.id, "room": room}
        params |= {"created_at": utc(item.created_at), "data": data}
        owned, existing, count = True, None, 0
        try:
            async with self.db.connection() as conn:
                cursor = await conn.execute(_ADD_ITEM, params)
                owned, existing, count, version = await cursor.fetchone()  # type: ignore[misc]
                if version is not None:
                    if exact:  # what a read would return
                        self.models.keep(key, thread_id, item.id, version, item)
                    return
                if owned and existing is None and count < room:
                    # The same id went in at the same moment from elsewhere: compare with it.
                    cursor = await conn.execute(_ITEM_DATA, (key, thread_id, item.id))
                    existing = (await cursor.fetchone() or (None,))[0]
        except ForeignKeyViolation:
            owned = False  # the thread was deleted between the check and the insert
        if not owned:
            raise NotFoundError(f"Thread {thread_id} not found")
        if existing is not None:
            if existing != jsonb_safe(item.model_dump(mode="json")):
                raise DuplicateItemError(f"Item {item.id} already exists in thread {thread_id}")
            return
        if reason := item_limit_reached(count, room, max_items):
            raise LimitError(reason)
        raise DuplicateItemError(f"Item {item.id} changed in thread {thread_id} while being added")

    async def save(self, key: str, thread_id: str, item: ThreadItem) -> None:
        """Insert an item or replace the one with the same id, keeping its place."""
        data, exact = model_jsonb(item)
        try:
            row = (key, thread_id, item.id, utc(item.created_at), data)
            saved = await self.db.fetch(_SAVE_ITEM, *row, key, thread_id)
        except ForeignKeyViolation:
            saved = []  # the thread was deleted meanwhile
        if not saved:
            raise NotFoundError(f"Thread {thread_id} not found")
        if exact:
            self.models.keep(key, thread_id, item.id, saved[0][0], item)

    async def load(self, key: str, thread_id: str, item_id: str) -> ThreadItem:
        """Load one item of a thread by id."""
        rows = await self.db.fetch(_ITEM_DATA, key, thread_id, item_id)
        if not rows:
            raise NotFoundError(f"Item {item_id} not found")
        return _ITEM.validate_python(rows[0][0])

    async def delete(self, key: str, thread_id: str, item_id: str) -> None:
        """Delete one item of a thread; a missing item is not an error."""
        await self.db.fetch(
            "DELETE FROM chatkit_items WHERE user_key = %s AND thread_id = %s AND id = %s",
            *(key, thread_id, item_id),
        )

    async def own_thread(self, key: str, thread_id: str) -> None:
        """Raise NotFoundError unless the user has this thread."""
        rows = await self.db.fetch(
            "SELECT 1 FROM chatkit_threads WHERE user_key = %s AND id = %s", key, thread_id
        )
        if not rows:
            raise NotFoundError(f"Thread {thread_id} not found")


# An item's write needs its thread (the user's own: user_key is part of every key).
_ADD_ITEM = """
WITH state AS (
    SELECT
        EXISTS (SELECT 1 FROM chatkit_threads WHERE user_key = %(key)s AND id = %(thread)s)
            AS owned,
        (SELECT data FROM chatkit_items
            WHERE user_key = %(key)s AND thread_id = %(thread)s AND id = %(id)s) AS existing,
        (SELECT count(*) FROM chatkit_items WHERE user_key = %(key)s AND thread_id = %(thread)s)
            AS count
), inserted AS (
    INSERT INTO chatkit_items (user_key, thread_id, id, created_at, data)
    SELECT %(key)s, %(thread)s, %(id)s, %(created_at)s, %(data)s FROM state
    WHERE owned AND existing IS NULL AND count < %(room)s
    ON CONFLICT (user_key, thread_id, id) DO NOTHING
    RETURNING xmin::text AS version
)
SELECT owned, existing, count, (SELECT version FROM inserted) FROM state
"""
_ITEM_DATA = "SELECT data FROM chatkit_items WHERE user_key = %s AND thread_id = %s AND id = %s"
_SAVE_ITEM = (
    "INSERT INTO chatkit_items (user_key, thread_id, id, created_at, data)"
    " SELECT %s, %s, %s, %s, %s"
    " WHERE EXISTS (SELECT 1 FROM chatkit_threads WHERE user_key = %s AND id = %s)"
    " ON CONFLICT (user_key, thread_id, id) DO UPDATE"
    " SET created_at = EXCLUDED.created_at, data = EXCLUDED.data RETURNING xmin::text"
)

__all__ = ["ItemRows", "utc"]
