"""Keyset paging of threads and items in PostgreSQL, with ChatKit's exclusive `after` cursor."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache
from typing import Any, Literal

from chatkit.types import Page

Table = Literal["chatkit_threads", "chatkit_items"]
Fetch = Callable[..., Awaitable[list[tuple[Any, ...]]]]
"""Runs a query with positional parameters and returns its rows."""


@lru_cache(maxsize=64)
def page_query(table: Table, columns: str, by_thread: bool, after: bool, descending: bool) -> str:
    """Build (once) the page query of a table; only fixed names go into the text.

    An unknown cursor makes the position subquery NULL, which ends the listing rather than
    restarting it.
    """
    scope = "user_key = %s AND thread_id = %s" if by_thread else "user_key = %s"
    direction = "DESC" if descending else "ASC"
    position = ""
    if after:
        compare = "<" if descending else ">"
        position = (
            f" AND (created_at, seq) {compare}"
            f" (SELECT created_at, seq FROM {table} WHERE {scope} AND id = %s)"
        )
    return (
        f"SELECT id, {columns} FROM {table} WHERE {scope}{position}"
        f" ORDER BY created_at {direction}, seq {direction} LIMIT %s"
    )


async def load_page(
    fetch: Fetch,
    table: Table,
    key: str,
    thread_id: str | None,
    after: str | None,
    limit: int,
    order: str,
    columns: str = "data",
    column_params: Sequence[Any] = (),
) -> Page[tuple[Any, ...]]:
    """Return a page of rows `(id, *columns)` ordered by (created_at, seq), after an exclusive id.

    One statement, the cursor's position included.

    :param columns: fixed SQL text selected after the id; may hold placeholders for
        `column_params`.
    """
    scope_params = [key] if thread_id is None else [key, thread_id]
    position_params = [] if after is None else [*scope_params, after]
    query = page_query(table, columns, thread_id is not None, after is not None, order == "desc")
    size = max(limit, 1)
    rows = await fetch(query, *column_params, *scope_params, *position_params, size + 1)
    has_more = len(rows) > size
    rows = rows[:size]
    last = rows[-1][0] if has_more else None
    return Page(data=[tuple(row) for row in rows], has_more=has_more, after=last)
