"""Read the agents runner's Responses-format input as the interpreter's `Turn`."""

import json
from collections.abc import Mapping
from typing import Any

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
    items = [as_dict(item) for item in input]
    said = [_said(item, context_prefixes) for item in items]  # each item's text read once
    last_user = max((i for i, line in enumerate(said) if line and line[0] == "user"), default=-1)
    history = tuple(
        Message(role=line[0], text=line[1]) for line in said[: max(last_user, 0)] if line
    )
    user_line = said[last_user] if last_user >= 0 else None
    return Turn(
        user_text=user_line[1] if user_line else "",
        history=history,
        tool_results=_tool_results(items[last_user + 1 :]),
    )


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
