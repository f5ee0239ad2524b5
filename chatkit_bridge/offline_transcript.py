"""Read the agents runner's Responses-format input as the interpreter's `Turn`."""

import json
from collections.abc import Mapping, Sequence
from typing import Any, overload

from agents.items import TResponseInputItem

from chatkit_bridge.interpreter import Message, ToolResult, Turn

# ChatKit's ThreadItemConverter sends widgets, hidden context, tasks, quotes and @-mention
# context as user messages with these openings; they are context, not what the user said.
CONTEXT_PREFIXES = (
    "The following graphical UI widget",
    "The following widget",  # chatkit_bridge.converter.PlainTextConverter
    "The following image was generated",
    "Hidden context for the agent",
    "A message was displayed to the user that the following task was performed",
    "A structured input request was displayed to the user",
    "The user is referring to this in particular",
    "# User-provided context for @-mentions",
)


def turn_from_input(
    input: str | list[TResponseInputItem], context_prefixes: tuple[str, ...] = CONTEXT_PREFIXES
) -> Turn:
    """Build the interpreter's view of a conversation from Responses-format input items."""
    if isinstance(input, str):
        return Turn(user_text=input)
    # From the end back to what the user said last: a turn reads only that far, the history
    # before it (up to 60 items, twice a turn) only if the interpreter asks for it.
    last_user, user_line = -1, None
    for index in range(len(input) - 1, -1, -1):
        line = _said(as_dict(input[index]), context_prefixes)
        if line and line[0] == "user":
            last_user, user_line = index, line
            break
    return Turn(
        user_text=user_line[1] if user_line else "",
        history=EarlierMessages(input[: max(last_user, 0)], context_prefixes),
        tool_results=_tool_results([as_dict(item) for item in input[last_user + 1 :]]),
    )


class EarlierMessages(Sequence[Message]):
    """The messages before the user's newest one, read from the input when first asked for."""

    def __init__(self, items: list[TResponseInputItem], context_prefixes: tuple[str, ...]) -> None:
        """Keep the input items (a copy of the list) until the messages are asked for."""
        self._items: list[TResponseInputItem] | None = items
        self._prefixes = context_prefixes
        self._messages: tuple[Message, ...] = ()

    def _read(self) -> tuple[Message, ...]:
        if self._items is not None:
            said = (_said(as_dict(item), self._prefixes) for item in self._items)
            self._messages = tuple(Message(role=line[0], text=line[1]) for line in said if line)
            self._items = None
        return self._messages

    @overload
    def __getitem__(self, index: int) -> Message: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Message, ...]: ...

    def __getitem__(self, index: int | slice) -> Message | tuple[Message, ...]:
        """Return a message, or a tuple of them."""
        return self._read()[index]

    def __len__(self) -> int:
        """Return how many messages there are."""
        return len(self._read())

    def __eq__(self, other: object) -> bool:
        """Compare with a tuple of messages (or another `EarlierMessages`) by content."""
        if isinstance(other, EarlierMessages):
            return self._read() == other._read()
        if isinstance(other, tuple):
            return self._read() == other
        return NotImplemented

    def __hash__(self) -> int:
        """Hash as the tuple of messages does."""
        return hash(self._read())

    def __repr__(self) -> str:
        """Show the messages as a tuple."""
        return repr(self._read())


def _said(item: dict[str, Any], context_prefixes: tuple[str, ...]) -> tuple[str, str] | None:
    """Return who said a message and its text; None for tool calls and context messages."""
    role = item.get("role")
    if role not in ("user", "assistant") or not _is_message(item, role):
        return None
    text = _message_text(item)
    if role == "user" and text.startswith(context_prefixes):
        return None
    return role, text


def as_dict(item: Any) -> dict[str, Any]:
    """Return an input item (a dict or a pydantic model) as a plain dict, only to be read."""
    if type(item) is dict:  # the runner's own items: no copy, no ABC check (~1 µs each)
        return item
    if isinstance(item, Mapping):
        return dict(item)
    dump = getattr(item, "model_dump", None)
    if callable(dump):
        try:
            return dict(dump(exclude_unset=True))
        except Exception:
            return {}
    return {}


def _is_message(item: dict[str, Any], role: str) -> bool:
    # Easy input messages have no "type"; full ones say "message".
    return item.get("role") == role and item.get("type", "message") == "message"


def _message_text(item: dict[str, Any]) -> str:
    # ChatKit puts what the user typed first and attachment or @-tag descriptions after it.
    first_only = item.get("role") == "user"
    return _content_text(item.get("content"), first_only=first_only)


def _content_text(content: Any, first_only: bool = False) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    texts: list[str] = []
    for part in content:
        part = as_dict(part) if not isinstance(part, str) else {"text": part}
        if part.get("type", "input_text") in ("input_text", "output_text", "text"):
            text = part.get("text")
            if isinstance(text, str):
                texts.append(text)
    return texts[0] if first_only and texts else "\n".join(texts)


def _tool_results(items: list[dict[str, Any]]) -> tuple[ToolResult, ...]:
    outputs = {
        item.get("call_id"): _content_text(item.get("output"))
        for item in items
        if item.get("type") == "function_call_output"
    }
    results = []
    for item in items:
        if item.get("type") != "function_call" or item.get("call_id") not in outputs:
            continue
        try:
            arguments = json.loads(item.get("arguments") or "{}")
        except (TypeError, ValueError):
            arguments = {}
        results.append(
            ToolResult(
                name=str(item.get("name", "")),
                arguments=arguments if isinstance(arguments, dict) else {},
                output=outputs[item.get("call_id")],
            )
        )
    return tuple(results)
