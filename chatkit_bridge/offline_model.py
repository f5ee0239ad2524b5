"""A deterministic, offline `Model` that lets an `Interpreter` play the LLM.

The model turns the Responses-format input of the agents runner into a `Turn`, asks the
interpreter for the next step and answers with function calls or one assistant message, exactly
like a Responses API model would (including the streamed event sequence ChatKit consumes).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

from agents import FunctionTool
from agents.items import ModelResponse, TResponseInputItem, TResponseOutputItem
from agents.models.interface import Model, ModelTracing
from agents.usage import Usage
from openai.types.responses import ResponseFunctionToolCall, ResponseStreamEvent

from chatkit_bridge.interpreter import Interpreter, Reply, ToolCall
from chatkit_bridge.offline_responses import MODEL_NAME, message, new_id, stream_events
from chatkit_bridge.offline_transcript import CONTEXT_PREFIXES, as_dict, turn_from_input

if TYPE_CHECKING:
    from agents.agent_output import AgentOutputSchemaBase
    from agents.handoffs import Handoff
    from agents.model_settings import ModelSettings
    from agents.tool import Tool
    from openai.types.responses.response_prompt_param import ResponsePromptParam

__all__ = ["FALLBACK_TEXT", "MAX_TOOL_ROUNDS", "MODEL_NAME", "UNKNOWN_TOOL_TEXT", "OfflineModel"]

logger = logging.getLogger(__name__)

FALLBACK_TEXT = "Sorry, something went wrong on my side. Please try again in other words."
UNKNOWN_TOOL_TEXT = "Sorry, I can't do that here."
# A safety net: an interpreter that keeps asking for tools would loop until the runner's
# max_turns error (10 by default); after this many tool rounds in one turn the model replies.
MAX_TOOL_ROUNDS = 5

_CHUNK_RE = re.compile(r"\S+\s*|\s+")


class OfflineModel(Model):
    """A `Model` whose answers come from a deterministic `Interpreter`; no network, no account."""

    def __init__(
        self,
        interpreter: Interpreter,
        *,
        chunk_delay: float = 0.0,
        words_per_chunk: int = 3,
        context_prefixes: tuple[str, ...] = CONTEXT_PREFIXES,
    ) -> None:
        """Answer with `interpreter`; stream replies a few words at a time, `chunk_delay` apart."""
        self.interpreter = interpreter
        self.chunk_delay = chunk_delay
        self.words_per_chunk = max(1, words_per_chunk)
        self.context_prefixes = context_prefixes

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: ResponsePromptParam | None = None,
    ) -> ModelResponse:
        """Return the interpreter's next step as a complete model response."""
        output = self.decide(input, tools)
        return ModelResponse(output=output, usage=Usage(), response_id=new_id("resp"))

    async def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: ResponsePromptParam | None = None,
    ) -> AsyncIterator[ResponseStreamEvent]:
        """Stream the interpreter's next step as Responses API events."""
        async for event in stream_events(self.decide(input, tools), self._chunks, self.chunk_delay):
            yield event

    def decide(
        self, input: str | list[TResponseInputItem], tools: Iterable[Any]
    ) -> list[TResponseOutputItem]:
        """Ask the interpreter for the next step and return it as output items; never raise."""
        try:
            turn = turn_from_input(input, self.context_prefixes)
            if _tool_rounds(input) >= MAX_TOOL_ROUNDS:
                logger.warning("offline interpreter kept calling tools; ending the turn")
                outputs = dict.fromkeys(r.output.strip() for r in turn.tool_results)
                return [message(" ".join(o for o in outputs if o) or FALLBACK_TEXT)]
            step = self.interpreter.next_step(turn)
            if isinstance(step, Reply):
                return [message(step.text or FALLBACK_TEXT)]
            return _function_calls(tuple(step), _function_tool_names(tools))
        except Exception:
            # A broken rule must not break the chat: the user gets a polite answer, we get a log.
            logger.exception("offline interpreter failed")
            return [message(FALLBACK_TEXT)]

    def _chunks(self, text: str) -> list[str]:
        words = _CHUNK_RE.findall(text)
        size = self.words_per_chunk
        return ["".join(words[i : i + size]) for i in range(0, len(words), size)]


def _function_calls(calls: tuple[ToolCall, ...], known: set[str]) -> list[TResponseOutputItem]:
    if not calls:
        return [message(FALLBACK_TEXT)]
    unknown = [call.name for call in calls if call.name not in known]
    if unknown:
        # Calling a missing tool would make the runner fail the whole turn.
        logger.warning("offline interpreter asked for unknown tools: %s", unknown)
        return [message(UNKNOWN_TOOL_TEXT)]
    output: list[TResponseOutputItem] = []
    for call in calls:
        call_id = new_id("call")
        output.append(
            ResponseFunctionToolCall(
                type="function_call",
                id=new_id("fc"),
                call_id=call_id,
                name=call.name,
                arguments=json.dumps(call.arguments, ensure_ascii=False),
                status="completed",
            )
        )
    return output


def _function_tool_names(tools: Iterable[Any]) -> set[str]:
    return {tool.name for tool in tools or () if isinstance(tool, FunctionTool)}


def _tool_rounds(input: str | list[TResponseInputItem]) -> int:
    """Count the model responses with function calls since the last user message."""
    rounds, following = 0, None
    # From the end back to the last user message (not through the whole history).
    for item in map(as_dict, reversed(input) if isinstance(input, list) else ()):
        kind = item.get("type")
        if item.get("role") == "user":
            return rounds + (following == "function_call" and kind != "function_call")
        if following == "function_call" and kind != "function_call":
            rounds += 1  # `following` starts a round
        following = kind
    return rounds + (following == "function_call")
