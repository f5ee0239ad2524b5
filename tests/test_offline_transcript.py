"""What the offline model's interpreter sees: a Turn read from the Agents SDK's input items."""

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar

import pytest
from chatkit.agents import ThreadItemConverter
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    HiddenContextItem,
    InferenceOptions,
    SDKHiddenContextItem,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
)
from chatkit.widgets import Card, Text

from chatkit_bridge.converter import PlainTextConverter
from chatkit_bridge.interpreter import Message, ToolResult, Turn
from chatkit_bridge.offline_transcript import turn_from_input


def test_turn_from_input_reads_every_message_shape() -> None:
    items: list[Any] = [
        {"role": "user", "content": "add milk"},
        {"type": "function_call", "call_id": "c0", "name": "add_todos", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c0", "output": "old output"},
        {"role": "assistant", "content": "Added milk."},
        {
            "role": "user",
            "type": "message",
            "content": [{"type": "input_text", "text": "The following graphical UI widget: x"}],
        },
        {"type": "message", "role": "assistant", "content": [
            {"type": "output_text", "text": "Here", "annotations": []},
            {"type": "refusal", "refusal": "no"},
            {"type": "output_text", "text": "you go", "annotations": []},
        ]},
        {"type": "reasoning", "id": "r", "summary": []},
        {"role": "system", "content": "be nice"},
        {"role": "user", "content": "The following widget (id: w2) was shown to the user:\nx"},
        {"role": "user", "content": [
            {"type": "input_image", "image_url": "data:,"},
            {"type": "input_text", "text": "complete milk"},
            {"type": "input_text", "text": "(attached file: list.txt)"},
        ]},
        {"role": "user", "content": "The user is referring to this in particular: \nmilk"},
        {"type": "function_call", "call_id": "c1", "name": "complete_todo",
         "arguments": json.dumps({"reference": "milk"})},
        {"type": "function_call", "call_id": "c2", "name": "list_todos", "arguments": "not json"},
        {"type": "function_call", "call_id": "c3", "name": "list_todos", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c2",
         "output": [{"type": "input_text", "text": "Two"}, {"type": "text", "text": "todos"}]},
        {"type": "function_call_output", "call_id": "c1", "output": 'Marked "milk" as done.'},
    ]  # fmt: skip
    assert turn_from_input(items) == Turn(
        user_text="complete milk",
        history=(
            _message("user", "add milk"),
            _message("assistant", "Added milk."),
            _message("assistant", "Here\nyou go"),
        ),
        tool_results=(
            ToolResult("complete_todo", {"reference": "milk"}, 'Marked "milk" as done.'),
            ToolResult("list_todos", {}, "Two\ntodos"),
        ),
    )


@pytest.mark.parametrize(
    "odd_input",
    ["", [], [{}], [{"role": "user"}], [{"role": "user", "content": None}], [42], [{"type": 1}]],
)
def test_turn_from_odd_input_is_empty(odd_input: Any) -> None:
    assert turn_from_input(odd_input).user_text == ""


def _message(role: str, text: str) -> Message:
    return Message(role=role, text=text)


@pytest.mark.parametrize("converter", [ThreadItemConverter(), PlainTextConverter()])
async def test_turn_from_a_chatkit_thread_skips_widgets_hidden_context_and_quotes(
    converter: ThreadItemConverter,
) -> None:
    def meta(n: int) -> dict[str, Any]:
        return {"id": f"item_{n}", "thread_id": "thr", "created_at": datetime(2026, 11, 26, 9, n)}

    def said(n: int, text: str, quoted: str | None = None) -> UserMessageItem:
        content = [UserMessageTextContent(text=text)]
        options = InferenceOptions()
        return UserMessageItem(
            **meta(n), content=content, inference_options=options, quoted_text=quoted
        )

    card = Card(children=[Text(value="milk")])
    thread = [
        said(0, "add milk"),
        WidgetItem(**meta(1), widget=card, copy_text="1 todo: milk"),
        AssistantMessageItem(**meta(2), content=[AssistantMessageContent(text="Added milk.")]),
        WidgetItem(**meta(3), widget=card),
        HiddenContextItem(**meta(4), content="The user ticked 'milk' via the card."),
        SDKHiddenContextItem(**meta(5), content="The user cancelled the stream."),
        said(6, "complete it", quoted="milk"),
    ]
    turn = turn_from_input(await converter.to_agent_input(thread))
    assert turn == Turn(
        user_text="complete it",
        history=(_message("user", "add milk"), _message("assistant", "Added milk.")),
    )


class Watched(Mapping[str, Any]):
    """An input item (not a plain dict) that notes when it is read."""

    reads: ClassVar[list[str]] = []

    def __init__(self, **fields: Any) -> None:
        self.fields = fields

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    def __iter__(self) -> Iterator[str]:
        Watched.reads.append(self.fields["id"])
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)


def test_a_turn_reads_the_history_before_the_newest_message_only_when_asked() -> None:
    from chatkit_bridge.offline_model import _tool_rounds

    earlier: list[Any] = []
    for n in range(30):
        earlier.append(Watched(id=f"u{n}", role="user", content=f"add errand {n}"))
        earlier.append(Watched(id=f"a{n}", role="assistant", content=f"Added errand {n}."))
    call = {"type": "function_call", "call_id": "c", "name": "add_todos", "arguments": "{}"}
    newest = [
        Watched(id="now", role="user", content="add milk"),
        Watched(id="call", **call),
        Watched(id="out", type="function_call_output", call_id="c", output="Added milk."),
    ]
    Watched.reads = []
    turn = turn_from_input([*earlier, *newest])
    assert _tool_rounds([*earlier, *newest]) == 1
    assert set(Watched.reads) == {"now", "call", "out"}  # no earlier item was read
    assert turn.user_text == "add milk"
    assert turn.tool_results == (ToolResult("add_todos", {}, "Added milk."),)
    assert len(turn.history) == 60 and set(Watched.reads) > {"u0", "a29"}
    assert turn.history[0] == _message("user", "add errand 0")
    assert turn.history[-1] == _message("assistant", "Added errand 29.")
    assert turn == Turn(
        user_text="add milk", history=tuple(turn.history), tool_results=turn.tool_results
    )
