"""A deterministic, offline `Model` that lets an `Interpreter` play the LLM.

The model turns the Responses-format input of the agents runner into a `Turn`, asks the
interpreter for the next step and answers with function calls or one assistant message, exactly
like a Responses API model would (including the streamed event sequence ChatKit consumes).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import re
import time
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

from agents import FunctionTool
from agents.items import ModelResponse, TResponseInputItem, TResponseOutputItem
from agents.models.interface import Model, ModelTracing
from agents.usage import Usage
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseFunctionToolCall,
    ResponseInProgressEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseStreamEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseUsage,
)
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails

from chatkit_bridge.interpreter import Interpreter, Reply, ToolCall
from chatkit_bridge.offline_transcript import CONTEXT_PREFIXES, as_dict, turn_from_input

if TYPE_CHECKING:
    from agents.agent_output import AgentOutputSchemaBase
    from agents.handoffs import Handoff
    from agents.model_settings import ModelSettings
    from agents.tool import Tool
    from openai.types.responses.response_prompt_param import ResponsePromptParam

logger = logging.getLogger(__name__)

MODEL_NAME = "offline"
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
        return ModelResponse(output=output, usage=Usage(), response_id=_new_id("resp"))

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
        output = self.decide(input, tools)
        response = _response(output)
        seq = _Counter()
        pending = response.model_copy(update={"output": [], "status": "in_progress", "usage": None})
        yield ResponseCreatedEvent(type="response.created", response=pending, sequence_number=seq())
        yield ResponseInProgressEvent(
            type="response.in_progress", response=pending, sequence_number=seq()
        )
        for index, item in enumerate(output):
            if isinstance(item, ResponseOutputMessage):
                async for event in self._stream_message(item, index, seq):
                    yield event
            elif isinstance(item, ResponseFunctionToolCall):
                for event in _stream_function_call(item, index, seq):
                    yield event
        yield ResponseCompletedEvent(
            type="response.completed", response=response, sequence_number=seq()
        )

    def decide(
        self, input: str | list[TResponseInputItem], tools: Iterable[Any]
    ) -> list[TResponseOutputItem]:
        """Ask the interpreter for the next step and return it as output items; never raise."""
        try:
            turn = turn_from_input(input, self.context_prefixes)
            if _tool_rounds(input) >= MAX_TOOL_ROUNDS:
                logger.warning("offline interpreter kept calling tools; ending the turn")
                outputs = dict.fromkeys(r.output.strip() for r in turn.tool_results)
                return [_message(" ".join(o for o in outputs if o) or FALLBACK_TEXT)]
            step = self.interpreter.next_step(turn)
            if isinstance(step, Reply):
                return [_message(step.text or FALLBACK_TEXT)]
            return _function_calls(tuple(step), _function_tool_names(tools))
        except Exception:
            # A broken rule must not break the chat: the user gets a polite answer, we get a log.
            logger.exception("offline interpreter failed")
            return [_message(FALLBACK_TEXT)]

    async def _stream_message(
        self, item: ResponseOutputMessage, index: int, seq: _Counter
    ) -> AsyncIterator[ResponseStreamEvent]:
        part = item.content[0]
        text = part.text if isinstance(part, ResponseOutputText) else ""
        empty_part = ResponseOutputText(type="output_text", text="", annotations=[], logprobs=[])
        common = {"item_id": item.id, "output_index": index}
        yield ResponseOutputItemAddedEvent(
            type="response.output_item.added",
            item=item.model_copy(update={"content": [], "status": "in_progress"}),
            output_index=index,
            sequence_number=seq(),
        )
        yield ResponseContentPartAddedEvent(
            type="response.content_part.added",
            content_index=0,
            part=empty_part,
            sequence_number=seq(),
            **common,
        )
        for n, chunk in enumerate(self._chunks(text)):
            if self.chunk_delay > 0 and n:
                await asyncio.sleep(self.chunk_delay)
            yield ResponseTextDeltaEvent(
                type="response.output_text.delta",
                content_index=0,
                delta=chunk,
                logprobs=[],
                sequence_number=seq(),
                **common,
            )
        yield ResponseTextDoneEvent(
            type="response.output_text.done",
            content_index=0,
            text=text,
            logprobs=[],
            sequence_number=seq(),
            **common,
        )
        yield ResponseContentPartDoneEvent(
            type="response.content_part.done",
            content_index=0,
            part=part,
            sequence_number=seq(),
            **common,
        )
        yield ResponseOutputItemDoneEvent(
            type="response.output_item.done", item=item, output_index=index, sequence_number=seq()
        )

    def _chunks(self, text: str) -> list[str]:
        words = _CHUNK_RE.findall(text)
        size = self.words_per_chunk
        return ["".join(words[i : i + size]) for i in range(0, len(words), size)]


class _Counter:
    """Hand out the increasing sequence numbers of one stream."""

    def __init__(self) -> None:
        self.value = -1

    def __call__(self) -> int:
        self.value += 1
        return self.value


def _stream_function_call(
    item: ResponseFunctionToolCall, index: int, seq: _Counter
) -> list[ResponseStreamEvent]:
    item_id = item.id or item.call_id
    return [
        ResponseOutputItemAddedEvent(
            type="response.output_item.added",
            item=item.model_copy(update={"arguments": "", "status": "in_progress"}),
            output_index=index,
            sequence_number=seq(),
        ),
        ResponseFunctionCallArgumentsDeltaEvent(
            type="response.function_call_arguments.delta",
            item_id=item_id,
            output_index=index,
            delta=item.arguments,
            sequence_number=seq(),
        ),
        # Older openai types require `name`; newer ones keep it as an extra field.
        ResponseFunctionCallArgumentsDoneEvent.model_validate(
            {
                "type": "response.function_call_arguments.done",
                "item_id": item_id,
                "output_index": index,
                "arguments": item.arguments,
                "name": item.name,
                "sequence_number": seq(),
            }
        ),
        ResponseOutputItemDoneEvent(
            type="response.output_item.done", item=item, output_index=index, sequence_number=seq()
        ),
    ]


def _function_calls(calls: tuple[ToolCall, ...], known: set[str]) -> list[TResponseOutputItem]:
    if not calls:
        return [_message(FALLBACK_TEXT)]
    unknown = [call.name for call in calls if call.name not in known]
    if unknown:
        # Calling a missing tool would make the runner fail the whole turn.
        logger.warning("offline interpreter asked for unknown tools: %s", unknown)
        return [_message(UNKNOWN_TOOL_TEXT)]
    output: list[TResponseOutputItem] = []
    for call in calls:
        call_id = _new_id("call")
        output.append(
            ResponseFunctionToolCall(
                type="function_call",
                id=_new_id("fc"),
                call_id=call_id,
                name=call.name,
                arguments=json.dumps(call.arguments, ensure_ascii=False),
                status="completed",
            )
        )
    return output


def _function_tool_names(tools: Iterable[Any]) -> set[str]:
    return {tool.name for tool in tools or () if isinstance(tool, FunctionTool)}


def _message(text: str) -> ResponseOutputMessage:
    return ResponseOutputMessage(
        type="message",
        id=_new_id("msg"),
        role="assistant",
        status="completed",
        content=[ResponseOutputText(type="output_text", text=text, annotations=[], logprobs=[])],
    )


def _response(output: list[TResponseOutputItem]) -> Response:
    return Response(
        id=_new_id("resp"),
        created_at=time.time(),
        model=MODEL_NAME,
        object="response",
        output=output,
        tool_choice="auto",
        tools=[],
        top_p=None,
        parallel_tool_calls=True,
        status="completed",
        usage=ResponseUsage(
            input_tokens=0,
            output_tokens=0,
            total_tokens=0,
            # model_validate: newer openai types add fields (cache_write_tokens) older ones lack.
            input_tokens_details=InputTokensDetails.model_validate(
                {"cached_tokens": 0, "cache_write_tokens": 0}
            ),
            output_tokens_details=OutputTokensDetails(reasoning_tokens=0),
        ),
    )


# Ids only need to be unique, not secret: drawn from a generator seeded once from the OS,
# because `uuid.uuid4()` asks the OS each time, releasing the GIL (5 ids a turn; getting the
# GIL back can wait for a worker thread's switch interval).
_ids = random.Random()
os.register_at_fork(after_in_child=_ids.seed)  # a forked process draws its own ids


def _new_id(prefix: str) -> str:
    return f"{prefix}_{_ids.getrandbits(128):032x}"


def _tool_rounds(input: str | list[TResponseInputItem]) -> int:
    """Count the model responses with function calls since the last user message."""
    rounds, previous = 0, None
    for item in map(as_dict, input if isinstance(input, list) else ()):
        kind = item.get("type")
        if item.get("role") == "user":
            rounds = 0
        elif kind == "function_call" and previous != "function_call":
            rounds += 1
        previous = kind
    return rounds
