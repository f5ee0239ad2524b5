"""Moving all data from a TinyDB folder to PostgreSQL and back loses and changes nothing."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
)
from chatkit.widgets import Card, Checkbox, Text

from chatkit_bridge.context import RequestContext
from chatkit_bridge.documents import TinyDBDocuments
from chatkit_bridge.jsonfiles import user_key
from chatkit_bridge.migrate import Side, migrate, open_side
from chatkit_bridge.store import TinyDBStore
from tests.postgres import private_schema

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
USERS = ["browser:alice", "aad:bob@example.com", "browser:ümlaut/..\\carol"]


def items_for(thread_id: str, count: int) -> list[Any]:
    """Alternate user messages, replies and todo cards; some share a timestamp (tie order)."""
    items: list[Any] = []
    for n in range(count):
        at = T0 + timedelta(seconds=n // 3)
        if n % 3 == 0:
            items.append(
                UserMessageItem(
                    id=f"msg_{thread_id}_{n}",
                    thread_id=thread_id,
                    created_at=at,
                    content=[UserMessageTextContent(text=f"add task {n} ✓ «quoted»")],
                    inference_options={},
                )
            )
        elif n % 3 == 1:
            items.append(
                AssistantMessageItem(
                    id=f"msg_{thread_id}_{n}",
                    thread_id=thread_id,
                    created_at=at,
                    content=[AssistantMessageContent(text=f"Added **task {n}**")],
                )
            )
        else:
            card = Card(children=[Text(value=f"task {n}"), Checkbox(name=f"t{n}", label="done")])
            items.append(
                WidgetItem(
                    id=f"wig_{thread_id}_{n}", thread_id=thread_id, created_at=at, widget=card
                )
            )
    return items


async def populate(folder: Path) -> None:
    store = TinyDBStore(folder)
    todos = TinyDBDocuments(folder, "todos")
    for u, user in enumerate(USERS):
        ctx = RequestContext(user_id=user)
        for t in range(2 + u):
            thread_id = f"thr_{u}_{t}"
            await store.save_thread(
                ThreadMetadata(
                    id=thread_id, created_at=T0 + timedelta(minutes=t), title=f"Chat {t}"
                ),
                ctx,
            )
            # The first thread is longer than one page of the copy (100 items).
            for item in items_for(thread_id, 130 if t == 0 else 7):
                await store.add_thread_item(thread_id, item, ctx)
        todos.update(
            user,
            lambda r, u=u: r.extend(
                {"id": f"todo_{u}_{n}", "title": f"todo {n}"} for n in range(5)
            ),
        )
    (folder / ".storage_secret").write_text("s" * 43)


async def snapshot(side: Side) -> dict[str, Any]:
    """Every user's threads (with items) and documents, as plain JSON."""
    result: dict[str, Any] = {}
    for key in side.users():
        ctx = RequestContext(user_id=key)
        threads = await side.store.load_threads(1000, None, "asc", ctx)
        result[key] = {
            "threads": [
                {
                    "meta": thread.model_dump(mode="json"),
                    "items": [
                        item.model_dump(mode="json")
                        for item in (
                            await side.store.load_thread_items(thread.id, None, 1000, "asc", ctx)
                        ).data
                    ],
                }
                for thread in threads.data
            ],
            "documents": {kind: side.documents(kind).read(key) for kind in side.kinds(key)},
        }
    return result


async def test_a_folder_round_trips_through_postgresql(tmp_path: Path) -> None:
    source_folder, back_folder = tmp_path / "data", tmp_path / "back"
    await populate(source_folder)
    with private_schema() as dsn:
        source, database, back = (
            open_side(str(source_folder)),
            open_side(dsn),
            open_side(str(back_folder)),
        )
        original = await snapshot(source)
        assert sorted(original) == sorted(user_key(user) for user in USERS)
        assert len(original[user_key(USERS[0])]["threads"][0]["items"]) == 130

        counts = await migrate(source, database, progress=False)
        assert (counts.users, counts.threads, counts.items, counts.documents) == (
            3,
            9,
            130 * 3 + 6 * 7,
            3,
        )
        assert await snapshot(database) == original
        assert database.secret() == "s" * 43

        again = await migrate(source, database, progress=False)  # idempotent
        assert again.items == counts.items
        assert await snapshot(database) == original

        await migrate(database, back, progress=False)
        assert await snapshot(back) == original
        assert (back_folder / ".storage_secret").read_text() == "s" * 43
        # The copy serves the real users: their ids find their data again.
        alice = RequestContext(user_id=USERS[0])
        assert (await TinyDBStore(back_folder).load_thread("thr_0_0", alice)).title == "Chat 0"
        assert len(TinyDBDocuments(back_folder, "todos").read(USERS[2])) == 5


def test_the_command_line_shows_progress_and_counts(tmp_path: Path) -> None:
    import asyncio

    asyncio.run(populate(tmp_path / "data"))
    with private_schema() as dsn:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "chatkit_bridge.migrate",
                "--from",
                str(tmp_path / "data"),
                "--to",
                dsn,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr
    assert "users: 100%" in done.stderr  # tqdm's bar
    assert "Copied 3 users, 9 threads, 432 items and 3 documents" in done.stdout
