"""A turn's event stream leaves in as few writes as its events allow, and always ends cleanly."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from chatkit.server import StreamingResult
from fastapi import FastAPI

from chatkit_bridge.http import EventStreamResponse, chatkit_router, coalesced, guarded_stream
from chatkit_bridge.jsonfiles import StorageError
from tests.stack import build_stack
from tests.wire import user_input

Message = dict[str, Any]


async def exchange(app: Any, body: bytes) -> list[Message]:
    """Send one POST /chatkit to an ASGI app as a signed-in browser; return what it sent."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/chatkit",
        "raw_path": b"/chatkit",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
        "session": {"id": "alice"},  # what the session middleware puts there
    }
    requests = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[Message] = []

    async def receive() -> Message:
        if requests:
            return requests.pop()
        await asyncio.Future()  # the client stays until the answer has ended
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def events(messages: list[Message]) -> list[dict[str, Any]]:
    """Decode the SSE events of a streamed answer."""
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return [json.loads(line[len("data: ") :]) for line in body.decode().split("\n\n") if line]


def assert_few_writes(messages: list[Message], *, end_may_be_empty: bool = False) -> None:
    """Headers right before the first events, no empty write, the body ended once.

    :param end_may_be_empty: allow an empty end marker, for a stream whose end may come a
        window after its last event (a real turn on a busy machine)
    """
    kinds = [message["type"] for message in messages]
    assert kinds[0] == "http.response.start" and kinds[1:] == ["http.response.body"] * (
        len(kinds) - 1
    )
    bodies = messages[1:]
    checked = bodies[:-1] if end_may_be_empty else bodies
    assert all(message["body"] for message in checked), "an empty write"
    assert [message["more_body"] for message in bodies] == [True] * (len(bodies) - 1) + [False]


async def test_a_turn_sends_its_headers_with_its_first_events_and_ends_with_its_last(
    tmp_path: Path,
) -> None:
    stack = build_stack(tmp_path / "data", llm_provider="offline")
    app = FastAPI()
    app.include_router(chatkit_router(stack.server, "browser"))
    create = {"type": "threads.create", "params": {"input": user_input("add buy milk")}}

    messages = await exchange(app, json.dumps(create).encode())

    assert messages[0]["status"] == 200
    # Whether the turn's end comes within a window of its last event depends on the machine's
    # load; the stream tests below pin that down with streams of known timing.
    assert_few_writes(messages, end_may_be_empty=True)
    sent = events(messages)
    assert sent[0]["type"] == "thread.created"
    assert any(event["type"] == "thread.item.done" for event in sent)
    assert "buy milk" in json.dumps(sent[-3:])  # the answer is in the last write
    assert stack.titles("browser:alice") == [("buy milk", False)]


# 0.5 s: far past the first batch's window (0.02 s), even when a busy machine delays a timer.
@pytest.mark.parametrize("pause", [0.0, 0.5], ids=["failing-at-once", "failing-later"])
async def test_a_stream_that_fails_midway_ends_with_the_error_event(pause: float) -> None:
    produced: list[str] = []

    async def failing() -> AsyncIterator[bytes]:
        produced.append("thread.created")
        yield b'data: {"type":"thread.created"}\n\n'
        await asyncio.sleep(pause)
        raise StorageError("disk gone")

    response = EventStreamResponse(guarded_stream(StreamingResult(failing())))
    messages: list[Message] = []
    produced_by_the_headers: list[list[str]] = []

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            produced_by_the_headers.append(list(produced))
        messages.append(message)

    await response.stream_response(send)

    assert_few_writes(messages)
    assert produced_by_the_headers == [["thread.created"]], "headers waited for the first event"
    assert len(messages) == 3
    assert events(messages)[0]["type"] == "thread.created"
    last = events(messages)[-1]
    assert last["type"] == "error" and "storage problem" in last["message"]


async def test_the_first_events_go_out_at_once_and_later_ones_in_fewer_writes() -> None:
    async def turn() -> AsyncIterator[bytes]:
        yield b"thread and message\n"
        await asyncio.sleep(0.3)
        yield b"a delta\n"
        await asyncio.sleep(0.3)
        yield b"another delta\n"

    # Gaps far from both windows (0.01 and 3 s): a busy machine that wakes a timer late
    # cannot move an event across a window's end. The stream's end closes the long window.
    batches = [batch async for batch in coalesced(turn(), 0.01, 3.0)]

    # The first batch waits only the short window; later events share the long one.
    assert batches == [
        (b"thread and message\n", False),
        (b"a delta\nanother delta\n", True),
    ]
