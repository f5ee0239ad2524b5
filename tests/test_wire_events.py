"""The page's events are the ones POST /chatkit sends: typed in process, JSON on the wire.

The page's client takes events from `BridgeServer.stream_request` without JSON; HTTP clients
get the same stream encoded by `compat.sse_chunks`. Here one stream feeds both: each event is
encoded the moment the server yields it (as HTTP does) and the client's events are compared
with the decoded ones once the stream has ended, so an event the server changes after handing
it over (it fills in streamed text, for one) shows up as a difference.
"""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import StreamingReq, ThreadStreamEvent, WidgetItem
from pydantic import TypeAdapter

from chatkit_bridge.compat import sse_chunks
from chatkit_bridge.context import RequestContext
from tests.stack import build_stack, collect, thread_id_of

EVENT: TypeAdapter[ThreadStreamEvent] = TypeAdapter(ThreadStreamEvent)


def seen(event: ThreadStreamEvent) -> dict[str, Any]:
    """Return what a reader of an event sees (thread metadata is never sent)."""
    return event.model_dump(mode="json", exclude={"thread": {"metadata"}})


async def test_the_page_and_the_wire_see_the_same_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = build_stack(tmp_path, llm_provider="offline")
    wire: list[ThreadStreamEvent] = []
    stream_request = stack.server.stream_request

    async def one(event: ThreadStreamEvent) -> AsyncIterator[ThreadStreamEvent]:
        yield event

    async def teed(request: StreamingReq, context: RequestContext) -> Any:
        async for event in stream_request(request, context):
            async for chunk in sse_chunks(stack.server, one(event)):
                wire.append(EVENT.validate_json(chunk.removeprefix(b"data: ")))
            yield event

    monkeypatch.setattr(stack.server, "stream_request", teed)
    page = await collect(stack.client.create_thread("Add milk and eggs"))
    card = next(e.item for e in page if isinstance(getattr(e, "item", None), WidgetItem))
    todo = stack.todos.list("alice")[0]
    payload = {"id": todo.id, "checked": True}
    page += await collect(
        stack.client.custom_action(thread_id_of(page), card.id, "todo.toggle", payload)
    )

    assert len(page) > 5
    assert [seen(event) for event in page] == [seen(event) for event in wire]
    assert stack.titles() == [("milk", True), ("eggs", False)]
