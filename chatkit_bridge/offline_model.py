"""A deterministic, offline `Model` that lets an `Interpreter` play the LLM.

The model turns the Responses-format input of the agents runner into a `Turn`, asks the
interpreter for the next step and answers with function calls or one assistant message, exactly
like a Responses API model would (including the streamed event sequence ChatKit consumes).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
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

from chatkit_bridge.interpreter import Interpreter, Message, Reply, ToolCall, ToolResult, Turn

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
# ChatKit's ThreadItemConverter sends widgets, hidden context, tasks, quotes and @-mention
# context as user messages with these openings; they are context, not what the user said.
CONTEXT_PREFIXES = (
    "The following graphical UI widget",
    "The following widget",  # chatkit_bridge.converter.PlainTextConverter
    "The following image was generated",
    "<HiddenContext>",
    "A message was displayed to the user that the following task was performed",
    "A structured input request was displayed to the user",
    "The user is referring to this in particular",
    "# User-provided context for @-mentions",
)
# A safety net: an interpreter that keeps asking for tools would loop until the runner's
# max_turns error (10 by default); after this many tool rounds in one turn the model replies.
MAX_TOOL_ROUNDS = 5

_CHUNK_RE = re.compile(r"\S+\s*|\s+")


def turn_from_input(
    input: str | list[TResponseInputItem], context_prefixes: tuple[str, ...] = CONTEXT_PREFIXES
) -> Turn:
    """Build the interpreter's view of a conversation from Responses-format input items."""
    if isinstance(input, str):
        return Turn(user_text=input)
    items = [_as_dict(item) for item in input]

    def said_by(item: dict[str, Any], role: str) -> bool:
        is_context = role == "user" and _message_text(item).startswith(context_prefixes)
        return _is_message(item, role) and not is_context

    last_user = max((i for i, item in enumerate(items) if said_by(item, "user")), default=-1)
    history = tuple(
        Message(role=item["role"], text=_message_text(item))
        for item in items[: max(last_user, 0)]
        if said_by(item, "user") or said_by(item, "assistant")
    )
    return Turn(
        user_text=_message_text(items[last_user]) if last_user >= 0 else "",
        history=history,
        tool_results=_tool_results(items[last_user + 1 :]),
    )


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


def _new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def _as_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        return dict(item)
    dump = getattr(item, "model_dump", None)
    if callable(dump):
        try:
            return dict(dump(exclude_unset=True))
        except Exception:
            return {}
    return {}


def _tool_rounds(input: str | list[TResponseInputItem]) -> int:
    """Count the model responses with function calls since the last user message."""
    rounds, previous = 0, None
    for item in map(_as_dict, input if isinstance(input, list) else ()):
        kind = item.get("type")
        if item.get("role") == "user":
            rounds = 0
        elif kind == "function_call" and previous != "function_call":
            rounds += 1
        previous = kind
    return rounds


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
        part = _as_dict(part) if not isinstance(part, str) else {"text": part}
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
