"""The ChatKit store contract's shared parts: both backends as a fixture, sample records."""

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from chatkit.store import Store
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    FileAttachment,
    Page,
    ThreadMetadata,
)

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles
from chatkit_bridge.postgres_store import PostgresStore
from chatkit_bridge.store import TinyDBStore
from tests.postgres import private_schema

ALICE = RequestContext(user_id="alice")
BOB = RequestContext(user_id="bob")
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


Reopen = Callable[..., Store]
"""Open a store over this test's data; keyword arguments are the store's limits."""


@pytest.fixture(params=["tinydb", "postgres"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Reopen]:
    """Return how to open a store over this test's data (again: as after a restart)."""
    if request.param == "tinydb":
        yield lambda **limits: TinyDBStore(tmp_path, files=JsonFiles(), **limits)
        return
    opened: list[PostgresStore] = []

    def reopen(**limits: int) -> PostgresStore:
        opened.append(PostgresStore(dsn, **limits))
        return opened[-1]

    with private_schema() as dsn:
        yield reopen
        for store in opened:
            await store.close()


@pytest.fixture
def store(backend: Reopen) -> Store:
    return backend()


@pytest.fixture
def tinydb_store(tmp_path: Path) -> TinyDBStore:
    return TinyDBStore(tmp_path, files=JsonFiles())


def thread(thread_id: str, at: datetime = T0, title: str | None = None) -> ThreadMetadata:
    return ThreadMetadata(id=thread_id, created_at=at, title=title)


def message(item_id: str, thread_id: str = "thr_a", at: datetime = T0, text: str = "hi"):
    return AssistantMessageItem(
        id=item_id,
        thread_id=thread_id,
        created_at=at,
        content=[AssistantMessageContent(text=text)],
    )


def ids(page: Page) -> list[str]:
    return [element.id for element in page.data]


def file_attachment(attachment_id: str, thread_id: str | None = None) -> FileAttachment:
    return FileAttachment(
        id=attachment_id,
        name="notes «v2».pdf",
        mime_type="application/pdf",
        thread_id=thread_id,
        metadata={"path": "uploads/x.pdf"},
    )
