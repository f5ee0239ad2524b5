"""Per-user documents in PostgreSQL: one JSONB row per (kind, user), changes shared live.

The same `UserDocuments` contract as `TinyDBDocuments`: blocking calls, safe from any thread,
atomic read-modify-write (a transaction-scoped advisory lock per kind and user, so even a
user's first record cannot be written twice), listeners after every saved change, also for
changes another process made (LISTEN/NOTIFY through `postgres_changes`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from chatkit_bridge import postgres_document_changes as changes
from chatkit_bridge.document_bulk import Edit, Pair
from chatkit_bridge.document_order import DocumentPage, Key, Tail, Where
from chatkit_bridge.documents import Record, UserDocuments
from chatkit_bridge.jsonfiles import user_key
from chatkit_bridge.postgres_auth import Connection
from chatkit_bridge.postgres_changes import ChangeFeed, announce
from chatkit_bridge.postgres_document_pages import FIND, find_params, page_from_row, page_query
from chatkit_bridge.postgres_schema import ensure_schema_sync, jsonb_safe

T = TypeVar("T")

_pools: dict[str, ConnectionPool] = {}
_pools_lock = threading.Lock()


def shared_pool(dsn: str) -> ConnectionPool:
    """Return this process's blocking pool for a database, opened (and schema made) on first use."""
    with _pools_lock:
        pool = _pools.get(dsn)
        if pool is None:
            pool = ConnectionPool(
                dsn,
                min_size=1,
                max_size=8,
                open=False,
                connection_class=Connection,
                kwargs={"autocommit": True},  # reads need no transaction; changes open one
            )
            pool.open(wait=True, timeout=30)
            with pool.connection() as conn:
                ensure_schema_sync(conn)
            _pools[dsn] = pool
        return pool


class PostgresDocuments(UserDocuments):
    """Documents of one kind in the table `chatkit_documents`."""

    def __init__(self, dsn: str, kind: str) -> None:
        """Keep the documents of `kind` in the database at `dsn`; connects on first use.

        :param dsn: libpq connection string or `postgresql://` URL.
        :param kind: the name of the data (e.g. "todos").
        """
        super().__init__(kind)
        self.dsn = dsn
        self._topic = f"documents:{kind}"
        self._listening = False
        self._listening_lock = threading.Lock()

    def key(self, user_id: str) -> str:
        """Return the key the user's row is stored under (the TinyDB folder name too)."""
        return user_key(user_id)

    def read(self, user_id: str) -> list[Record]:
        """Return the user's records in stored order."""
        with shared_pool(self.dsn).connection() as conn:
            row = conn.execute(
                "SELECT records FROM chatkit_documents WHERE kind = %s AND user_key = %s",
                (self.kind, self.key(user_id)),
            ).fetchone()
        return list(row[0]) if row else []

    def page(self, user_id: str, limit: int, after: Key | None = None) -> DocumentPage:
        """Return one page, ordered, counted and sliced by the database."""
        order = self._ordered()
        params = {"kind": self.kind, "key": self.key(user_id), "limit": max(limit, 0)}
        with shared_pool(self.dsn).connection() as conn:
            row = conn.execute(page_query(order, after), params).fetchone()
        assert row is not None  # aggregates always answer one row
        return page_from_row(order, row)

    def find(self, user_id: str, field: str, value: Any) -> Record | None:
        """Return the first record whose `field` equals `value`, found by the database."""
        with shared_pool(self.dsn).connection() as conn:
            row = conn.execute(FIND, find_params(self.kind, self.key(user_id), field, value))
            found = row.fetchone()
        return None if found is None else dict(found[0])

    def select(self, user_id: str, where: Where) -> list[Record]:
        """Return the records `where` takes; its field and flag conditions filter in SQL."""
        with shared_pool(self.dsn).connection() as conn:
            return [
                record for _, record in changes.taken(conn, self.kind, self.key(user_id), where)
            ]

    def last(self, user_id: str) -> Record | None:
        """Return the record with the highest key, found by the database."""
        order = self._ordered()
        with shared_pool(self.dsn).connection() as conn:
            return changes.highest(conn, self.kind, self.key(user_id), order)

    def update_where(self, user_id: str, where: Where, edit: Edit) -> list[Pair]:
        """Change the records `where` takes in one transaction and one statement."""
        key = self.key(user_id)
        return self._locked(
            user_id, lambda conn: changes.update_where(conn, self.kind, key, where, edit)
        )

    def update_one(
        self, user_id: str, field: str, value: Any, edit: Callable[[Record | None], T]
    ) -> T:
        """Change the first record whose `field` equals `value`, setting only that element."""
        key = self.key(user_id)
        return self._locked(
            user_id, lambda conn: changes.update_one(conn, self.kind, key, field, value, edit)
        )

    def append(self, user_id: str, make: Callable[[Tail], tuple[T, list[Record]]]) -> T:
        """Append in SQL; the count, highest key and lookups come from queries."""
        order = self.order
        if order is None:
            return super().append(user_id, make)
        key = self.key(user_id)
        return self._locked(user_id, lambda conn: changes.append(conn, self.kind, key, order, make))

    def _locked(self, user_id: str, change: Callable[[changes.Conn], tuple[T, bool]]) -> T:
        """Run a change in a transaction holding the user's lock; note and announce it."""
        with self._transaction(user_id) as conn:
            result, changed = change(conn)
            if changed:
                announce(conn, self._topic, user_id)
        if changed:
            self.notify(user_id)
        return result

    @contextmanager
    def _transaction(self, user_id: str) -> Iterator[changes.Conn]:
        # Pipelined: BEGIN, the lock and the read go in one round trip, the write, its note and
        # COMMIT in another (six otherwise, each a wait for the GIL in this worker thread).
        pool = shared_pool(self.dsn)
        with pool.connection() as conn, conn.pipeline(), conn.transaction():
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                (f"{self.kind}:{self.key(user_id)}",),
            )
            yield conn

    def _change(self, user_id: str, change: Callable[[list[Record]], T]) -> tuple[T, bool]:
        with self._transaction(user_id) as conn:
            row = conn.execute(
                "SELECT records FROM chatkit_documents WHERE kind = %s AND user_key = %s",
                (self.kind, self.key(user_id)),
            ).fetchone()
            before: list[Record] = list(row[0]) if row else []
            records = [dict(record) for record in before]
            result = change(records)
            if records == before:
                return result, False
            conn.execute(
                "INSERT INTO chatkit_documents (kind, user_key, records) VALUES (%s, %s, %s)"
                " ON CONFLICT (kind, user_key) DO UPDATE SET records = EXCLUDED.records",
                (self.kind, self.key(user_id), Jsonb(jsonb_safe(records))),
            )
            announce(conn, self._topic, user_id)
            return result, True

    def subscribe(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Call `listener(user_id)` after every saved change, in this process or another."""
        with self._listening_lock:
            if not self._listening:
                ChangeFeed.for_dsn(self.dsn).subscribe(self._topic, self.notify)
                self._listening = True
        return super().subscribe(listener)


__all__ = ["PostgresDocuments", "shared_pool"]
