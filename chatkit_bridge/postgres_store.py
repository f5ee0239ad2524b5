"""A ChatKit store in PostgreSQL: threads, items and attachment metadata as JSONB rows.

Same contract as `TinyDBStore`: threads and items sort by `created_at` with insertion order
(an identity column) breaking ties, `after` is an exclusive id cursor, another user's ids are
simply not found, `add_thread_item` never overwrites, `save_item` keeps an item's place.
The pool opens on first use, so the store can be built before the event loop runs.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

from chatkit.store import NotFoundError, Store
from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata, UserMessageItem
from psycopg import sql
from psycopg.errors import ForeignKeyViolation
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool
from pydantic import TypeAdapter

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import user_key
from chatkit_bridge.postgres_auth import AsyncConnection
from chatkit_bridge.postgres_items import ItemModels
from chatkit_bridge.postgres_paging import load_page
from chatkit_bridge.postgres_schema import ensure_schema, jsonb_safe
from chatkit_bridge.store import (
    DEFAULT_MAX_ITEMS,
    DEFAULT_MAX_THREADS,
    TURN_ALLOWANCE,
    DuplicateItemError,
    LimitError,
    TinyDBStore,
    item_limit_reached,
    thread_limit_reached,
)

_ITEM = TypeAdapter(ThreadItem)
_ATTACHMENT = TypeAdapter(Attachment)
SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")  # the ids TinyDBStore accepts, for one contract


def _utc(moment: datetime) -> datetime:
    # Naive times come from datetime.now(): read them as local time, as TinyDBStore does.
    return moment.astimezone(UTC)


class PostgresStore(Store[RequestContext]):
    """Persist ChatKit threads, items and attachment metadata in PostgreSQL."""

    generate_thread_id = TinyDBStore.generate_thread_id
    generate_item_id = TinyDBStore.generate_item_id

    def __init__(
        self,
        dsn: str,
        *,
        max_connections: int = 10,
        max_threads: int = DEFAULT_MAX_THREADS,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> None:
        """Use the database at `dsn` (a `postgresql://` URL); nothing connects until first use.

        :param dsn: libpq connection string or URL.
        :param max_connections: size of the connection pool.
        :param max_threads: threads one user may keep (MAX_THREADS_PER_USER).
        :param max_items: items one thread may hold (MAX_ITEMS_PER_THREAD).
        """
        self.dsn = dsn
        self.max_threads = max_threads
        self.max_items = max_items
        self._max = max_connections
        self._models = ItemModels()
        self._pool: AsyncConnectionPool | None = None
        self._pool_loop: asyncio.AbstractEventLoop | None = None
        self._opening = asyncio.Lock()

    async def _connection(self) -> AsyncConnectionPool:
        loop = asyncio.get_running_loop()
        if self._pool is not None and self._pool_loop is loop:
            return self._pool
        if self._opening._loop is not None and self._opening._loop is not loop:  # type: ignore[attr-defined]
            self._opening = asyncio.Lock()  # a lock bound to a loop that is gone
        async with self._opening:
            if self._pool is None or self._pool_loop is not loop:
                pool = AsyncConnectionPool(
                    self.dsn,
                    min_size=1,
                    max_size=self._max,
                    open=False,
                    connection_class=AsyncConnection,
                    # Single statements need no BEGIN/COMMIT round trips; writes of several
                    # statements open a transaction themselves.
                    kwargs={"autocommit": True},
                )
                await pool.open(wait=True, timeout=30)
                async with pool.connection() as conn:
                    await ensure_schema(conn)
                self._pool, self._pool_loop = pool, loop
        return self._pool

    async def close(self) -> None:
        """Close the pool (the store reopens it on next use)."""
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def _fetch(self, query: str | sql.Composed, *args: Any) -> list[tuple[Any, ...]]:
        pool = await self._connection()
        async with pool.connection() as conn:
            cursor = await conn.execute(query, args)
            return await cursor.fetchall() if cursor.description else []

    def _key(self, context: RequestContext) -> str:
        """Return the key the caller's rows are stored under (the TinyDB folder name too)."""
        return user_key(context.user_id)

    async def check_room(self, thread_id: str | None, context: RequestContext) -> None:
        """Raise LimitError if a new thread (None) or a new message in a thread is refused."""
        if thread_id is None:
            rows = await self._fetch(
                "SELECT count(*) FROM chatkit_threads WHERE user_key = %s", self._key(context)
            )
            reason = thread_limit_reached(rows[0][0], self.max_threads)
        else:
            key = self._key(context)
            rows = await self._fetch(
                "SELECT EXISTS (SELECT 1 FROM chatkit_threads WHERE user_key = %s AND id = %s),"
                " (SELECT count(*) FROM chatkit_items WHERE user_key = %s AND thread_id = %s)",
                *(key, thread_id, key, thread_id),
            )
            owned, count = rows[0]
            if not owned:
                raise NotFoundError(f"Thread {thread_id} not found")
            reason = item_limit_reached(count, self.max_items, self.max_items)
        if reason is not None:
            raise LimitError(reason)

    # -- threads ----------------------------------------------------------

    async def load_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
        """Load a thread's metadata by id."""
        rows = await self._fetch(
            "SELECT data FROM chatkit_threads WHERE user_key = %s AND id = %s",
            self._key(context),
            thread_id,
        )
        if not rows:
            raise NotFoundError(f"Thread {thread_id} not found")
        return ThreadMetadata.model_validate(rows[0][0])

    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        """Create or update a thread's metadata (a full `Thread` loses its items)."""
        if not SAFE_ID.fullmatch(thread.id):
            raise ValueError(f"Thread id {thread.id!r} may only contain letters, digits, _ and -")
        data = jsonb_safe(thread.model_dump(mode="json", exclude={"items"}))
        key = self._key(context)
        # Most saves change a thread that exists (title, status): one statement, no limit to check.
        updated = await self._fetch(
            "UPDATE chatkit_threads SET created_at = %s, data = %s"
            " WHERE user_key = %s AND id = %s RETURNING 1",
            *(_utc(thread.created_at), Jsonb(data), key, thread.id),
        )
        if updated:
            return
        pool = await self._connection()
        async with pool.connection() as conn, conn.transaction():
            # One user's thread creations in turn, so two at once cannot pass the limit together.
            await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 1))", (key,))
            cursor = await conn.execute(
                "SELECT (SELECT count(*) FROM chatkit_threads WHERE user_key = %s),"
                " EXISTS (SELECT 1 FROM chatkit_threads WHERE user_key = %s AND id = %s)",
                (key, key, thread.id),
            )
            count, exists = await cursor.fetchone()  # type: ignore[misc]
            if not exists and (reason := thread_limit_reached(count, self.max_threads)):
                raise LimitError(reason)
            await conn.execute(
                "INSERT INTO chatkit_threads (user_key, id, created_at, data)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT (user_key, id) DO UPDATE"
                " SET created_at = EXCLUDED.created_at, data = EXCLUDED.data",
                (key, thread.id, _utc(thread.created_at), Jsonb(data)),
            )

    async def load_threads(
        self, limit: int, after: str | None, order: str, context: RequestContext
    ) -> Page[ThreadMetadata]:
        """Load a page of the user's threads sorted by creation time."""
        page = await load_page(
            self._fetch, "chatkit_threads", self._key(context), None, after, limit, order
        )
        page.data = [ThreadMetadata.model_validate(data) for data in page.data]
        return page

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        """Delete a thread with its items (cascade) and its attachments' metadata."""
        pool = await self._connection()
        async with pool.connection() as conn, conn.transaction():
            await conn.execute(
                "DELETE FROM chatkit_threads WHERE user_key = %s AND id = %s",
                (self._key(context), thread_id),
            )
            await conn.execute(
                "DELETE FROM chatkit_attachments WHERE user_key = %s AND thread_id = %s",
                (self._key(context), thread_id),
            )

    # -- items ------------------------------------------------------------

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: str,
        context: RequestContext,
    ) -> Page[ThreadItem]:
        """Load a page of a thread's items sorted by creation time."""
        key = self._key(context)
        page = await load_page(
            self._fetch, "chatkit_items", key, thread_id, after, limit, order, "xmin"
        )
        if not page.data:
            await self._own_thread(thread_id, context)  # empty, or not the caller's thread?
        page.data = await self._items_at(key, thread_id, page.data)
        return page

    async def _items_at(
        self, key: str, thread_id: str, versions: list[tuple[str, str]]
    ) -> list[ThreadItem]:
        """Return the items (id, row version) in order: cached models, the rest read and kept."""
        models = self._models
        found = {item_id: models.get(key, thread_id, item_id, xmin) for item_id, xmin in versions}
        missing = [item_id for item_id, item in found.items() if item is None]
        if missing:
            rows = await self._fetch(
                "SELECT id, xmin::text, data::text FROM chatkit_items"
                " WHERE user_key = %s AND thread_id = %s AND id = ANY(%s)",
                *(key, thread_id, missing),
            )
            for item_id, xmin, text in rows:
                found[item_id] = self._models.put(key, thread_id, item_id, xmin, text)
        # A row changed between the two reads is served in the version read second.
        return [item for item in (found[item_id] for item_id, _ in versions) if item is not None]

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        """Insert a new item; the very same item again is a no-op, a different one raises.

        A full thread refuses a new user message (LimitError); a turn under way may finish.
        """
        data = jsonb_safe(item.model_dump(mode="json"))
        room = self.max_items + (0 if isinstance(item, UserMessageItem) else TURN_ALLOWANCE)
        key = self._key(context)
        params = {"key": key, "thread": thread_id, "id": item.id, "room": room}
        params |= {"created_at": _utc(item.created_at), "data": Jsonb(data)}
        pool = await self._connection()
        owned, existing, count = True, None, 0
        try:
            async with pool.connection() as conn:
                cursor = await conn.execute(_ADD_ITEM, params)
                owned, existing, count, inserted = await cursor.fetchone()  # type: ignore[misc]
                if inserted:
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
            if existing != data:
                raise DuplicateItemError(f"Item {item.id} already exists in thread {thread_id}")
            return
        if reason := item_limit_reached(count, room, self.max_items):
            raise LimitError(reason)
        raise DuplicateItemError(f"Item {item.id} changed in thread {thread_id} while being added")

    async def save_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        """Insert an item or replace the one with the same id, keeping its place."""
        data = jsonb_safe(item.model_dump(mode="json"))
        key = self._key(context)
        try:
            row = (key, thread_id, item.id, _utc(item.created_at), Jsonb(data))
            saved = await self._fetch(_SAVE_ITEM, *row, key, thread_id)
        except ForeignKeyViolation:
            saved = []  # the thread was deleted meanwhile
        if not saved:
            raise NotFoundError(f"Thread {thread_id} not found")

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        """Load one item of a thread by id."""
        rows = await self._fetch(
            "SELECT data FROM chatkit_items WHERE user_key = %s AND thread_id = %s AND id = %s",
            self._key(context),
            thread_id,
            item_id,
        )
        if not rows:
            raise NotFoundError(f"Item {item_id} not found")
        return _ITEM.validate_python(rows[0][0])

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        """Delete one item of a thread; a missing item is not an error."""
        await self._fetch(
            "DELETE FROM chatkit_items WHERE user_key = %s AND thread_id = %s AND id = %s",
            self._key(context),
            thread_id,
            item_id,
        )

    # -- attachments ------------------------------------------------------

    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        """Create or update attachment metadata."""
        data = jsonb_safe(attachment.model_dump(mode="json"))
        await self._fetch(
            "INSERT INTO chatkit_attachments (user_key, id, thread_id, data)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (user_key, id) DO UPDATE"
            " SET thread_id = EXCLUDED.thread_id, data = EXCLUDED.data",
            self._key(context),
            attachment.id,
            getattr(attachment, "thread_id", None),
            Jsonb(data),
        )

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        """Load attachment metadata by id."""
        rows = await self._fetch(
            "SELECT data FROM chatkit_attachments WHERE user_key = %s AND id = %s",
            self._key(context),
            attachment_id,
        )
        if not rows:
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return _ATTACHMENT.validate_python(rows[0][0])

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        """Delete attachment metadata by id; a missing one is not an error."""
        await self._fetch(
            "DELETE FROM chatkit_attachments WHERE user_key = %s AND id = %s",
            self._key(context),
            attachment_id,
        )

    # -- plumbing ---------------------------------------------------------

    async def _own_thread(self, thread_id: str, context: RequestContext) -> None:
        rows = await self._fetch(
            "SELECT 1 FROM chatkit_threads WHERE user_key = %s AND id = %s",
            self._key(context),
            thread_id,
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
    RETURNING 1
)
SELECT owned, existing, count, EXISTS (SELECT 1 FROM inserted) FROM state
"""
_ITEM_DATA = "SELECT data FROM chatkit_items WHERE user_key = %s AND thread_id = %s AND id = %s"
_SAVE_ITEM = (
    "INSERT INTO chatkit_items (user_key, thread_id, id, created_at, data)"
    " SELECT %s, %s, %s, %s, %s"
    " WHERE EXISTS (SELECT 1 FROM chatkit_threads WHERE user_key = %s AND id = %s)"
    " ON CONFLICT (user_key, thread_id, id) DO UPDATE"
    " SET created_at = EXCLUDED.created_at, data = EXCLUDED.data RETURNING 1"
)


__all__ = ["PostgresStore"]
