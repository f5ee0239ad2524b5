"""Shape what each model request of a turn carries: repaired tool calls, budgeted history."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agents import TResponseInputItem
from agents.run_config import CallModelData, ModelInputData

from chatkit_bridge.budget import ContextBudget, estimate_tokens, fit_history, tools_tokens

BROKEN_ARGUMENTS = (
    "Nothing was done: the arguments of this {name} call were not valid JSON (the reply was "
    "probably cut off). Call the tool again with complete, shorter arguments, or answer in text."
)
STATE_HEADING = "Current state, from the app (not written by the user):"


@dataclass
class TurnInput:
    """The `call_model_input_filter` of one turn.

    :param budget: the context budget of the model
    :param keep_from: index of the current turn's first input item; older ones may be dropped
    """

    budget: ContextBudget
    keep_from: int

    def __call__(self, data: CallModelData[Any]) -> ModelInputData:
        """Repair broken tool calls and drop the oldest history that does not fit."""
        items = repair_tool_calls(data.model_data.input)
        instructions = data.model_data.instructions
        fixed = estimate_tokens(instructions or "") + tools_tokens(data.agent.tools)
        kept = fit_history(items, self.keep_from, fixed, self.budget)
        return ModelInputData(input=kept, instructions=instructions)


def repair_tool_calls(items: Sequence[TResponseInputItem]) -> list[TResponseInputItem]:
    """Replace tool-call arguments that are not a JSON object, and say so in their output.

    Sending broken arguments back makes strict servers (llama.cpp) fail the whole request,
    and the model learns nothing; `{}` with an explanation lets it try again or answer.
    """
    broken: dict[str, str] = {}
    repaired: list[TResponseInputItem] = []
    for item in items:
        fields = _fields(item)
        if fields.get("type") == "function_call" and not _json_object(fields.get("arguments")):
            broken[str(fields.get("call_id"))] = str(fields.get("name", "tool"))
            item = {**fields, "arguments": "{}"}  # type: ignore[assignment]
        elif fields.get("type") == "function_call_output" and fields.get("call_id") in broken:
            name = broken[str(fields["call_id"])]
            item = {**fields, "output": BROKEN_ARGUMENTS.format(name=name)}  # type: ignore[assignment]
        repaired.append(item)
    return repaired


def with_state(items: list[TResponseInputItem], state: str | None) -> list[TResponseInputItem]:
    """Add the use case's current state after the history, to the newest user message.

    Instructions and tools stay byte-identical across requests, so servers reuse their
    prompt cache; only the end of the prompt changes from turn to turn.
    """
    if not state or not items or _fields(items[-1]).get("role") != "user":
        return items
    last = _fields(items[-1])
    content = last.get("content")
    parts = [{"type": "input_text", "text": content}] if isinstance(content, str) else content
    note = {"type": "input_text", "text": f"\n\n{STATE_HEADING}\n{state}"}
    return [*items[:-1], {**last, "content": [*(parts or []), note]}]  # type: ignore[list-item]


def _fields(item: TResponseInputItem | Any) -> dict[str, Any]:
    """Return an input item as a plain dict."""
    if isinstance(item, dict):
        return item
    return dict(item.model_dump(exclude_unset=True))


def _json_object(arguments: object) -> bool:
    """Tell whether tool-call arguments are a JSON object (empty counts as `{}`)."""
    if arguments in (None, ""):
        return True
    try:
        return isinstance(json.loads(str(arguments)), dict)
    except ValueError:
        return False
