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
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
