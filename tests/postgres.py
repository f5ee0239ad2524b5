"""A private PostgreSQL schema per test, on the server named by TEST_DATABASE_URL.

Locally the PostgreSQL tests skip with one line saying how to enable them:
`eval "$(bash .ci/start-postgres)"` starts a throwaway cluster and sets the variable.
CI sets REQUIRE_POSTGRES=1, which turns the skip into a failure.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest

HOW_TO = 'PostgreSQL tests skipped: run `eval "$(bash .ci/start-postgres)"` to enable them'


def server_url() -> str:
    """Return the test server's URL, or skip (fail with REQUIRE_POSTGRES=1) without one."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip(HOW_TO)
    return url


@contextmanager
def private_schema() -> Iterator[str]:
    """Yield a URL whose connections see only a new, empty schema; drop it afterwards."""
    import psycopg

    url = server_url()
    schema = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-c search_path={schema}')}"
    finally:
        close_process_wide(quote(f"search_path={schema}"))
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def close_process_wide(schema_option: str) -> None:
    """Close the pools and change feeds the app keeps per database URL for the process.

    A test's URLs name its own schema, so each test opened its own; left open, they kept
    ~2 connections and 4-5 threads each until the end of the run (the CI server allows 200
    connections).

    :param schema_option: what the URLs to close contain (any user signing in to the schema)
    """
    from chatkit_bridge import postgres_documents
    from chatkit_bridge.postgres_changes import ChangeFeed

    with postgres_documents._pools_lock:
        pools = [
            postgres_documents._pools.pop(dsn)
            for dsn in list(postgres_documents._pools)
            if schema_option in dsn
        ]
    for pool in pools:
        pool.close()
    with ChangeFeed._feeds_lock:
        feeds = [
            ChangeFeed._feeds.pop(dsn) for dsn in list(ChangeFeed._feeds) if schema_option in dsn
        ]
    for feed in feeds:
        feed.stop()
        if feed._thread is not None:
            feed._thread.join()
