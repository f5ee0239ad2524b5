"""Keyset paging of threads and items in PostgreSQL, with ChatKit's exclusive `after` cursor."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal

from chatkit.types import Page
from psycopg import sql

Table = Literal["chatkit_threads", "chatkit_items"]
Fetch = Callable[..., Awaitable[list[tuple[Any, ...]]]]
"""Runs a query with positional parameters and returns its rows."""

DATA = sql.SQL("data")


async def load_page(
    fetch: Fetch,
    table: Table,
    key: str,
    thread_id: str | None,
    after: str | None,
    limit: int,
    order: str,
    columns: sql.Composable = DATA,
    column_params: Sequence[Any] = (),
) -> Page[tuple[Any, ...]]:
    """Return a page of rows `(id, *columns)` ordered by (created_at, seq), after an exclusive id.

    One statement: the cursor's position is a subquery, and an unknown cursor makes it NULL,
    which ends the listing rather than restarting it.

    :param columns: what to select after the id; may hold placeholders for `column_params`.
    """
    scope = sql.SQL("user_key = %s" if thread_id is None else "user_key = %s AND thread_id = %s")
    scope_params = [key] if thread_id is None else [key, thread_id]
    name = sql.Identifier(table)
    descending = order == "desc"
    direction = sql.SQL("DESC" if descending else "ASC")
    position = sql.SQL("")
    position_params: list[Any] = []
    if after is not None:
        position = sql.SQL(
            " AND (created_at, seq) {} (SELECT created_at, seq FROM {} WHERE {} AND id = %s)"
        ).format(sql.SQL("<" if descending else ">"), name, scope)
        position_params = [*scope_params, after]
    query = sql.SQL(
        "SELECT id, {} FROM {} WHERE {}{} ORDER BY created_at {}, seq {} LIMIT %s"
    ).format(columns, name, scope, position, direction, direction)
    rows = await fetch(query, *column_params, *scope_params, *position_params, max(limit, 1) + 1)
    has_more = len(rows) > max(limit, 1)
    rows = rows[: max(limit, 1)]
    return Page(
        data=[tuple(row) for row in rows],
        has_more=has_more,
        after=rows[-1][0] if has_more else None,
    )
