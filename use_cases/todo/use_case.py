"""The todo assistant as a use case the generic server, client and pages can host.

The chat page is served before the Agents SDK has loaded (chatkit_bridge/startup.py): what a
page shows (panel, prompts, data) is imported here; the agent, its tools, the interpreter, the
card's actions and the HTTP routes where they are first used, after the chat stack has loaded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from chatkit.types import ThreadStreamEvent

from chatkit_bridge.context import RequestContext
from chatkit_bridge.interpreter import Interpreter
from chatkit_bridge.use_case import ActionRequest, Host, StarterPrompt, UseCase
from use_cases.todo.data import TodoRepository
from use_cases.todo.limits import load_limits
from use_cases.todo.panel import TodoPanel
from use_cases.todo.widgets import REFRESH_ACTION

if TYPE_CHECKING:
    from agents import Agent, FunctionTool
    from agents.models.interface import Model
    from chatkit.agents import AgentContext
    from fastapi import APIRouter


class TodoUseCase(UseCase):
    """A todo list kept by chatting or by clicking its card."""

    name = "todo"
    title = "ChatKit Todo"
    starter_prompts = (
        StarterPrompt(
            "Add three tasks",
            "Add three tasks: buy groceries, finish report, and call mom",
            "plus",
        ),
        StarterPrompt("Show my list", "What's on my list?", "notebook"),
        StarterPrompt(
            "Plan for tomorrow",
            "Plan for tomorrow: call mom and pick up the dry cleaning",
            "calendar",
        ),
        StarterPrompt("What can you do?", "What can you do?", "circle-question"),
    )

    refresh_action = REFRESH_ACTION
    read_only_tools = frozenset({"list_todos"})

    def __init__(
        self,
        repository: TodoRepository,
        today: Callable[[], date] = date.today,
        auth_mode: str = "browser",
    ) -> None:
        self.repository = repository
        self.today = today
        self.auth_mode = auth_mode

    @cached_property
    def tools(self) -> list[FunctionTool]:
        """Build the agent's tools (once, with the agent)."""
        from use_cases.todo.tools import build_tools

        return build_tools(self.repository, self.today)

    @classmethod
    def create(cls, host: Host) -> TodoUseCase:
        """Keep the todos in the host's "todos" documents."""
        repository = TodoRepository(host.documents("todos"), limits=load_limits())
        return cls(repository, auth_mode=host.auth_mode)

    @property
    def thread_scope(self) -> str:
        """Keep the todo threads where they were before use cases had scopes."""
        return ""

    def routers(self) -> Sequence[APIRouter]:
        """Serve `/api/todos` for other front ends and scripts."""
        from use_cases.todo.api import todo_router

        return (todo_router(self.repository, self.auth_mode),)

    def build_agent(self, model: Model) -> Agent[AgentContext[RequestContext]]:
        """Build the todo agent on `model`."""
        from use_cases.todo.agent import build_todo_agent

        return build_todo_agent(model, self.tools, today=self.today)

    def interpreter(self) -> Interpreter:
        """Return the rule-based interpreter that drives the offline model."""
        from use_cases.todo.interpreter import TodoInterpreter

        return TodoInterpreter(today=self.today)

    async def current_state(self, context: RequestContext) -> str | None:
        """Return the user's todo list, which the model reads after the conversation."""
        from use_cases.todo.agent import todo_state

        return await todo_state(self.repository, context.user_id)

    def handle_action(self, request: ActionRequest) -> AsyncIterator[ThreadStreamEvent]:
        """Answer a click on the todo card."""
        from use_cases.todo.actions import handle_todo_action

        return handle_todo_action(request, self.repository, self.today)

    def render_panel(self, context: RequestContext) -> None:
        """Render the "My todos" side panel for the user."""
        TodoPanel(self.repository, context.user_id, self.today)

    def subscribe(self, user_id: str, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` when the user's todos change; return the unsubscribe function."""
        # The repository notifies from whichever thread wrote; the caller hops to its loop.

        def changed(changed_user: str) -> None:
            if changed_user == user_id:
                callback()

        return self.repository.subscribe(changed)
