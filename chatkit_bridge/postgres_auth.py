"""Passwords for PostgreSQL connections: the one in DATABASE_URL, or a fresh Entra ID token.

Azure Database for PostgreSQL accepts a Microsoft Entra access token as the password, so the
app's managed identity signs in without any stored password. Tokens expire, so every new
connection asks the token source again (azure-identity caches and refreshes the token).
All connections of the app go through the two classes here.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import psycopg

ENTRA_SCOPE = "https://ossrdbms-aad.database.windows.net/.default"

PasswordSource = Callable[[], str]
"""Returns the password to connect with, called for every new connection."""

_sources: dict[str, PasswordSource] = {}
_sources_lock = threading.Lock()


def use_password_source(dsn: str, source: PasswordSource) -> None:
    """Connect to `dsn` with the password `source()` returns instead of the URL's."""
    with _sources_lock:
        _sources[dsn] = source


def entra_token_source() -> PasswordSource:
    """Return a source of Entra ID tokens for the app's identity (managed identity, az login)."""
    from azure.identity import DefaultAzureCredential

    credential = DefaultAzureCredential()
    return lambda: credential.get_token(ENTRA_SCOPE).token


def _with_password(conninfo: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    with _sources_lock:
        source = _sources.get(conninfo)
    return {**kwargs, "password": source()} if source is not None else kwargs


class Connection(psycopg.Connection[Any]):
    """A blocking connection that takes its password from the registered source, if any."""

    @classmethod
    def connect(cls, conninfo: str = "", **kwargs: Any) -> Connection:  # type: ignore[override]
        """Connect, asking the password source first."""
        return super().connect(conninfo, **_with_password(conninfo, kwargs))


class AsyncConnection(psycopg.AsyncConnection[Any]):
    """An asyncio connection that takes its password from the registered source, if any."""

    @classmethod
    async def connect(cls, conninfo: str = "", **kwargs: Any) -> AsyncConnection:  # type: ignore[override]
        """Connect, asking the password source first (off the event loop: it may block)."""
        kwargs = await asyncio.to_thread(_with_password, conninfo, kwargs)
        return await super().connect(conninfo, **kwargs)
