"""Copy all data between a TinyDB data folder and PostgreSQL, either way.

    python -m chatkit_bridge.migrate --from data/ --to postgresql://user@host/db
    python -m chatkit_bridge.migrate --from postgresql://user@host/db --to data/

Threads, their items and every use case's documents are copied user by user through the
stores' own APIs; users are addressed by their storage key (both backends hash user ids the
same way), so no user id is needed. Copying upserts, so running it again changes nothing; the
session secret comes along, so browsers stay signed in. Stop the app while it runs.
Attachment metadata is not copied: the app accepts no uploads, so there is none.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatkit.store import Store
from chatkit.types import ThreadItem, ThreadMetadata
from tqdm import tqdm

from chatkit_bridge.context import RequestContext
from chatkit_bridge.documents import Record, TinyDBDocuments, UserDocuments
from chatkit_bridge.durable import atomic_write_text
from chatkit_bridge.store import TinyDBStore

PAGE = 100
_KIND_FILE = re.compile(r"([a-z][a-z0-9_]{0,63})\.json")
_KIND = re.compile(r"([a-z][a-z0-9_]{0,63})")
_KEY = re.compile(r"[0-9a-f]{32}")
SECRET_FILE = ".storage_secret"


class _KeyedTinyDBStore(TinyDBStore):
    """A TinyDBStore whose contexts carry storage keys instead of user ids."""

    def folder_of(self, user_id: str) -> Path:
        return self.root / "users" / user_id


class _KeyedTinyDBDocuments(TinyDBDocuments):
    def folder_of(self, user_id: str) -> Path:
        return self.root / "users" / user_id


@dataclass
class Side:
    """One end of a migration: a store, its documents, and how to list what it holds."""

    store: Store[RequestContext]
    location: str

    def users(self) -> list[str]:
        """Return every storage key that has data."""
        raise NotImplementedError

    def kinds(self, key: str) -> list[str]:
        """Return the document kinds a user has."""
        raise NotImplementedError

    def documents(self, kind: str) -> UserDocuments:
        """Return the documents of a kind, addressed by storage key."""
        raise NotImplementedError

    def secret(self) -> str | None:
        """Return the kept session secret, if any."""
        raise NotImplementedError

    def keep_secret(self, secret: str) -> None:
        """Keep the session secret (replacing this side's own)."""
        raise NotImplementedError


class FolderSide(Side):
    """A TinyDB data folder."""

    def __init__(self, folder: Path) -> None:
        super().__init__(_KeyedTinyDBStore(folder), str(folder))
        self.folder = folder

    def users(self) -> list[str]:
        users = self.folder / "users"
        return (
            sorted(p.name for p in users.iterdir() if _KEY.fullmatch(p.name))
            if users.is_dir()
            else []
        )

    def kinds(self, key: str) -> list[str]:
        # A kind is a folder of chunk files, an older one-file `<kind>.json`, or both.
        found = (
            _KIND_FILE.fullmatch(p.name) or (_KIND.fullmatch(p.name) if p.is_dir() else None)
            for p in (self.folder / "users" / key).iterdir()
        )
        return sorted({m.group(1) for m in found if m and m.group(1) != "threads"})

    def documents(self, kind: str) -> UserDocuments:
        return _KeyedTinyDBDocuments(self.folder, kind)

    def secret(self) -> str | None:
        path = self.folder / SECRET_FILE
        return path.read_text(encoding="utf-8").strip() if path.exists() else None

    def keep_secret(self, secret: str) -> None:
        atomic_write_text(self.folder / SECRET_FILE, secret)  # mode 0600 from the start


class DatabaseSide(Side):
    """A PostgreSQL database."""

    def __init__(self, dsn: str) -> None:
        from chatkit_bridge.postgres_store import PostgresStore

        class KeyedStore(PostgresStore):
            def _key(self, context: RequestContext) -> str:
                return context.user_id  # already a storage key here

        super().__init__(KeyedStore(dsn), _hide_password(dsn))
        self.dsn = dsn

    def _rows(self, query: str, *args: Any) -> list[tuple[Any, ...]]:
        from chatkit_bridge.postgres_documents import shared_pool

        with shared_pool(self.dsn).connection() as conn:
            return conn.execute(query, args).fetchall()

    def users(self) -> list[str]:
        rows = self._rows(
            "SELECT user_key FROM chatkit_threads UNION SELECT user_key FROM chatkit_documents"
        )
        return sorted(row[0] for row in rows)

    def kinds(self, key: str) -> list[str]:
        rows = self._rows("SELECT kind FROM chatkit_documents WHERE user_key = %s", key)
        return sorted(row[0] for row in rows)

    def documents(self, kind: str) -> UserDocuments:
        from chatkit_bridge.postgres_documents import PostgresDocuments

        class KeyedDocuments(PostgresDocuments):
            def key(self, user_id: str) -> str:
                return user_id

        return KeyedDocuments(self.dsn, kind)

    def secret(self) -> str | None:
        rows = self._rows("SELECT value FROM chatkit_settings WHERE name = 'storage_secret'")
        return rows[0][0] if rows else None

    def keep_secret(self, secret: str) -> None:
        self._rows(
            "INSERT INTO chatkit_settings (name, value) VALUES ('storage_secret', %s)"
            " ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value RETURNING 1",
            secret,
        )


def open_side(location: str) -> Side:
    """Open a `postgresql://` URL or a data folder."""
    if location.startswith(("postgresql://", "postgres://")):
        return DatabaseSide(location)
    return FolderSide(Path(location))


async def _threads(
    store: Store[RequestContext], ctx: RequestContext
) -> AsyncIterator[ThreadMetadata]:
    after = None
    while True:
        page = await store.load_threads(PAGE, after, "asc", ctx)
        for thread in page.data:
            yield thread
        if not page.has_more:
            return
        after = page.after


async def _items(
    store: Store[RequestContext], thread_id: str, ctx: RequestContext
) -> AsyncIterator[ThreadItem]:
    after = None
    while True:
        page = await store.load_thread_items(thread_id, after, PAGE, "asc", ctx)
        for item in page.data:
            yield item
        if not page.has_more:
            return
        after = page.after


@dataclass
class Counts:
    """What a migration copied."""

    users: int = 0
    threads: int = 0
    items: int = 0
    documents: int = 0


async def copy_user(source: Side, target: Side, key: str, counts: Counts) -> None:
    """Copy one user's threads, items and documents (upserts: a second run changes nothing)."""
    ctx = RequestContext(user_id=key)
    async for thread in _threads(source.store, ctx):
        await target.store.save_thread(thread, ctx)
        counts.threads += 1
        async for item in _items(source.store, thread.id, ctx):
            await target.store.save_item(thread.id, item, ctx)
            counts.items += 1
    for kind in source.kinds(key):
        records = source.documents(kind).read(key)

        def replace(current: list[Record], records: list[Record] = records) -> None:
            current[:] = records

        target.documents(kind).update(key, replace)
        counts.documents += 1
    counts.users += 1


async def migrate(source: Side, target: Side, *, progress: bool = True) -> Counts:
    """Copy everything from `source` to `target`; return what was copied."""
    counts = Counts()
    for key in tqdm(source.users(), desc="users", unit="user", disable=not progress):
        await copy_user(source, target, key, counts)
    secret = source.secret()
    if secret:
        target.keep_secret(secret)
    return counts


def _hide_password(dsn: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", dsn)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m chatkit_bridge.migrate",
        description="Copy all chats and use-case data between a data folder and PostgreSQL.",
    )
    parser.add_argument(
        "--from", dest="source", required=True, help="data folder or postgresql:// URL"
    )
    parser.add_argument(
        "--to", dest="target", required=True, help="data folder or postgresql:// URL"
    )
    parser.add_argument(
        "--auth",
        choices=["password", "entra"],
        default=os.environ.get("DATABASE_AUTH", "password").lower(),
        help="how to sign in to PostgreSQL, as DATABASE_AUTH (default: that variable, or password)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the migration from the command line; return the exit code."""
    args = _arguments(argv)
    if args.source == args.target:
        print("--from and --to are the same place", file=sys.stderr)
        return 2
    if args.auth == "entra":
        from chatkit_bridge.postgres_auth import entra_token_source, use_password_source

        tokens = entra_token_source()
        for location in (args.source, args.target):
            use_password_source(location, tokens)
    if args.auth == "entra":
        from chatkit_bridge.postgres_auth import entra_token_source, use_password_source

        tokens = entra_token_source()
        for location in (args.source, args.target):
            use_password_source(location, tokens)
    source, target = open_side(args.source), open_side(args.target)
    counts = asyncio.run(migrate(source, target))
    print(
        f"Copied {counts.users} users, {counts.threads} threads, {counts.items} items and "
        f"{counts.documents} documents from {source.location} to {target.location}."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
