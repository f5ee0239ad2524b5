"""One agent turn: budgeted input, bounded in time, a visible wait, notes on what went amiss."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agents import Agent, RunConfig, Runner, ToolCallItem, TResponseInputItem
from chatkit.actions import Action
from chatkit.agents import AgentContext, stream_agent_response
from chatkit.store import Store
from chatkit.types import (
    AssistantMessageItem,
    InferenceOptions,
    Page,
    ProgressUpdateEvent,
    ThreadItem,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
)

from chatkit_bridge import turn_notes
from chatkit_bridge.compat.agents_run import release_run_result
from chatkit_bridge.compat.agents_sdk import own_agent
from chatkit_bridge.context import RequestContext
from chatkit_bridge.converter import PlainTextConverter
from chatkit_bridge.deadline import Deadline
from chatkit_bridge.errors import friendly_model_error, turn_timeout_error
from chatkit_bridge.ids import FakeIdRewriter
from chatkit_bridge.llm import ModelChoice
from chatkit_bridge.model_input import TurnInput, with_state
from chatkit_bridge.offline_model import OfflineModel
from chatkit_bridge.stream_watch import watching_turn
from chatkit_bridge.turn_effects import with_turn_notes
from chatkit_bridge.turn_history import HistoryFirst
from chatkit_bridge.turn_notes import (
    CONTINUE_PROMPT,
    cut_off_note,
    interpreted_changes,
    nothing_changed_note,
)
from chatkit_bridge.use_case import UseCase

HISTORY_ITEMS = 60
WAITING_TEXT = "Waiting for the model…"
AnyAgent = Agent[AgentContext[RequestContext]]


@dataclass
class TurnOutcome:
    """What happened in a finished run."""

    tool_calls: int = 0
    cut_off: bool = False
    replies: list[AssistantMessageItem] = field(default_factory=list)


class AgentTurns:
    """Run the use case's agent on a thread, and the bridge's own Continue and Do it actions."""

    def __init__(
        self,
        store: Store[RequestContext],
        use_case: UseCase,
        model: ModelChoice,
        guard: Callable[[AnyAgent], AnyAgent] = lambda agent: agent,
    ) -> None:
        """Serve `use_case` on `model`; `guard` wraps every agent (tools that must not repeat)."""
        self.store = store
        self.use_case = use_case
        self.model = model
        self.guard = guard
        self.agent = guard(use_case.build_agent(model.model))
        self.converter = PlainTextConverter()

    async def reply(
        self, thread: ThreadMetadata, context: RequestContext
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Answer the thread's newest message, then note a cut-off or a change never made."""
        page = await self.store.load_thread_items(thread.id, None, HISTORY_ITEMS, "desc", context)
        items = list(reversed(page.data))
        agent_input = await self.converter.to_agent_input(items)
        # Notes about earlier changes go just before the user's message: the turn starts there.
        keep_from = _last_user_index(agent_input)
        agent_input = with_turn_notes(agent_input)
        if not self.model.offline:
            state = await self.use_case.current_state(context)
            agent_input = with_state(agent_input, state)
            yield ProgressUpdateEvent(text=WAITING_TEXT, icon="clock")
        outcome = TurnOutcome()
        run = self._run(self.agent, agent_input, keep_from, thread, context, outcome, page)
        async for event in run:
            yield event
        if self.model.offline or not outcome.replies:
            return
        if outcome.cut_off:
            yield self._note_event(cut_off_note(thread, self._new_id(thread, context)))
        elif not outcome.tool_calls and (command := _newest_user_text(items)):
            interpreter = self.use_case.interpreter()
            if interpreted_changes(interpreter, command, self.use_case.read_only_tools):
                note = nothing_changed_note(thread, self._new_id(thread, context), command)
                yield self._note_event(note)

    def bridge_action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent] | None:
        """Return the events of a bridge action (Continue, Do it), or None for other actions."""
        match action.type:
            case turn_notes.CONTINUE_ACTION:
                return self.continue_reply(thread, sender, context)
            case turn_notes.DO_IT_ACTION:
                return self.do_it(thread, action, sender, context)
        return None

    async def continue_reply(
        self, thread: ThreadMetadata, note: WidgetItem | None, context: RequestContext
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Ask the model to go on where its cut-off reply stopped."""
        if note is not None:
            done = cut_off_note(thread, note.id, done=True)
            yield ThreadItemReplacedEvent(item=note.model_copy(update={"widget": done.widget}))
        message = UserMessageItem(
            id=self.store.generate_item_id("message", thread, context),
            thread_id=thread.id,
            created_at=datetime.now(),
            content=[UserMessageTextContent(text=CONTINUE_PROMPT)],
            attachments=[],
            inference_options=InferenceOptions(),
        )
        yield ThreadItemDoneEvent(item=message)
        async for event in self.reply(thread, context):
            yield event

    async def do_it(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        note: WidgetItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Run what the offline interpreter read in a message the model did not act on."""
        command = str((action.payload or {}).get("text", ""))
        if note is not None:
            done = nothing_changed_note(thread, note.id, command, done=True)
            yield ThreadItemReplacedEvent(item=note.model_copy(update={"widget": done.widget}))
        agent = self.guard(self.use_case.build_agent(OfflineModel(self.use_case.interpreter())))
        agent_input: list[TResponseInputItem] = [{"role": "user", "content": command}]
        async for event in self._run(agent, agent_input, 0, thread, context, TurnOutcome()):
            yield event

    async def _run(
        self,
        agent: AnyAgent,
        agent_input: list[TResponseInputItem],
        keep_from: int,
        thread: ThreadMetadata,
        context: RequestContext,
        outcome: TurnOutcome,
        history: Page[ThreadItem] | None = None,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Stream one agent run within the turn timeout; explain failures in plain words.

        :param history: the thread's newest items, just read (newest first).
        """
        store = self.store if history is None else HistoryFirst(self.store, thread.id, history)
        agent_context = AgentContext(thread=thread, store=store, request_context=context)
        rewriter = FakeIdRewriter(lambda: self._new_id(thread, context))
        config = RunConfig(call_model_input_filter=TurnInput(self.model.budget, keep_from))
        if isinstance(agent.model, OfflineModel):
            config = RunConfig()  # no network, no context limit: nothing to retry or budget
        else:
            config.model_settings = self.model.model_settings
        with watching_turn() as signals:  # the run's task inherits the watcher
            result = Runner.run_streamed(  # on its own agent object: runs in flight checked
                own_agent(agent), agent_input, context=agent_context, run_config=config
            )
        events = stream_agent_response(agent_context, result)
        deadline = Deadline(asyncio.get_running_loop().time() + self.model.turn_timeout_seconds)
        try:
            while True:
                try:
                    event = await deadline.next(events)
                except StopAsyncIteration:
                    break
                event = rewriter.rewrite(event)
                if isinstance(event, ThreadItemDoneEvent) and isinstance(
                    event.item, AssistantMessageItem
                ):
                    outcome.replies.append(event.item)
                yield event
        except TimeoutError as error:
            raise turn_timeout_error(self.model.turn_timeout_seconds) from error
        except Exception as error:
            raise friendly_model_error(error, self.model.provider, self.model.budget) from error
        finally:
            deadline.cancel()
            result.cancel()
            with contextlib.suppress(Exception):
                await events.aclose()
            release_run_result(result)  # freed by reference counting, not a collection
        outcome.tool_calls = sum(isinstance(item, ToolCallItem) for item in result.new_items)
        outcome.cut_off = signals.last_cut_off

    def _new_id(self, thread: ThreadMetadata, context: RequestContext) -> str:
        """Return a new message id for the thread."""
        return self.store.generate_item_id("message", thread, context)

    @staticmethod
    def _note_event(note: WidgetItem) -> ThreadItemDoneEvent:
        """Announce a note item; the server saves it like any other."""
        return ThreadItemDoneEvent(item=note)


def _last_user_index(items: list[TResponseInputItem]) -> int:
    """Return the index of the newest user message (the current turn starts there)."""
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        role = item.get("role") if isinstance(item, dict) else getattr(item, "role", None)
        if role == "user":
            return index
    return max(len(items) - 1, 0)


def _newest_user_text(items: list[ThreadItem]) -> str:
    """Return what the user typed in the newest message of the thread."""
    for item in reversed(items):
        if isinstance(item, UserMessageItem):
            return "".join(
                part.text for part in item.content if isinstance(part, UserMessageTextContent)
            )
    return ""
