"""Where the data lives: TinyDB files under the data folder, or PostgreSQL (DATABASE_URL).

`open_backend` is the one place that chooses. Everything else gets the chosen chat store and
a `documents(kind)` factory for use-case data, so a use case runs on either backend unchanged.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chatkit.store import Store

from chatkit_bridge.context import RequestContext
from chatkit_bridge.documents import TinyDBDocuments, UserDocuments
from chatkit_bridge.health import write_problem
from chatkit_bridge.thread_events import Relay


@dataclass(frozen=True)
class Backend:
    """The chosen storage: chat store, use-case documents, readiness check, shared secret."""

    store: Store[RequestContext]
    documents: Callable[[str], UserDocuments]
    ready_problem: Callable[[], str | None]
    """Blocking check run by `/readyz`: None when writes work, else the reason."""
    shared_secret: Callable[[], str] | None = None
    """The session secret every process shares, when the backend can keep one."""
    relay: Callable[[str], Relay] | None = None
    """Carries a topic's changes to other processes, when several can share the data."""


def open_backend(
    data_folder: Path,
    database_url: str = "",
    database_auth: str = "password",
    limits: dict[str, int] | None = None,
) -> Backend:
    """Choose PostgreSQL when `database_url` is set, else TinyDB files in `data_folder`.

    :param data_folder: the data folder (TinyDB files, or nothing but the secret with a database).
    :param database_url: a `postgresql://` URL, or empty for TinyDB.
    :param database_auth: "password" (the URL's) or "entra" (an Entra ID token per connection).
    :param limits: `max_threads` and `max_items` for the chat store.
    """
    if database_url:
        if database_auth == "entra":
            from chatkit_bridge.postgres_auth import entra_token_source, use_password_source

            use_password_source(database_url, entra_token_source())
        return _postgres(database_url, limits or {})
    from chatkit_bridge.store import TinyDBStore

    return Backend(
        store=TinyDBStore(data_folder, **(limits or {})),
        documents=lambda kind: TinyDBDocuments(data_folder, kind),
        ready_problem=lambda: write_problem(data_folder),
    )


def _postgres(dsn: str, limits: dict[str, int]) -> Backend:
    # Imported here: psycopg is only needed when a database is configured.
    from chatkit_bridge.postgres_changes import PostgresRelay
    from chatkit_bridge.postgres_documents import PostgresDocuments, shared_pool
    from chatkit_bridge.postgres_store import PostgresStore

    def ready_problem() -> str | None:
        try:
            with shared_pool(dsn).connection() as conn:
                conn.execute("SELECT 1")
        except Exception as error:  # any failure means "not ready"; the reason says which
            return f"the database is not reachable ({type(error).__name__})"
        return None

    def shared_secret() -> str:
        with shared_pool(dsn).connection() as conn:
            conn.execute(
                "INSERT INTO chatkit_settings (name, value) VALUES ('storage_secret', %s)"
                " ON CONFLICT (name) DO NOTHING",
                (secrets.token_urlsafe(32),),
            )
            row = conn.execute(
                "SELECT value FROM chatkit_settings WHERE name = 'storage_secret'"
            ).fetchone()
        assert row is not None  # inserted above if it was missing
        return str(row[0])

    return Backend(
        store=PostgresStore(dsn, **limits),
        documents=lambda kind: PostgresDocuments(dsn, kind),
        ready_problem=ready_problem,
        shared_secret=shared_secret,
        relay=lambda topic: PostgresRelay(dsn, topic),
    )
