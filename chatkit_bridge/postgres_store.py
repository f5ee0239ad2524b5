"""A ChatKit store in PostgreSQL: threads, items and attachment metadata as JSONB rows.

Same contract as `TinyDBStore`: threads and items sort by `created_at` with insertion order
(an identity column) breaking ties, `after` is an exclusive id cursor, another user's ids are
simply not found, `add_thread_item` never overwrites, `save_item` keeps an item's place.
The pool opens on first use, so the store can be built before the event loop runs.
Threads and attachments live here; items in `postgres_item_rows`.
"""

from __future__ import annotations

import re

from chatkit.store import NotFoundError, Store
from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata, UserMessageItem
from psycopg.types.json import Jsonb
from pydantic import TypeAdapter

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import user_key
from chatkit_bridge.postgres_item_rows import ItemRows, utc
from chatkit_bridge.postgres_paging import load_page
from chatkit_bridge.postgres_pool import LazyPool
from chatkit_bridge.postgres_schema import jsonb_safe, model_jsonb
from chatkit_bridge.store import (
    DEFAULT_MAX_ITEMS,
    DEFAULT_MAX_THREADS,
    TURN_ALLOWANCE,
    LimitError,
    TinyDBStore,
    item_limit_reached,
    thread_limit_reached,
)

_ATTACHMENT = TypeAdapter(Attachment)
SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")  # the ids TinyDBStore accepts, for one contract


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
        self._db = LazyPool(dsn, max_connections)
        self._items = ItemRows(self._db)

    async def close(self) -> None:
        """Close the pool (the store reopens it on next use)."""
        await self._db.close()

    def _key(self, context: RequestContext) -> str:
        """Return the key the caller's rows are stored under (the TinyDB folder name too)."""
        return user_key(context.user_id)

    async def check_room(self, thread_id: str | None, context: RequestContext) -> None:
        """Raise LimitError if a new thread (None) or a new message in a thread is refused.

        Raise NotFoundError if `thread_id` is not one of the user's threads.
        """
        key = self._key(context)
        if thread_id is None:
            rows = await self._db.fetch(
                "SELECT count(*) FROM chatkit_threads WHERE user_key = %s", key
            )
            reason = thread_limit_reached(rows[0][0], self.max_threads)
        else:
            rows = await self._db.fetch(
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
        rows = await self._db.fetch(
            "SELECT data::text FROM chatkit_threads WHERE user_key = %s AND id = %s",
            self._key(context),
            thread_id,
        )
        if not rows:
            raise NotFoundError(f"Thread {thread_id} not found")
        # JSON text straight into pydantic: no Python dicts parsed first.
        return ThreadMetadata.model_validate_json(rows[0][0])

    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        """Create or update a thread's metadata (a full `Thread` loses its items)."""
        if not SAFE_ID.fullmatch(thread.id):
            raise ValueError(f"Thread id {thread.id!r} may only contain letters, digits, _ and -")
        data, _ = model_jsonb(thread, exclude={"items"})
        key = self._key(context)
        # Most saves change a thread that exists (title, status): one statement, no limit to check.
        updated = await self._db.fetch(
            "UPDATE chatkit_threads SET created_at = %s, data = %s"
            " WHERE user_key = %s AND id = %s RETURNING 1",
            *(utc(thread.created_at), data, key, thread.id),
        )
        if updated:
            return
        async with self._db.connection() as conn, conn.transaction():
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
                (key, thread.id, utc(thread.created_at), data),
            )

    async def load_threads(
        self, limit: int, after: str | None, order: str, context: RequestContext
    ) -> Page[ThreadMetadata]:
        """Load a page of the user's threads sorted by creation time."""
        rows = await load_page(
            self._db.fetch,
            "chatkit_threads",
            self._key(context),
            None,
            after,
            limit,
            order,
            "data::text",
        )
        threads = [ThreadMetadata.model_validate_json(text) for _, text in rows.data]
        return Page(data=threads, has_more=rows.has_more, after=rows.after)

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        """Delete a thread with its items (cascade) and its attachments' metadata."""
        key = self._key(context)
        await self._db.fetch(_DELETE_THREAD, key, thread_id, key, thread_id)

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
        return await self._items.page(self._key(context), thread_id, after, limit, order)

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        """Insert a new item; the very same item again is a no-op, a different one raises.

        A full thread refuses a new user message (LimitError); a turn under way may finish.
        """
        room = self.max_items + (0 if isinstance(item, UserMessageItem) else TURN_ALLOWANCE)
        await self._items.add(self._key(context), thread_id, item, room, self.max_items)

    async def save_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        """Insert an item or replace the one with the same id, keeping its place."""
        await self._items.save(self._key(context), thread_id, item)

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        """Load one item of a thread by id."""
        return await self._items.load(self._key(context), thread_id, item_id)

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        """Delete one item of a thread; a missing item is not an error."""
        await self._items.delete(self._key(context), thread_id, item_id)

    # -- attachments ------------------------------------------------------

    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        """Create or update attachment metadata."""
        data = jsonb_safe(attachment.model_dump(mode="json"))
        await self._db.fetch(
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
        rows = await self._db.fetch(
            "SELECT data FROM chatkit_attachments WHERE user_key = %s AND id = %s",
            self._key(context),
            attachment_id,
        )
        if not rows:
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return _ATTACHMENT.validate_python(rows[0][0])

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        """Delete attachment metadata by id; a missing one is not an error."""
        await self._db.fetch(
            "DELETE FROM chatkit_attachments WHERE user_key = %s AND id = %s",
            self._key(context),
            attachment_id,
        )


# A thread and its attachments' metadata go in one statement (its items follow by cascade).
_DELETE_THREAD = """
WITH attachments AS (
    DELETE FROM chatkit_attachments WHERE user_key = %s AND thread_id = %s
)
DELETE FROM chatkit_threads WHERE user_key = %s AND id = %s
"""

__all__ = ["PostgresStore"]
