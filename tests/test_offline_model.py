"""The offline model drives a real openai-agents Agent with an Interpreter's decisions.

How the interpreter's Turn is read from the input: tests/test_offline_transcript.py.
"""

import json
import re
import threading
from datetime import date
from typing import Any

import pytest
from agents import Agent, ModelSettings, Runner, function_tool, set_tracing_disabled
from agents.items import ToolCallItem
from agents.models.interface import ModelTracing
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage

from chatkit_bridge.interpreter import Message, Reply, Step, ToolCall, ToolResult, Turn
from chatkit_bridge.offline_model import (
    FALLBACK_TEXT,
    MAX_TOOL_ROUNDS,
    UNKNOWN_TOOL_TEXT,
    OfflineModel,
)
from use_cases.todo.interpreter import TodoInterpreter

set_tracing_disabled(True)


class TodoBook:
    """A tiny in-memory todo list behind tools named like the real ones."""

    def __init__(self) -> None:
        self.titles: list[str] = []
        self.done: set[str] = set()
        self.dues: dict[str, str | None] = {}
        self.lock = threading.Lock()  # sync tools run in worker threads

    def tools(self) -> list[Any]:
        """Build the function tools over this list."""

        @function_tool
        def add_todos(titles: list[str], due: str | None = None) -> str:
            """Add todos."""
            with self.lock:
                self.titles.extend(titles)
                self.dues.update(dict.fromkeys(titles, due))
            return f"Added {len(titles)} todos: {', '.join(titles)}."

        @function_tool
        def list_todos() -> str:
            """List todos."""
            with self.lock:
                return f"You have {len(self.titles)} todos."

        @function_tool
        def complete_todo(reference: str) -> str:
            """Complete a todo."""
            with self.lock:
                self.done.add(reference)
            return f'Marked "{reference}" as done.'

        return [add_todos, list_todos, complete_todo]


def agent_for(book: TodoBook, interpreter: Any | None = None, **model_options: Any) -> Agent:
    """Build an agent on the offline model with the book's tools."""
    interpreter = interpreter or TodoInterpreter(today=lambda: date(2026, 11, 26))
    return Agent(name="Todo", model=OfflineModel(interpreter, **model_options), tools=book.tools())


async def test_run_calls_tool_with_parsed_arguments_and_replies_with_its_output() -> None:
    book = TodoBook()
    result = await Runner.run(agent_for(book), "Add three tasks: milk, eggs, and call mom friday")
    assert book.titles == ["milk", "eggs", "call mom"]
    assert book.dues["milk"] == "2026-11-27"
    assert result.final_output == "Added 3 todos: milk, eggs, call mom."


async def test_streamed_run_deltas_make_the_final_text_and_end_with_completed() -> None:
    book = TodoBook()
    result = Runner.run_streamed(agent_for(book, chunk_delay=0.001), "add a, b, c, d, e, f")
    raw = [e.data async for e in result.stream_events() if e.type == "raw_response_event"]
    deltas = [e.delta for e in raw if e.type == "response.output_text.delta"]
    assert len(deltas) > 1  # streamed a few words at a time
    assert "".join(deltas) == result.final_output == "Added 6 todos: a, b, c, d, e, f."
    assert book.titles == ["a", "b", "c", "d", "e", "f"]

    starts = [i for i, e in enumerate(raw) if e.type == "response.created"]
    calling, replying = raw[starts[0] : starts[1]], raw[starts[1] :]
    for response in (calling, replying):
        assert response[-1].type == "response.completed"
        assert [e.sequence_number for e in response] == list(range(len(response)))
    assert [e.type for e in calling] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
    ]
    types = [e.type for e in replying if e.type != "response.output_text.delta"]
    assert types == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert replying[-1].response.output[0].content[0].text == result.final_output


async def test_call_ids_and_message_ids_are_unique_across_calls() -> None:
    book = TodoBook()
    agent = agent_for(book)
    first = await Runner.run(agent, "complete milk, eggs")
    second = await Runner.run(agent, [*first.to_input_list(), _user("complete milk")])
    calls = [
        item.raw_item
        for result in (first, second)
        for item in result.new_items
        if isinstance(item, ToolCallItem)
    ]
    assert len(calls) == 3
    call_ids = [call.call_id for call in calls]  # type: ignore[union-attr]
    assert all(call_ids) and len(set(call_ids)) == 3
    message_ids = [
        item.id
        for result in (first, second)
        for response in result.raw_responses
        for item in response.output
        if isinstance(item, ResponseOutputMessage)
    ]
    assert len(set(message_ids)) == 2 and "__fake_id__" not in message_ids
    assert book.done == {"milk", "eggs"}


async def test_unknown_tool_request_becomes_a_text_reply() -> None:
    book = TodoBook()
    result = await Runner.run(agent_for(book), "delete milk")  # no delete_todo tool here
    assert result.final_output == UNKNOWN_TOOL_TEXT
    assert not any(isinstance(item, ToolCallItem) for item in result.new_items)


class Exploding:
    """An interpreter with a bug."""

    def next_step(self, turn: Turn) -> Step:
        """Fail on every message."""
        raise RuntimeError("boom")


class Recording:
    """An interpreter that remembers every turn and follows a script."""

    def __init__(self, *steps: Step) -> None:
        self.turns: list[Turn] = []
        self.steps = list(steps)

    def next_step(self, turn: Turn) -> Step:
        """Record the turn and return the next scripted step (or echo the tool outputs)."""
        self.turns.append(turn)
        if self.steps:
            return self.steps.pop(0)
        return Reply(" | ".join(result.output for result in turn.tool_results) or "ok")


async def test_interpreter_errors_become_a_friendly_reply(caplog: pytest.LogCaptureFixture) -> None:
    result = await Runner.run(agent_for(TodoBook(), Exploding()), "add milk")
    assert result.final_output == FALLBACK_TEXT
    assert "boom" in caplog.text

    streamed = Runner.run_streamed(agent_for(TodoBook(), Exploding()), "add milk")
    events = [e async for e in streamed.stream_events()]
    assert streamed.final_output == FALLBACK_TEXT and events


async def test_odd_steps_never_break_the_run() -> None:
    odd = Recording((), (ToolCall("add_todos", {"titles": {1, 2}}),), Reply(""))
    agent = agent_for(TodoBook(), odd)
    outputs = [(await Runner.run(agent, "x")).final_output for _ in range(3)]
    assert outputs == [FALLBACK_TEXT, FALLBACK_TEXT, FALLBACK_TEXT]


async def test_an_interpreter_that_never_stops_calling_tools_is_cut_off() -> None:
    looping = Recording(*[(ToolCall("list_todos", {}),)] * 20)
    result = await Runner.run(agent_for(TodoBook(), looping), "loop")
    assert result.final_output == "You have 0 todos."
    assert len(looping.turns) == MAX_TOOL_ROUNDS


async def test_multi_turn_run_builds_the_turn_the_interpreter_sees() -> None:
    recording = Recording((ToolCall("add_todos", {"titles": ["milk"]}), ToolCall("list_todos", {})))
    agent = agent_for(TodoBook(), recording)
    first = await Runner.run(agent, "hello")
    assert first.final_output == "Added 1 todos: milk. | You have 1 todos."
    assert recording.turns[0] == Turn(user_text="hello")
    assert recording.turns[1] == Turn(
        user_text="hello",
        tool_results=(
            ToolResult("add_todos", {"titles": ["milk"]}, "Added 1 todos: milk."),
            ToolResult("list_todos", {}, "You have 1 todos."),
        ),
    )
    await Runner.run(agent, [*first.to_input_list(), _user("and now?")])
    assert recording.turns[2] == Turn(
        user_text="and now?",
        history=(
            _message("user", "hello"),
            _message("assistant", "Added 1 todos: milk. | You have 1 todos."),
        ),
    )


async def test_get_response_accepts_a_plain_string() -> None:
    model = OfflineModel(TodoInterpreter())
    response = await model.get_response(
        None, "show my todos", ModelSettings(), [], None, [], ModelTracing.DISABLED,
        previous_response_id=None, conversation_id=None, prompt=None,
    )  # fmt: skip
    [message] = response.output  # list_todos is not among the (zero) tools
    assert isinstance(message, ResponseOutputMessage)
    assert message.content[0].text == UNKNOWN_TOOL_TEXT  # type: ignore[union-attr]


async def test_tool_call_output_items_are_well_formed() -> None:
    model = OfflineModel(TodoInterpreter())
    tools = TodoBook().tools()
    response = await model.get_response(
        None, "complete 1 and 2", ModelSettings(), tools, None, [], ModelTracing.DISABLED,
        previous_response_id=None, conversation_id=None, prompt=None,
    )  # fmt: skip
    assert all(isinstance(item, ResponseFunctionToolCall) for item in response.output)
    assert [json.loads(item.arguments) for item in response.output] == [  # type: ignore[union-attr]
        {"reference": "1"},
        {"reference": "2"},
    ]
    ids = [item.id for item in response.output] + [item.call_id for item in response.output]  # type: ignore[union-attr]
    assert len(set(ids)) == 4 and all(ids)


def _user(text: str) -> Any:
    return {"role": "user", "content": text}


def _message(role: str, text: str) -> Message:
    return Message(role=role, text=text)


def test_the_model_ids_are_unique_and_well_formed() -> None:
    from chatkit_bridge.offline_responses import new_id

    ids = [new_id("call") for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"call_[0-9a-f]{32}", one) for one in ids)
