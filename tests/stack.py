"""Build the real server stack in process, on a temp data folder, for tests."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from azure.core.credentials_async import AsyncTokenCredential
from chatkit.types import (
    AssistantMessageItem,
    ErrorEvent,
    ThreadCreatedEvent,
    ThreadItem,
    ThreadStreamEvent,
    WidgetItem,
)

from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.context import RequestContext
from chatkit_bridge.llm import build_model
from chatkit_bridge.server import BridgeServer
from chatkit_bridge.settings import Settings
from chatkit_bridge.store import TinyDBStore
from use_cases.todo.data import TodoRepository
from use_cases.todo.use_case import TodoUseCase

TODAY = date(2026, 11, 26)


@dataclass
class Stack:
    """A server, its data and a client for one user."""

    server: BridgeServer
    todos: TodoRepository
    store: TinyDBStore
    client: ChatKitClient

    def as_user(self, user_id: str) -> ChatKitClient:
        """Return a client that speaks for another user."""
        return ChatKitClient(self.server, RequestContext(user_id=user_id))

    def titles(self, user_id: str = "alice") -> list[tuple[str, bool]]:
        """List (title, completed) of a user's todos."""
        return [(todo.title, todo.completed) for todo in self.todos.list(user_id)]


def build_stack(
    folder: Path,
    azure_credential: AsyncTokenCredential | None = None,
    **settings: Any,
) -> Stack:
    """Wire store, todos, use case, model and server like app.py does."""
    settings.setdefault("llm_provider", "auto")  # pick the provider from the given settings
    config = Settings(_env_file=None, data_store_path=folder, **settings)  # type: ignore[call-arg]
    store = TinyDBStore(folder)
    todos = TodoRepository(folder)
    use_case = TodoUseCase(todos, today=lambda: TODAY)
    model = build_model(config, use_case.interpreter, azure_credential)
    server = BridgeServer(store, use_case, model)
    return Stack(server, todos, store, ChatKitClient(server, RequestContext(user_id="alice")))


async def collect(events: Any) -> list[ThreadStreamEvent]:
    """Read a whole event stream."""
    return [event async for event in events]


def thread_id_of(events: list[ThreadStreamEvent]) -> str:
    """Return the id of the thread a `threads.create` stream made."""
    return next(e.thread.id for e in events if isinstance(e, ThreadCreatedEvent))


def errors_in(events: list[ThreadStreamEvent]) -> list[ErrorEvent]:
    """Return the error events of a stream."""
    return [event for event in events if isinstance(event, ErrorEvent)]


def assistant_texts(items: list[ThreadItem]) -> list[str]:
    """Return the text of each assistant message."""
    return [
        "".join(part.text for part in item.content)
        for item in items
        if isinstance(item, AssistantMessageItem)
    ]


def widgets_in(items: list[ThreadItem]) -> list[WidgetItem]:
    """Return the widget items."""
    return [item for item in items if isinstance(item, WidgetItem)]
