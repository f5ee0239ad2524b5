"""One page of a user's document in PostgreSQL: ordered, counted and sliced by the database.

The document is one JSONB array per user and kind (`postgres_documents.py`); a page lets the
database expand, order and slice it, so this process receives the page and the counts, not
the whole list (the GIL it would hold for 10,000 records is every other user's wait).
"""

from __future__ import annotations

from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from chatkit_bridge.document_order import DocumentPage, Key, Order, Record

# JSON values that are false in Python (`bool(record.get(name))`), as JSONB.
FALSY = "('false', 'null', '0', '\"\"', '[]', '{}')"


def key_column(name: str, default: Any, record: str = "value") -> sql.Composable:
    """Return the SQL value of one order field, ordered as Python orders the field's type.

    :param record: the SQL expression of the JSONB record.
    """
    field, value = sql.Literal(name), sql.SQL(record)
    if isinstance(default, bool):
        return sql.SQL("coalesce(({}->>{})::boolean, {})").format(
            value, field, sql.Literal(default)
        )
    if isinstance(default, int | float):
        return sql.SQL("coalesce(({}->>{})::numeric, {})").format(
            value, field, sql.Literal(default)
        )
    # Code-point order, as Python compares strings (UTF-8 bytes sort the same way).
    return sql.SQL('coalesce({}->>{}, {}) COLLATE "C"').format(value, field, sql.Literal(default))


def page_query(order: Order, after: Key | None) -> sql.Composed:
    """Return the statement answering (total, counts..., start, page records as JSON)."""
    keys = [sql.Identifier(f"k{i}") for i in range(len(order.by))]
    columns = sql.SQL(", ").join(
        sql.SQL("{} AS {}").format(key_column(name, default), key)
        for (name, default), key in zip(
            zip(order.by, order.defaults, strict=True), keys, strict=True
        )
    )
    ordered = sql.SQL(", ").join(keys)
    row = sql.SQL("({})").format(ordered)
    if after is None:
        start = sql.SQL("0")
        following = sql.SQL("TRUE")
    else:
        bound = sql.SQL("({})").format(sql.SQL(", ").join(sql.Literal(value) for value in after))
        start = sql.SQL("(SELECT count(*) FROM e WHERE {} <= {})").format(row, bound)
        following = sql.SQL("{} > {}").format(row, bound)
    counts = [
        sql.SQL("(SELECT count(*) FROM e WHERE coalesce(value->{}, 'null') NOT IN {})").format(
            sql.Literal(name), sql.SQL(FALSY)
        )
        for name in order.counted
    ]
    return sql.SQL(
        "WITH e AS (SELECT value, {columns} FROM chatkit_documents, jsonb_array_elements(records)"
        " WHERE kind = %(kind)s AND user_key = %(key)s)"
        " SELECT (SELECT count(*) FROM e), {counts}{start},"
        " (SELECT coalesce(jsonb_agg(value ORDER BY {ordered}), '[]') FROM"
        " (SELECT value, {ordered} FROM e WHERE {following} ORDER BY {ordered} LIMIT %(limit)s) p)"
    ).format(
        columns=columns,
        counts=sql.SQL("").join(sql.SQL("{}, ").format(count) for count in counts),
        start=start,
        ordered=ordered,
        following=following,
    )


def page_from_row(order: Order, row: tuple[Any, ...]) -> DocumentPage:
    """Return the page answered by `page_query`'s row."""
    total, *counted, start, records = row
    counts = dict(zip(order.counted, (int(n) for n in counted), strict=True))
    return DocumentPage(records=list(records), total=int(total), counts=counts, start=int(start))


FIND = (
    "SELECT value FROM chatkit_documents, jsonb_array_elements(records)"
    " WHERE kind = %s AND user_key = %s AND value->%s = %s LIMIT 1"
)


def find_params(kind: str, key: str, field: str, value: Any) -> tuple[Any, ...]:
    """Return the parameters of `FIND` for a record whose `field` equals `value`."""
    return (kind, key, field, Jsonb(value))


__all__ = ["FALSY", "FIND", "Record", "find_params", "key_column", "page_from_row", "page_query"]
