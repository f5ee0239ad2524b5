"""Keyset paging of threads and items in PostgreSQL, with ChatKit's exclusive `after` cursor."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from chatkit.types import Page
from psycopg import sql

Table = Literal["chatkit_threads", "chatkit_items"]
Fetch = Callable[..., Awaitable[list[tuple[Any, ...]]]]
"""Runs a query with positional parameters and returns its rows."""


async def load_page(
    fetch: Fetch,
    table: Table,
    key: str,
    thread_id: str | None,
    after: str | None,
    limit: int,
    order: str,
    column: str = "data",
) -> Page[Any]:
    """Return a page of `column` values ordered by (created_at, seq), after an exclusive id.

    With `column="xmin"`, each value is `(id, xmin)`: the row's id and version, for a caller
    that keeps rows it has already read.
    """
    scope = sql.SQL("user_key = %s" if thread_id is None else "user_key = %s AND thread_id = %s")
    scope_params = [key] if thread_id is None else [key, thread_id]
    name = sql.Identifier(table)
    position: list[Any] = []
    if after is not None:
        found = await fetch(
            sql.SQL("SELECT created_at, seq FROM {} WHERE {} AND id = %s").format(name, scope),
            *scope_params,
            after,
        )
        if not found:
            # An unknown cursor ends the listing rather than restarting it.
            return Page(data=[], has_more=False, after=None)
        position = list(found[0])
    descending = order == "desc"
    query = sql.SQL("SELECT id, {} FROM {} WHERE {}{} ORDER BY created_at {}, seq {} LIMIT %s")
    rows = await fetch(
        query.format(
            sql.SQL("xmin::text") if column == "xmin" else sql.Identifier(column),
            name,
            scope,
            sql.SQL(f" AND (created_at, seq) {'<' if descending else '>'} (%s, %s)")
            if position
            else sql.SQL(""),
            sql.SQL("DESC" if descending else "ASC"),
            sql.SQL("DESC" if descending else "ASC"),
        ),
        *scope_params,
        *position,
        max(limit, 1) + 1,
    )
    has_more = len(rows) > max(limit, 1)
    rows = rows[: max(limit, 1)]
    last = rows[-1][0] if has_more else None
    values = [tuple(row) for row in rows] if column == "xmin" else [value for _, value in rows]
    return Page(data=values, has_more=has_more, after=last)
