"""The PostgreSQL schema of the chat store and the per-user documents, created on first use."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection, Connection
from psycopg.types.json import Jsonb
from pydantic import BaseModel

# One advisory lock number for schema changes, so processes starting together do not race.
_SCHEMA_LOCK = 727_163_001

SCHEMA = """
CREATE TABLE IF NOT EXISTS chatkit_threads (
    user_key   text        NOT NULL,
    id         text        NOT NULL,
    created_at timestamptz NOT NULL,
    seq        bigint      GENERATED ALWAYS AS IDENTITY,
    data       jsonb       NOT NULL,
    PRIMARY KEY (user_key, id)
);
CREATE INDEX IF NOT EXISTS chatkit_threads_order ON chatkit_threads (user_key, created_at, seq);
CREATE TABLE IF NOT EXISTS chatkit_items (
    user_key   text        NOT NULL,
    thread_id  text        NOT NULL,
    id         text        NOT NULL,
    created_at timestamptz NOT NULL,
    seq        bigint      GENERATED ALWAYS AS IDENTITY,
    data       jsonb       NOT NULL,
    PRIMARY KEY (user_key, thread_id, id),
    FOREIGN KEY (user_key, thread_id) REFERENCES chatkit_threads (user_key, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS chatkit_items_order
    ON chatkit_items (user_key, thread_id, created_at, seq);
CREATE TABLE IF NOT EXISTS chatkit_attachments (
    user_key  text  NOT NULL,
    id        text  NOT NULL,
    thread_id text,
    data      jsonb NOT NULL,
    PRIMARY KEY (user_key, id)
);
CREATE TABLE IF NOT EXISTS chatkit_settings (
    name  text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE IF NOT EXISTS chatkit_documents (
    kind    text  NOT NULL,
    user_key text  NOT NULL,
    records jsonb NOT NULL,
    PRIMARY KEY (kind, user_key)
);
"""


async def ensure_schema(conn: AsyncConnection[Any]) -> None:
    """Create the tables if they are missing (idempotent, safe with several processes)."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        await conn.execute(SCHEMA)


def ensure_schema_sync(conn: Connection[Any]) -> None:
    """Like `ensure_schema`, for a blocking connection."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        conn.execute(SCHEMA)


def jsonb_safe(value: Any) -> Any:
    """Replace NUL characters, which JSONB cannot hold, by U+FFFD in every string of `value`."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, dict):
        return {jsonb_safe(k): jsonb_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonb_safe(v) for v in value]
    return value


def _as_is(text: str) -> str:
    return text


def model_jsonb(model: BaseModel, exclude: set[str] | None = None) -> tuple[Jsonb, bool]:
    """Return a model as a JSONB parameter, and whether the database holds it exactly.

    pydantic writes the JSON itself (no Python dicts and `json.dumps` in between). JSON text
    with a NUL character (`\\u0000`, which JSONB refuses) goes the `jsonb_safe` way instead, and
    is not exact.
    """
    text = model.model_dump_json(exclude=exclude)
    if "\\u0000" not in text:
        return Jsonb(text, dumps=_as_is), True
    return Jsonb(jsonb_safe(model.model_dump(mode="json", exclude=exclude))), False
