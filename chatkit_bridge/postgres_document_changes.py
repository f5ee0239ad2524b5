"""Changes of a PostgreSQL document that bring into this process only the records they take.

The document is one JSONB array per user and kind (`postgres_documents.py`). An append adds
to the array in SQL (`records || new`), knowing the count, the highest key and lookups by
value from queries; a bulk change selects the records its `Where` takes (the field and flag
conditions in SQL), edits them here and writes them back in one statement by their place
in the array; a change of one record sets that element. Each runs in the caller's
transaction, which holds the user's advisory lock. PostgreSQL still rewrites the row (a
JSONB value is stored whole): the work proportional to the list is the database's, not this
process's (whose GIL every other user waits on).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from psycopg import Connection, sql
from psycopg.types.json import Jsonb

from chatkit_bridge.document_order import Order, Record, Tail, Where
from chatkit_bridge.postgres_document_pages import FALSY, key_column
from chatkit_bridge.postgres_schema import jsonb_safe

T = TypeVar("T")
Conn = Connection[Any]
Pair = tuple[Record, Record | None]

_ELEMENTS = (
    "FROM chatkit_documents d, jsonb_array_elements(d.records) WITH ORDINALITY e(value, n)"
    " WHERE d.kind = %(kind)s AND d.user_key = %(key)s"
)


def _conditions(where: Where) -> tuple[sql.Composable, dict[str, Any]]:
    """Return the SQL for the field and flag conditions of `where` (its test runs here)."""
    parts: list[sql.Composable] = []
    params: dict[str, Any] = {}
    if where.values is not None:
        parts.append(sql.SQL("e.value -> %(field)s = ANY(%(values)s::jsonb[])"))
        params["field"] = where.field or ""
        params["values"] = [Jsonb(value) for value in where.values]
    if where.flag is not None:
        parts.append(sql.SQL("coalesce(e.value -> %(flag)s, 'null') NOT IN " + FALSY))
        params["flag"] = where.flag
    if where.text is not None and all(needle.isascii() for needle in where.text[1]):
        # A superset of the casefolded search run here afterwards: an ASCII-only text is
        # lowered the same in SQL (translate, whatever the database's locale); any text with
        # other characters (which casefold may turn into ASCII ones) is always fetched.
        parts.append(
            sql.SQL(
                "(translate(e.value ->> %(text_field)s, %(upper)s, %(lower)s) LIKE ANY(%(like)s)"
                " OR octet_length(e.value ->> %(text_field)s)"
                " <> char_length(e.value ->> %(text_field)s))"
            )
        )
        params["text_field"] = where.text[0]
        params["upper"], params["lower"] = string.ascii_uppercase, string.ascii_lowercase
        params["like"] = [f"%{_escape_like(needle)}%" for needle in where.text[1]]
    condition = sql.SQL(" AND ").join(parts) if parts else sql.SQL("TRUE")
    return condition, params


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def taken(conn: Conn, kind: str, key: str, where: Where) -> list[tuple[int, Record]]:
    """Return (place in the array, from 1; record) of every record `where` takes.

    Its field, flag and (ASCII) text conditions filter in SQL; the rest runs here.
    """
    condition, params = _conditions(where)
    query = sql.SQL("SELECT e.n, e.value " + _ELEMENTS + " AND {} ORDER BY e.n").format(condition)
    rows = conn.execute(query, {"kind": kind, "key": key, **params}).fetchall()
    test = where.predicate()
    return [(int(n), value) for n, value in rows if test(value)]


def update_where(
    conn: Conn, kind: str, key: str, where: Where, edit: Callable[[Record], Record | None]
) -> tuple[list[Pair], bool]:
    """Edit the records `where` takes and write the changed ones back in one statement."""
    pairs: list[Pair] = []
    removed: list[int] = []
    replaced: dict[str, Any] = {}
    for n, record in taken(conn, kind, key, where):
        after = edit(dict(record))
        pairs.append((record, after))
        if after is None:
            removed.append(n)
        elif after != record:
            replaced[str(n)] = jsonb_safe(after)
    if not removed and not replaced:
        return pairs, False
    conn.execute(
        "UPDATE chatkit_documents SET records = ("
        " SELECT coalesce(jsonb_agg(coalesce(c.value, e.value) ORDER BY e.n), '[]'::jsonb)"
        " FROM jsonb_array_elements(records) WITH ORDINALITY e(value, n)"
        " LEFT JOIN jsonb_each(%(replaced)s) c ON c.key::bigint = e.n"
        # A join, not `<> ALL(array)`: that compares each element with every removed place
        # (delete all of 10,000: 100 million comparisons, 2.5 s).
        " LEFT JOIN unnest(%(removed)s::bigint[]) r(n) ON r.n = e.n"
        " WHERE r.n IS NULL)"
        " WHERE kind = %(kind)s AND user_key = %(key)s",
        {"kind": kind, "key": key, "replaced": Jsonb(replaced), "removed": removed},
    )
    return pairs, True


def update_one(
    conn: Conn, kind: str, key: str, field: str, value: Any, edit: Callable[[Record | None], T]
) -> tuple[T, bool]:
    """Edit the first record whose `field` equals `value` and set just that element."""
    row = conn.execute(
        "SELECT e.n, e.value " + _ELEMENTS + " AND e.value -> %(field)s = %(value)s"
        " ORDER BY e.n LIMIT 1",
        {"kind": kind, "key": key, "field": field, "value": Jsonb(value)},
    ).fetchone()
    if row is None:
        return edit(None), False
    record = dict(row[1])
    result = edit(record)
    if record == row[1]:
        return result, False
    conn.execute(
        "UPDATE chatkit_documents SET records = jsonb_set(records, ARRAY[%(place)s::text], %(new)s)"
        " WHERE kind = %(kind)s AND user_key = %(key)s",
        {"kind": kind, "key": key, "place": int(row[0]) - 1, "new": Jsonb(jsonb_safe(record))},
    )
    return result, True


def highest(conn: Conn, kind: str, key: str, order: Order) -> Record | None:
    """Return the record with the highest key in `order` (None: no records)."""
    descending = sql.SQL(", ").join(
        sql.SQL("{} DESC").format(key_column(name, default, "e.value"))
        for name, default in zip(order.by, order.defaults, strict=True)
    )
    query = sql.SQL("SELECT e.value " + _ELEMENTS + " ORDER BY {} LIMIT 1").format(descending)
    row = conn.execute(query, {"kind": kind, "key": key}).fetchone()
    return None if row is None else dict(row[0])


def append(
    conn: Conn,
    kind: str,
    key: str,
    order: Order,
    make: Callable[[Tail], tuple[T, list[Record]]],
) -> tuple[T, bool]:
    """Add the records `make` returns at the end of the array, reading only what it asks."""
    row = conn.execute(
        "SELECT jsonb_array_length(records) FROM chatkit_documents"
        " WHERE kind = %s AND user_key = %s",
        (kind, key),
    ).fetchone()
    total = int(row[0]) if row is not None else 0
    last = highest(conn, kind, key, order) if total else None

    def having(field: str, values: Collection[Any]) -> list[Record]:
        where = Where(field=field, values=list(values))
        return [dict(record) for _, record in taken(conn, kind, key, where)]

    high = order.key(last) if last is not None else None
    result, new = make(Tail(total=total, high=high, having=having))
    if not new:
        return result, False
    conn.execute(
        "INSERT INTO chatkit_documents (kind, user_key, records) VALUES (%s, %s, %s)"
        " ON CONFLICT (kind, user_key) DO UPDATE"
        " SET records = chatkit_documents.records || EXCLUDED.records",
        (kind, key, Jsonb(jsonb_safe(new))),
    )
    return result, True
