"""The chat store's asyncio connection pool: opened on first use, in the loop that uses it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from chatkit_bridge.postgres_auth import AsyncConnection
from chatkit_bridge.postgres_schema import ensure_schema


class LazyPool:
    """A pool of asyncio connections that opens (and makes the schema) on first use.

    So a store can be built before any event loop runs; a pool bound to a loop that is gone
    (tests, a restarted loop) is replaced by one for the running loop.
    """

    def __init__(self, dsn: str, max_size: int) -> None:
        """Connect to `dsn` with at most `max_size` connections, once first used."""
        self.dsn = dsn
        self.max_size = max_size
        self._pool: AsyncConnectionPool | None = None
        self._pool_loop: asyncio.AbstractEventLoop | None = None
        self._opening = asyncio.Lock()

    async def pool(self) -> AsyncConnectionPool:
        """Return the pool of the running loop, opening it if needed."""
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
                    max_size=self.max_size,
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

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """Lend a connection for several statements."""
        async with (await self.pool()).connection() as conn:
            yield conn

    async def fetch(self, query: str | sql.Composed, *args: Any) -> list[tuple[Any, ...]]:
        """Run one statement; return its rows (none for a statement without results)."""
        async with (await self.pool()).connection() as conn:
            cursor = await conn.execute(query, args)
            return await cursor.fetchall() if cursor.description else []

    async def close(self) -> None:
        """Close the pool (it reopens on next use)."""
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
