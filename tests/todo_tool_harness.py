"""Scripted agent turns over the todo use case: a real agent, store and repository."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from agents import Runner, set_tracing_disabled
from agents.testing import ScriptedModel, assistant_message, function_call
from chatkit.actions import Action
from chatkit.agents import AgentContext, stream_agent_response
from chatkit.types import (
    InferenceOptions,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
)

from chatkit_bridge.context import RequestContext
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.use_case import ActionRequest
from tests.todo_action_harness import component, handle_and_store
from use_cases.todo.changes import CHANGE_CARD_KEY
from use_cases.todo.data import TodoRepository
from use_cases.todo.use_case import TodoUseCase
from use_cases.todo.widgets import is_live_todo_card, is_todo_card

TODAY = date(2025, 11, 28)
Call = tuple[str, dict[str, Any]]

set_tracing_disabled(True)


@dataclass
class TurnResult:
    """What one agent turn produced."""

    outputs: list[str]
    events: list[ThreadStreamEvent]

    @property
    def text(self) -> str:
        assert len(self.outputs) == 1
        return self.outputs[0]

    def changes(self) -> list[WidgetItem]:
        """Return the one-line change confirmations added in this turn."""
        return [
            event.item
            for event in self.events
            if isinstance(event, ThreadItemDoneEvent)
            and isinstance(event.item, WidgetItem)
            and getattr(event.item.widget, "key", None) == CHANGE_CARD_KEY
        ]

    def cards(self) -> list[WidgetItem]:
        """Return the todo cards streamed (added or replaced) in this turn, in order."""
        return [
            event.item
            for event in self.events
            if isinstance(event, ThreadItemDoneEvent | ThreadItemReplacedEvent)
            and isinstance(event.item, WidgetItem)
            and is_live_todo_card(event.item.widget)
        ]


class Harness:
    """A todo use case over temp folders, and a way to run scripted agent turns."""

    def __init__(self, tmp_path: Path, user_id: str = "alice") -> None:
        self.repo = TodoRepository(tmp_path / "todos")
        self.store = TinyDBStore(tmp_path / "store")
        self.use_case = TodoUseCase(self.repo, today=lambda: TODAY)
        self.context = RequestContext(user_id=user_id)
        self.thread = ThreadMetadata(id="thr_tools", created_at=datetime.now())
        self.turns = 0

    async def turn(self, *steps: list[Call] | Call) -> TurnResult:
        """Run one turn whose model calls the given tools (a list = parallel calls)."""
        script: list[Any] = []
        for n, step in enumerate(steps):
            calls = step if isinstance(step, list) else [step]
            script.append(
                [
                    function_call(name, args, call_id=f"call_{n}_{i}")
                    for i, (name, args) in enumerate(calls)
                ]
            )
        self.turns += 1
        script.append([assistant_message("ok", item_id=f"msg_reply_{self.turns}")])
        model = ScriptedModel(script)
        context = AgentContext(thread=self.thread, store=self.store, request_context=self.context)
        result = Runner.run_streamed(self.use_case.build_agent(model), "hi", context=context)
        events = []
        async for event in stream_agent_response(context, result):
            # Persist like ChatKitServer does, so later turns see earlier cards.
            if isinstance(event, ThreadItemDoneEvent):
                await self.store.add_thread_item(self.thread.id, event.item, self.context)
            elif isinstance(event, ThreadItemReplacedEvent):
                await self.store.save_item(self.thread.id, event.item, self.context)
            events.append(event)
        model.assert_complete()
        outputs = [item.output for item in result.new_items if item.type == "tool_call_output_item"]
        return TurnResult([str(output) for output in outputs], events)

    async def user_says(self, text: str) -> None:
        """Store a user message, as ChatKit does before the turn that answers it."""
        self.turns += 1
        message = UserMessageItem(
            id=f"msg_user_{self.turns}",
            thread_id=self.thread.id,
            created_at=datetime.now(),
            content=[UserMessageTextContent(text=text)],
            inference_options=InferenceOptions(),
        )
        await self.store.add_thread_item(self.thread.id, message, self.context)

    async def click_undo(self, change: WidgetItem) -> list[ThreadStreamEvent]:
        """Press Undo on a confirmation, persisting the events like ChatKitServer."""
        button = component(change.widget, "todo-change-undo")
        assert button is not None
        action: Action[str, Any] = Action(
            type=button["onClickAction"]["type"], payload=button["onClickAction"]["payload"]
        )
        request = ActionRequest(self.thread, action, change, self.context, self.store)
        return await handle_and_store(self.use_case, request)

    async def stored_cards(self) -> list[WidgetItem]:
        """Return the todo cards stored in the thread, oldest first."""
        page = await self.store.load_thread_items(self.thread.id, None, 100, "asc", self.context)
        return [i for i in page.data if isinstance(i, WidgetItem) and is_todo_card(i.widget)]

    def titles(self, done: bool | None = None) -> list[str]:
        """Return the titles on the list, optionally only done or open ones."""
        return [
            t.title for t in self.repo.list(self.context.user_id) if done in (None, t.completed)
        ]


async def open_harness(tmp_path: Path) -> Harness:
    """Return a harness whose thread is saved, ready for turns."""
    harness = Harness(tmp_path)
    await harness.store.save_thread(harness.thread, harness.context)
    return harness


async def seed(h: Harness, *titles: str) -> None:
    h.repo.add(h.context.user_id, list(titles))
