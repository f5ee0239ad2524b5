"""Regenerate, retry and edit never repeat a data change: remember what each turn changed.

Every tool call that changed the user's data is written to the thread's metadata under the
user message it answered ("the turn"). When that message is answered again:

- regenerate / retry: the changes stay; the model is told they are in effect, and a call
  identical to one already applied is answered from the record instead of running again.
- edit: the changes of the replaced answers are undone first, with the actions the tools
  registered through `record_undo`; those without one are described to the model, which is asked
  to revert what the edited message no longer asks for.

Answers to later messages, which ChatKit's retry removes from the thread, count as part of the
turn: their changes stay on regenerate and are undone on edit.
"""

import asyncio
import copy
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from agents import Agent, FunctionTool, TResponseInputItem
from agents.tool_context import ToolContext
from chatkit.actions import Action, ActionConfig
from chatkit.store import Store
from chatkit.types import (
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    UserMessageTextContent,
)

from chatkit_bridge.context import RequestContext
from chatkit_bridge.offline_transcript import turn_from_input
from chatkit_bridge.scoped_store import durable_thread_writer
from chatkit_bridge.turn_journal import Change, Journal, TurnRecord, mark_edited

logger = logging.getLogger(__name__)

NOT_REPEATED = " (Already done by an earlier answer to this message: not repeated.)"
# What a change's record says until its tool has answered (kept if the process dies first).
PENDING_OUTPUT = "Done."
# The opening ChatKit's converter gives hidden context; the offline model skips it as context.
HIDDEN_CONTEXT = (
    "Hidden context for the agent (not shown to the user):\n<HiddenContext>\n{}\n</HiddenContext>"
)

Watch = Callable[[str, Callable[[], None]], Callable[[], None]]


@dataclass
class TurnScope:
    """What the running reply needs to know about earlier answers to its message."""

    thread: ThreadMetadata
    context: RequestContext
    store: Store[RequestContext]
    journal: Journal
    record: TurnRecord
    applied: list[Change] = field(default_factory=list)
    to_undo: list[Change] = field(default_factory=list)
    not_undone: list[Change] = field(default_factory=list)
    notifications: int = 0
    write_now: Callable[[ThreadMetadata], None] | None = None
    """Saves the thread durably from the worker thread that saved a data change."""
    written: tuple[tuple[str, str], Change] | None = None
    """The running call and its change, recorded when its data change was saved."""

    def take_applied(self, tool: str, arguments: str) -> Change | None:
        """Return (once) an already applied change identical to this call."""
        for change in self.applied:
            if change.tool == tool and change.arguments == arguments:
                self.applied.remove(change)
                return change
        return None


_SCOPE: ContextVar[TurnScope | None] = ContextVar("turn_scope", default=None)
_CALL_UNDO: ContextVar[list[ActionConfig] | None] = ContextVar("call_undo", default=None)
_CALL: ContextVar[tuple[str, str] | None] = ContextVar("call", default=None)
"""The running tool call (tool name, canonical arguments); a new tuple per call."""


def record_undo(action: ActionConfig) -> None:
    """Register, from inside a tool, the widget action that reverts the change it just made."""
    steps = _CALL_UNDO.get()
    if steps is not None:
        steps.append(action)


def answered_message_id() -> str | None:
    """Return the id of the user message the running reply answers (None outside a reply)."""
    scope = _SCOPE.get()
    return scope.record.turn if scope is not None else None


def _comparable(moment: datetime) -> datetime:
    """Return a time as naive UTC: stores differ in whether their times carry a zone."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def canonical_arguments(arguments: str) -> str:
    """Return tool arguments in one spelling, so equal calls compare equal."""
    try:
        return json.dumps(json.loads(arguments), sort_keys=True, ensure_ascii=False)
    except ValueError:
        return arguments


class TurnEffects:
    """Record each turn's changes and make answering a message again safe for data."""

    def __init__(self, store: Store[RequestContext], watch: Watch | None) -> None:
        """Keep journals in `store`; `watch(user_id, callback)` reports the user's data changes.

        :param watch: without it every tool call counts as a change.
        """
        self.store = store
        self.watch = watch

    def guard(self, agent: Agent[Any]) -> Agent[Any]:
        """Return the agent with every function tool recorded and guarded against repeats."""
        tools = [
            self._guarded(tool) if isinstance(tool, FunctionTool) else tool for tool in agent.tools
        ]
        return agent.clone(tools=tools)

    @contextmanager
    def turn(
        self, thread: ThreadMetadata, message: UserMessageItem | None, context: RequestContext
    ) -> Iterator[TurnScope | None]:
        """Scope one reply to `message`; inside it tool calls are recorded and guarded."""
        if message is None:
            yield None
            return
        journal = Journal.of(thread)
        record = journal.record(message)
        # ChatKit's retry removed every later item, so later turns' changes now belong to this one.
        since = _comparable(message.created_at)
        later = [t for t in journal.turns if t is not record and _comparable(t.at) > since]
        earlier = [*record.changes, *(change for turn in later for change in turn.changes)]
        journal.turns = [turn for turn in journal.turns if turn not in later]
        scope = TurnScope(thread, context, self.store, journal, record)
        scope.write_now = durable_thread_writer(self.store, context)
        if record.edited:
            scope.to_undo, record.changes, record.edited = earlier, [], False
        else:
            scope.applied, record.changes = list(earlier), earlier
        journal.write(thread)
        counter = self._count_notifications(scope)
        stop_watching = self.watch(context.user_id, counter) if self.watch else None
        token = _SCOPE.set(scope)
        try:
            yield scope
        finally:
            try:
                _SCOPE.reset(token)
            except ValueError:  # the reply's generator was closed from another context
                _SCOPE.set(None)
            if stop_watching is not None:
                stop_watching()

    @staticmethod
    def _count_notifications(scope: TurnScope) -> Callable[[], None]:
        def counted() -> None:
            scope.notifications += 1  # one int += under the GIL: safe from writer threads
            _record_in_writer(scope)

        return counted

    def _guarded(self, tool: FunctionTool) -> FunctionTool:
        """Wrap one tool: skip repeats of applied changes, record new changes."""
        invoke = tool.on_invoke_tool
        detects_changes = self.watch is not None

        async def on_invoke_tool(ctx: ToolContext[Any], arguments: str) -> Any:
            scope = _SCOPE.get()
            if scope is None:
                return await invoke(ctx, arguments)
            key = canonical_arguments(arguments)
            applied = scope.take_applied(tool.name, key)
            if applied is not None:
                return applied.output + NOT_REPEATED
            before = scope.notifications
            undo: list[ActionConfig] = []
            token = _CALL_UNDO.set(undo)
            call = _CALL.set((tool.name, key))
            try:
                result = await invoke(ctx, arguments)
            finally:
                _CALL.reset(call)
                _CALL_UNDO.reset(token)
            if scope.notifications != before or undo or not detects_changes:
                await self._remember(
                    scope, Change(tool=tool.name, arguments=key, output=str(result), undo=undo)
                )
            return result

        guarded = copy.copy(tool)
        guarded.on_invoke_tool = on_invoke_tool
        return guarded

    async def _remember(self, scope: TurnScope, change: Change) -> None:
        """Record a change and save it; at once, so a crash right after cannot forget it.

        If the worker thread that saved the data change already wrote its record durably
        (`_record_in_writer`), this only completes it (answer, undo), which may be lost to a
        power cut without harm: the change stays recorded, so a retry does not repeat it.
        """
        written, scope.written = scope.written, None
        if written is not None and written[0] == (change.tool, change.arguments):
            written[1].output, written[1].undo = change.output, change.undo
        else:
            scope.record.changes.append(change)
        scope.journal.write(scope.thread)
        await scope.store.save_thread(scope.thread, scope.context)


def _record_in_writer(scope: TurnScope) -> None:
    """Record the running call's change durably, in the worker thread that saved it.

    One hop to a worker thread for the data and its record instead of two; the record's
    answer follows when the tool returns (`TurnEffects._remember`). Not on the event loop
    (the write waits for the disk), and once per call.
    """
    call = _CALL.get()
    if call is None or scope.write_now is None:
        return
    if scope.written is not None and scope.written[0] is call:
        return
    try:
        asyncio.get_running_loop()
        return  # an event loop thread (a change learned on a read): `_remember` saves it
    except RuntimeError:
        pass
    change = Change(tool=call[0], arguments=call[1], output=PENDING_OUTPUT)
    scope.record.changes.append(change)
    scope.journal.write(scope.thread)
    try:
        scope.write_now(scope.thread)
    except BaseException:
        scope.record.changes.remove(change)  # `_remember` records and saves it instead
        raise
    scope.written = (call, change)


async def undo_replaced(
    scope: TurnScope | None,
    handle: Callable[[ThreadMetadata, Action[str, Any]], AsyncIterator[ThreadStreamEvent]],
) -> AsyncIterator[ThreadStreamEvent]:
    """Revert, newest first, the changes of the answers an edit replaces; stream what shows it."""
    if scope is None:
        return
    for change in reversed(scope.to_undo):
        if not change.undo:
            scope.not_undone.append(change)
            continue
        for config in change.undo:
            try:
                async for event in handle(
                    scope.thread, Action(type=config.type, payload=config.payload)
                ):
                    yield event
            except Exception:
                logger.exception("could not undo %s in thread %s", change.tool, scope.thread.id)
                scope.not_undone.append(change)
                break
    scope.to_undo = []


def with_turn_notes(agent_input: list[TResponseInputItem]) -> list[TResponseInputItem]:
    """Tell the model, just before the user's message, which earlier changes are in effect."""
    scope = _SCOPE.get()
    note = _note(scope) if scope is not None else None
    if note is None:
        return agent_input
    hidden: TResponseInputItem = {"role": "user", "content": HIDDEN_CONTEXT.format(note)}
    said = [i for i, item in enumerate(agent_input) if _said_by_user(item)]
    at = said[-1] if said else len(agent_input)
    return [*agent_input[:at], hidden, *agent_input[at:]]


def _said_by_user(item: TResponseInputItem) -> bool:
    """Tell a message the user typed from context ChatKit sends in the user's role."""
    return bool(turn_from_input([item]).user_text)


def _note(scope: TurnScope) -> str | None:
    """Describe earlier changes for the model, or None when there are none."""
    if scope.applied:
        return (
            "This reply is being generated again. Earlier answers to the user's next message "
            "already made these changes, and they are still in effect:\n"
            + _listed(scope.applied)
            + "\nDo not make them again; only do what is still missing, then answer."
        )
    if scope.not_undone:
        return (
            "The user edited their next message. The answer to its earlier version made these "
            "changes, which are still in effect:\n"
            + _listed(scope.not_undone)
            + "\nRevert the ones the edited message no longer asks for, then do what it asks."
        )
    return None


def _listed(changes: list[Change]) -> str:
    return "\n".join(f"- {change.tool}({change.arguments}): {change.output}" for change in changes)


async def edit_message(
    store: Store[RequestContext],
    thread: ThreadMetadata,
    item_id: str,
    text: str,
    context: RequestContext,
) -> UserMessageItem:
    """Replace the text of a user message and mark its turn edited; return the new message."""
    item = await store.load_item(thread.id, item_id, context)
    if not isinstance(item, UserMessageItem):
        raise ValueError(f"Item {item_id} is not a user message")
    kept = [part for part in item.content if not isinstance(part, UserMessageTextContent)]
    edited = item.model_copy(update={"content": [UserMessageTextContent(text=text), *kept]})
    await store.save_item(thread.id, edited, context)
    mark_edited(thread, edited)
    await store.save_thread(thread, context)
    return edited
