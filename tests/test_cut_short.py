"""A first turn cut short leaves no empty "New chat": the thread keeps the message and its name."""

import json
from pathlib import Path

import httpx
from chatkit.server import StreamingResult

from chatkit_bridge.context import RequestContext
from tests.app_process import running_app
from tests.fake_openai import FakeOpenAI, SlowSay
from tests.stack import build_stack
from tests.wire import call, thread_items, user_input

CREATE = {"type": "threads.create", "params": {"input": user_input("Plan the garden party")}}


def test_a_first_turn_stopped_mid_reply_keeps_a_named_thread_with_the_message(
    tmp_path: Path,
) -> None:
    with (
        FakeOpenAI().running() as fake,
        running_app(tmp_path / "data", LLM_PROVIDER="openai", OPENAI_BASE_URL=fake.base_url) as url,
        httpx.Client(base_url=url, timeout=60) as client,
    ):
        fake.default = SlowSay("one two three four five six seven eight nine ten", delay=0.5)
        lines: list[str] = []
        with client.stream("POST", "/chatkit", json=CREATE) as response:
            for line in response.iter_lines():
                lines.append(line)
                if '"thread.item.added"' in line and "assistant_message" in line:
                    break  # the user closes the tab while the reply streams
            else:
                raise AssertionError(f"no reply started ({response.status_code}): {lines}")
        listed = call(client, "threads.list").json()["data"]
        assert [t["title"] for t in listed] == ["Plan the garden party"]
        items = thread_items(client, listed[0]["id"])
        assert items[0]["type"] == "user_message"
        assert items[0]["content"][0]["text"] == "Plan the garden party"


async def test_a_first_turn_stopped_before_the_message_was_kept_leaves_no_thread(
    tmp_path: Path,
) -> None:
    stack = build_stack(tmp_path / "data", llm_provider="offline")
    alice = RequestContext(user_id="alice")
    result = await stack.server.process(json.dumps(CREATE), alice)
    assert isinstance(result, StreamingResult)
    chunks = result.json_events
    first = json.loads((await anext(chunks)).removeprefix(b"data: "))
    assert first["type"] == "thread.created"
    assert (await stack.store.load_threads(10, None, "desc", alice)).data, "the SDK saved it"

    await chunks.aclose()  # the client went away right after "thread.created"

    assert (await stack.store.load_threads(10, None, "desc", alice)).data == []
