"""What a use case supplies to the generic server, client and pages."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatkit.actions import Action
from chatkit.store import Store
from chatkit.types import ThreadMetadata, ThreadStreamEvent, WidgetItem
from fastapi import APIRouter

from chatkit_bridge.actions import ClientActionHandler
from chatkit_bridge.context import RequestContext
from chatkit_bridge.documents import UserDocuments
from chatkit_bridge.interpreter import Interpreter

if TYPE_CHECKING:
    # Only named in signatures: a page builds the use case before the Agents SDK has loaded.
    from agents import Agent
    from agents.models.interface import Model
    from chatkit.agents import AgentContext


@dataclass(frozen=True)
class Host:
    """What the app hands a use case when it builds it.

    :param data_path: the data folder (DATA_STORE_PATH).
    :param auth_mode: how callers are identified ("browser" or "easyauth"), for its own routes.
    :param documents: opens the per-user documents of one kind (e.g. "todos") on the configured
        backend; a use case keeps its data there, never in files of its own.
    """

    data_path: Path
    auth_mode: str
    documents: Callable[[str], UserDocuments]


@dataclass(frozen=True)
class StarterPrompt:
    """A suggestion shown on an empty thread."""

    label: str
    prompt: str
    icon: str = "chat"


@dataclass
class ActionRequest:
    """A widget action sent by a user, with everything a handler needs to answer it."""

    thread: ThreadMetadata
    action: Action[str, Any]
    sender: WidgetItem | None
    context: RequestContext
    store: Store[RequestContext]


class UseCase(ABC):
    """One assistant: its agent, its offline interpreter, its actions and its prompts.

    A use case lives in its own package `use_cases/<name>/`, whose `__init__.py` exposes the
    subclass as `UseCase`; the app finds it by the name listed in USE_CASES.
    """

    name: str
    title: str
    starter_prompts: tuple[StarterPrompt, ...] = ()
    # Sent for the newest widget of the open thread whenever the user's data changes elsewhere.
    refresh_action: str | None = None
    # Tools that only read: a reply that skipped them changed nothing the user asked to change.
    read_only_tools: frozenset[str] = frozenset()
    # The package folder, set when the use case is discovered; its *.widget files live there.
    folder: Path | None = None

    @classmethod
    def create(cls, host: Host) -> UseCase:
        """Build the use case for the running app; override to open data or read settings."""
        return cls()

    @property
    def thread_scope(self) -> str:
        """Name the space its threads live in; other use cases never see them."""
        return self.name

    def routers(self) -> Sequence[APIRouter]:
        """Return extra HTTP routes of this use case (e.g. a JSON API); none by default."""
        return ()

    @abstractmethod
    def build_agent(self, model: Model) -> Agent[AgentContext[RequestContext]]:
        """Build the agent that answers user messages with the given model."""

    @abstractmethod
    def interpreter(self) -> Interpreter:
        """Return the deterministic interpreter that drives the offline model."""

    async def current_state(self, context: RequestContext) -> str | None:
        """Return the user's data as the model should see it now, sent after the history."""
        return None

    def handle_action(self, request: ActionRequest) -> AsyncIterator[ThreadStreamEvent]:
        """Answer a widget action; the events are persisted and streamed like a reply."""
        raise NotImplementedError(f"{self.name} has no widget actions")

    @property
    def has_panel(self) -> bool:
        """Tell whether this use case renders a side panel."""
        return type(self).render_panel is not UseCase.render_panel

    def render_panel(self, context: RequestContext) -> None:  # noqa: B027 - optional hook
        """Render a side panel beside the chat into the current container; none by default."""

    def client_actions(self) -> Mapping[str, ClientActionHandler]:
        """Return the page-side handlers of actions with `handler="client"`, by action type."""
        return {}

    def subscribe(self, user_id: str, callback: Callable[[], None]) -> Callable[[], None]:
        """Call back when the user's data changes, from any thread; return the unsubscriber."""
        return lambda: None
