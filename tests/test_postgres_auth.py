"""Entra ID sign-in: every new database connection takes its password from the token source."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from chatkit.types import ThreadMetadata

from chatkit_bridge.context import RequestContext
from chatkit_bridge.postgres_auth import Connection, use_password_source
from chatkit_bridge.postgres_documents import PostgresDocuments
from chatkit_bridge.postgres_store import PostgresStore
from tests.postgres import private_schema

ROLE = "password_user"  # .ci/start-postgres makes this role give a password; others are trusted


def as_role(dsn: str, role: str) -> str:
    """Return the same URL signed in as `role`, without any password in it."""
    parts = urlsplit(dsn)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{role}@{host}"))


async def test_connections_sign_in_with_fresh_tokens_from_the_source() -> None:
    with private_schema() as dsn:
        token = f"token-{secrets.token_hex(8)}"  # what Entra ID would hand out
        schema = dsn.rsplit("search_path%3D", 1)[-1]
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f"DROP ROLE IF EXISTS {ROLE}")
            admin.execute(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{token}'")
            admin.execute(f"GRANT ALL ON SCHEMA {schema} TO {ROLE}")
        url = as_role(dsn, ROLE)
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(url).close()  # no password in the URL: refused

        asked: list[str] = []

        def source() -> str:
            asked.append(token)
            return token

        use_password_source(url, source)
        store = PostgresStore(url)
        try:
            await store.save_thread(
                ThreadMetadata(id="thr_a", created_at=datetime(2026, 1, 1, tzinfo=UTC)),
                RequestContext(user_id="alice"),
            )
            assert (await store.load_thread("thr_a", RequestContext(user_id="alice"))).id == "thr_a"
        finally:
            await store.close()
        notes = PostgresDocuments(url, "notes")
        notes.update("alice", lambda records: records.append({"n": 1}))
        assert notes.read("alice") == [{"n": 1}]
        assert len(asked) >= 2  # the async store's pool and the documents' pool each asked

        # Every new connection asks again: an expired token is refused, a fresh one works.
        use_password_source(url, lambda: "an expired token")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            Connection.connect(url).close()
        use_password_source(url, source)
        Connection.connect(url).close()
