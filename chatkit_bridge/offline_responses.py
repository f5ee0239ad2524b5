"""The Responses API items and stream events the offline model answers with.

The same items and the same streamed event sequence a Responses API model sends (the one
ChatKit consumes), built from the offline model's decisions (`offline_model.py`).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import AsyncIterator, Callable

from agents.items import TResponseOutputItem
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

MODEL_NAME = "offline"


async def stream_events(
    output: list[TResponseOutputItem], chunks: Callable[[str], list[str]], delay: float
) -> AsyncIterator[ResponseStreamEvent]:
    """Stream output items as Responses API events.

    :param chunks: splits a message's text into its text deltas.
    :param delay: seconds between two text deltas.
    """
    response = response_of(output)
    seq = _Counter()
    pending = response.model_copy(update={"output": [], "status": "in_progress", "usage": None})
    yield ResponseCreatedEvent(type="response.created", response=pending, sequence_number=seq())
    yield ResponseInProgressEvent(
        type="response.in_progress", response=pending, sequence_number=seq()
    )
    for index, item in enumerate(output):
        if isinstance(item, ResponseOutputMessage):
            async for event in _message_events(item, index, seq, chunks, delay):
                yield event
        elif isinstance(item, ResponseFunctionToolCall):
            for event in _function_call_events(item, index, seq):
                yield event
    yield ResponseCompletedEvent(
        type="response.completed", response=response, sequence_number=seq()
    )


def message(text: str) -> ResponseOutputMessage:
    """Return a completed assistant message item."""
    return ResponseOutputMessage(
        type="message",
        id=new_id("msg"),
        role="assistant",
        status="completed",
        content=[ResponseOutputText(type="output_text", text=text, annotations=[], logprobs=[])],
    )


def response_of(output: list[TResponseOutputItem]) -> Response:
    """Return a completed response holding `output`."""
    return Response(
        id=new_id("resp"),
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


def new_id(prefix: str) -> str:
    """Return a new unique id such as `call_<32 hex digits>`."""
    return f"{prefix}_{_ids.getrandbits(128):032x}"


class _Counter:
    """Hand out the increasing sequence numbers of one stream."""

    def __init__(self) -> None:
        self.value = -1

    def __call__(self) -> int:
        self.value += 1
        return self.value


async def _message_events(
    item: ResponseOutputMessage,
    index: int,
    seq: _Counter,
    chunks: Callable[[str], list[str]],
    delay: float,
) -> AsyncIterator[ResponseStreamEvent]:
    part = item.content[0]
    text = part.text if isinstance(part, ResponseOutputText) else ""
    for event in _message_start(item, index, seq):
        yield event
    for n, chunk in enumerate(chunks(text)):
        if delay > 0 and n:
            await asyncio.sleep(delay)
        yield ResponseTextDeltaEvent(
            type="response.output_text.delta",
            content_index=0,
            delta=chunk,
            logprobs=[],
            sequence_number=seq(),
            item_id=item.id,
            output_index=index,
        )
    for event in _message_end(item, index, seq, text):
        yield event


def _message_start(
    item: ResponseOutputMessage, index: int, seq: _Counter
) -> list[ResponseStreamEvent]:
    empty_part = ResponseOutputText(type="output_text", text="", annotations=[], logprobs=[])
    return [
        ResponseOutputItemAddedEvent(
            type="response.output_item.added",
            item=item.model_copy(update={"content": [], "status": "in_progress"}),
            output_index=index,
            sequence_number=seq(),
        ),
        ResponseContentPartAddedEvent(
            type="response.content_part.added",
            content_index=0,
            part=empty_part,
            sequence_number=seq(),
            item_id=item.id,
            output_index=index,
        ),
    ]


def _message_end(
    item: ResponseOutputMessage, index: int, seq: _Counter, text: str
) -> list[ResponseStreamEvent]:
    common = {"item_id": item.id, "output_index": index}
    return [
        ResponseTextDoneEvent(
            type="response.output_text.done",
            content_index=0,
            text=text,
            logprobs=[],
            sequence_number=seq(),
            **common,
        ),
        ResponseContentPartDoneEvent(
            type="response.content_part.done",
            content_index=0,
            part=item.content[0],
            sequence_number=seq(),
            **common,
        ),
        ResponseOutputItemDoneEvent(
            type="response.output_item.done", item=item, output_index=index, sequence_number=seq()
        ),
    ]


def _function_call_events(
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
