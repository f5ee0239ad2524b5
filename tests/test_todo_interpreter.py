"""The todo interpreter: English commands in, todo tool calls or replies out.

The command tables: tests/todo_commands.py; due dates: tests/test_todo_dates.py.
"""

import time
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatkit_bridge.interpreter import Reply, ToolCall, ToolResult, Turn
from tests.todo_commands import (
    ADD_VARIANTS,
    ADD_WITH_DUE,
    COMPLETE_VARIANTS,
    DELETE_VARIANTS,
    LIST,
    LIST_VARIANTS,
    OTHER_COMMANDS,
    REOPEN_VARIANTS,
    SEED_COMMANDS,
    TODAY,
)
from use_cases.todo import vocab
from use_cases.todo.interpreter import TodoInterpreter
from use_cases.todo.tools import TOOLS

interpreter = TodoInterpreter(today=lambda: TODAY)


def calls(text: str) -> list[tuple[str, dict[str, Any]]]:
    """Return the tool calls the interpreter makes for one message (fail on a reply)."""
    step = interpreter.next_step(Turn(user_text=text))
    assert isinstance(step, tuple), f"{text!r} got a reply: {step}"
    return [(call.name, call.arguments) for call in step]


def reply(text: str) -> str:
    """Return the reply text for one message (fail on tool calls)."""
    step = interpreter.next_step(Turn(user_text=text))
    assert isinstance(step, Reply), f"{text!r} made tool calls: {step}"
    return step.text


@pytest.mark.parametrize(("text", "expected"), SEED_COMMANDS)
def test_seed_readme_commands(text: str, expected: list[tuple[str, dict[str, Any]]]) -> None:
    assert calls(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    ADD_VARIANTS + ADD_WITH_DUE + COMPLETE_VARIANTS + REOPEN_VARIANTS + DELETE_VARIANTS
    + OTHER_COMMANDS,
)  # fmt: skip
def test_command_variants(text: str, expected: list[tuple[str, dict[str, Any]]]) -> None:
    assert calls(text) == expected


@pytest.mark.parametrize("text", LIST_VARIANTS)
def test_list_variants(text: str) -> None:
    assert calls(text) == LIST


@pytest.mark.parametrize(
    "text", ["help", "what can you do?", "Hi", "hello!", "Hey there", "Can you help me?"]
)
def test_help_and_greetings_list_examples(text: str) -> None:
    assert reply(text) == vocab.HELP_TEXT


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "please", "?!"])
def test_empty_text_gets_a_prompt(text: str) -> None:
    assert reply(text) == vocab.EMPTY_TEXT


@pytest.mark.parametrize(
    "text", ["blah blah", "buy milk", "all done", "I'm done", "what is the weather"]
)
def test_unknown_text_gets_examples(text: str) -> None:
    assert reply(text) == vocab.FALLBACK_TEXT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thanks!", vocab.THANKS_TEXT),
        ("never mind", vocab.NEVER_MIND_TEXT),
        ("delete it", vocab.WHICH_TEXT),
        ("complete that one", vocab.WHICH_TEXT),
        ("finish", vocab.WHICH_TEXT),
        ("delete", vocab.WHICH_TEXT),
        ("add", vocab.WHAT_TO_ADD_TEXT),
        ("add a new task", vocab.WHAT_TO_ADD_TEXT),
    ],
)
def test_replies_without_tools(text: str, expected: str) -> None:
    assert reply(text) == expected


def test_unreadable_due_date_is_explained() -> None:
    assert "soonish" in reply("set the due date of milk to soonish")


def test_reply_joins_tool_outputs() -> None:
    turn = Turn(
        user_text="complete milk and eggs",
        tool_results=(
            ToolResult("complete_todo", {"reference": "milk"}, 'Marked "milk" as done.'),
            ToolResult("complete_todo", {"reference": "eggs"}, 'Marked "eggs" as done.\n'),
        ),
    )
    assert interpreter.next_step(turn) == Reply('Marked "milk" as done. Marked "eggs" as done.')


def test_reply_after_silent_tools_is_short() -> None:
    turn = Turn(user_text="add milk", tool_results=(ToolResult("add_todos", {}, ""),))
    assert interpreter.next_step(turn) == Reply(vocab.DONE_TEXT)


def test_today_is_read_on_every_call() -> None:
    days = iter([date(2026, 1, 1), date(2026, 6, 1)])
    moving = TodoInterpreter(today=lambda: next(days))
    first, second = (moving.next_step(Turn(user_text="add x tomorrow")) for _ in range(2))
    assert first == (ToolCall("add_todos", {"titles": ["x"], "due": "2026-01-02"}),)
    assert second == (ToolCall("add_todos", {"titles": ["x"], "due": "2026-06-02"}),)


@pytest.mark.parametrize(
    "text",
    [
        "x" * 50_000,
        " " * 50_000,
        "add " + "milk, " * 10_000,
        "a " * 25_000 + "done",
        "mark " + "as " * 10_000 + "done",
        "🙂" * 5_000,
        "مرحبا بالعالم",
        "<img src=x onerror=alert(1)>",
        "\x00\x01\x02",
        "add " + "- " * 3_000,
    ],
)
def test_hostile_input_never_crashes_and_is_fast(text: str) -> None:
    # parse(), not next_step(): next_step turns any exception into the fallback reply.
    started = time.perf_counter()
    step = interpreter.parse(text)
    assert isinstance(step, Reply | tuple)
    # A guard against runaway regex backtracking (minutes), generous for a busy machine.
    assert time.perf_counter() - started < 10.0


HARMLESS_WORDS = [
    "apple", "blue", "table", "quickly", "the", "a", "of", "my", "list", "todos", "what", "is",
    "on", "it", "tomorrow", "friday", "Dec", "24", "in", "3", "days", "mom", "report",
    "groceries", "🙂", "שלום", "<b>", "&amp;", "?", "!", ",", "and", "&", "please", "thanks",
    "hi", "can", "you", "me", "1st", "last", "all", "everything", "\u200f", "'", '"',
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HARMLESS_WORDS), max_size=12), st.sampled_from([" ", "\n"]))
def test_text_without_command_verbs_changes_no_data(words: list[str], separator: str) -> None:
    step = interpreter.next_step(Turn(user_text=separator.join(words)))
    assert isinstance(step, Reply) or not {c.name for c in step} & TOOLS.changing


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    step = interpreter.parse(text)  # next_step would hide an exception behind its fallback reply
    assert isinstance(step, Reply | tuple)
