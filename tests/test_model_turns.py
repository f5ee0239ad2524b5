"""Imperfect real models: cut-off tool calls, small contexts, cut-off replies, slow servers."""

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import ProgressUpdateEvent, WidgetItem

from chatkit_bridge.turn_notes import CONTINUE_ACTION, DO_IT_ACTION
from tests.fake_openai import GATE_PATIENCE, CallTool, Delay, Fail, FakeOpenAI, Say
from tests.polling import stays, until
from tests.stack import Stack, assistant_texts, build_stack, collect, errors_in, thread_id_of

CUT_ARGUMENTS = CallTool("add_todos", '{"titles": ["buy milk", "walk th', finish="length")


def model_stack(fake: FakeOpenAI, folder: Path, **settings: Any) -> Stack:
    """Point the app at the fake server as a local OpenAI-compatible endpoint."""
    settings.setdefault("llm_max_retries", 0)
    settings.setdefault("llm_timeout_seconds", 30)  # generous: a busy machine answers late
    return build_stack(folder, openai_base_url=fake.base_url, openai_model="local", **settings)


@pytest.fixture
def fake() -> Any:
    """Run the scripted model server (strict like llama.cpp about tool-call JSON)."""
    with FakeOpenAI().running() as server:
        yield server


def notes(items: list[Any], key: str) -> list[WidgetItem]:
    """Return the bridge's note widgets of one kind."""
    return [i for i in items if isinstance(i, WidgetItem) and i.widget.key == key]


def note_buttons(note: WidgetItem) -> list[Any]:
    """Return the buttons of a note widget."""
    rows = [child for child in note.widget.children if child.type == "Row"]
    return [button for row in rows for button in row.children]


# -- 1. malformed tool arguments, deterministic errors --------------------------------------


async def test_tool_arguments_cut_off_never_reach_the_server_again(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    stack = model_stack(fake, tmp_path)
    fake.script = [CUT_ARGUMENTS, Say("Sorry, which todos?")]
    events = await collect(stack.client.create_thread("add buy milk and walk the dog"))

    assert not errors_in(events), "the strict server accepted the repaired history"
    assert stack.titles() == []
    second = fake.requests[1].body["messages"]
    (call,) = [c for m in second for c in m.get("tool_calls") or []]
    assert json.loads(call["function"]["arguments"]) == {}
    (output,) = [m["content"] for m in second if m["role"] == "tool"]
    assert "not valid JSON" in output and "Nothing was done" in output
    thread_id = thread_id_of(events)
    items = (await stack.client.list_items(thread_id)).data
    assert assistant_texts(items) == ["Sorry, which todos?"]

    fake.script = [CallTool("add_todos", '{"titles": ["buy milk"]}'), Say("Added.")]
    assert not errors_in(await collect(stack.client.send_message(thread_id, "just milk")))
    assert stack.titles() == [("buy milk", False)]


@pytest.mark.parametrize(("status", "requests"), [(500, 1), (400, 1), (503, 3), (502, 3)])
async def test_only_transient_failures_are_retried(
    fake: FakeOpenAI, tmp_path: Path, status: int, requests: int
) -> None:
    stack = model_stack(fake, tmp_path, llm_max_retries=2)
    fake.default = Fail(status)
    events = await collect(stack.client.create_thread("hello"))

    assert len(errors_in(events)) == 1
    assert len(fake.requests) == requests


async def test_a_transient_failure_then_success_answers(fake: FakeOpenAI, tmp_path: Path) -> None:
    stack = model_stack(fake, tmp_path, llm_max_retries=2)
    fake.script = [Fail(503), Say("Back again.")]
    events = await collect(stack.client.create_thread("hello"))

    assert not errors_in(events)
    items = (await stack.client.list_items(thread_id_of(events))).data
    assert assistant_texts(items) == ["Back again."]


# -- 2. token-budgeted history --------------------------------------------------------------


async def test_a_long_thread_keeps_fitting_a_small_context(tmp_path: Path) -> None:
    with FakeOpenAI(context_tokens=3200).running() as fake:
        stack = model_stack(fake, tmp_path, llm_context_tokens=3200)
        events = await collect(stack.client.create_thread("message number 0 " + "x" * 300))
        thread_id = thread_id_of(events)
        for n in range(1, 12):
            text = f"message number {n} " + "x" * 300
            assert not errors_in(await collect(stack.client.send_message(thread_id, text)))

    last = fake.requests[-1].body["messages"]
    said = json.dumps(last)
    assert "message number 11" in said
    assert "message number 0 " not in said, "the oldest turns were left out"
    assert last[1]["role"] == "user", "the kept history starts with the user"


async def test_a_server_with_less_context_teaches_the_budget_and_retry_works(
    tmp_path: Path,
) -> None:
    with FakeOpenAI(context_tokens=3000).running() as fake:
        stack = model_stack(fake, tmp_path, llm_context_tokens=8000)  # more than it has
        thread_id = thread_id_of(await collect(stack.client.create_thread("turn 0")))
        for n in range(1, 30):
            events = await collect(stack.client.send_message(thread_id, f"turn {n} " + "z" * 300))
            if errors_in(events):
                break

        (error,) = errors_in(events)
        assert "LLM_CONTEXT_TOKENS=3000" in (error.message or ""), error.message
        assert error.allow_retry
        newest = (await stack.client.list_items(thread_id, limit=1, order="desc")).data[0]
        assert newest.type == "user_message"
        retried = await collect(stack.client.retry(thread_id, newest.id))
        assert not errors_in(retried)
        assert not errors_in(await collect(stack.client.send_message(thread_id, "and on")))


async def test_when_not_even_one_turn_fits_the_message_names_the_setting(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    stack = model_stack(fake, tmp_path, llm_context_tokens=1024)
    events = await collect(stack.client.create_thread("hello"))

    (error,) = errors_in(events)
    assert "LLM_CONTEXT_TOKENS=1,024" in (error.message or "")
    assert "llama-server -c" in (error.message or "")
    assert not error.allow_retry
    assert fake.requests == [], "nothing doomed was sent"


async def test_when_tool_results_overflow_the_message_says_so_not_that_the_message_is_long(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    stack = model_stack(fake, tmp_path, llm_context_tokens=4096)
    titles = [f"errand {n} " + "x" * 390 for n in range(12)]
    fake.script = [CallTool("add_todos", json.dumps({"titles": titles})), Say("Added.")]
    events = await collect(stack.client.create_thread("add my errands"))

    (error,) = errors_in(events)
    assert "tool calls and results do not fit" in (error.message or ""), error.message
    assert "LLM_CONTEXT_TOKENS=4,096" in (error.message or "")
    assert "shorter message" not in (error.message or "")
    assert len(fake.requests) == 1, "the overflowing second request was never sent"


# -- 3. prompt layout for caching -----------------------------------------------------------


async def test_instructions_and_tools_stay_identical_while_the_state_follows_the_history(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    stack = model_stack(fake, tmp_path)
    fake.script = [CallTool("add_todos", '{"titles": ["buy milk"]}'), Say("Added.")]
    thread_id = thread_id_of(await collect(stack.client.create_thread("add buy milk")))
    fake.script = [CallTool("add_todos", '{"titles": ["walk dog"]}'), Say("Added.")]
    await collect(stack.client.send_message(thread_id, "add walk dog"))

    bodies = [request.body for request in fake.requests]
    assert len({json.dumps(b["messages"][0]) for b in bodies}) == 1, "one system prompt"
    assert len({json.dumps(b["tools"]) for b in bodies}) == 1
    assert "buy milk" not in bodies[0]["messages"][0]["content"]
    third = bodies[2]["messages"]
    assert json.dumps(third[: len(bodies[1]["messages"]) - 3]) == json.dumps(
        bodies[1]["messages"][:-3]
    ), "the earlier turn is a stable prefix"
    state = json.dumps(third[-1])
    assert third[-1]["role"] == "user" and "add walk dog" in state
    assert "buy milk" in state, "the current list comes after the history"


# -- 4. cut-off replies ---------------------------------------------------------------------


async def test_a_cut_off_reply_is_marked_and_continue_goes_on(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    stack = model_stack(fake, tmp_path)
    fake.script = [Say("Here is a long story that never", finish="length")]
    thread_id = thread_id_of(await collect(stack.client.create_thread("tell me a story")))
    items = (await stack.client.list_items(thread_id)).data
    (note,) = notes(items, "cut-off")
    assert "cut off" in (note.copy_text or "")
    (button,) = note_buttons(note)
    assert button.label == "Continue" and button.onClickAction.type == CONTINUE_ACTION

    fake.script = [Say("ends happily.")]
    events = await collect(stack.client.custom_action(thread_id, note.id, CONTINUE_ACTION, {}))
    assert not errors_in(events)
    items = (await stack.client.list_items(thread_id)).data
    assert assistant_texts(items) == ["Here is a long story that never", "ends happily."]
    (note,) = notes(items, "cut-off")
    assert note_buttons(note) == [], "Continue is offered once"
    assert fake.requests[-1].body["messages"][-1]["content"][0]["text"] == "Continue"


async def test_a_finished_reply_has_no_cut_off_mark(fake: FakeOpenAI, tmp_path: Path) -> None:
    stack = model_stack(fake, tmp_path)
    fake.script = [Say("All done.")]
    thread_id = thread_id_of(await collect(stack.client.create_thread("hi")))
    assert notes((await stack.client.list_items(thread_id)).data, "cut-off") == []


# -- 5. turn timeout and the wait -----------------------------------------------------------


async def test_a_turn_is_bounded_as_a_whole_and_the_wait_is_announced(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    stack = model_stack(fake, tmp_path, llm_turn_timeout_seconds=1.5)
    fake.script = [Delay(GATE_PATIENCE, Say("too late"))]  # until the server stops
    events = await collect(stack.client.create_thread("hello"))

    kinds = [event.type for event in events]
    assert kinds.index("progress_update") < kinds.index("error"), kinds
    (waiting,) = [e for e in events if isinstance(e, ProgressUpdateEvent)]
    assert waiting.text == "Waiting for the model…"
    (error,) = errors_in(events)
    assert "LLM_TURN_TIMEOUT_SECONDS" in (error.message or "")
    fake.script = [Say("Quick now.")]
    thread_id = thread_id_of(events)
    assert not errors_in(await collect(stack.client.send_message(thread_id, "again")))


async def test_with_one_slot_the_second_user_waits_and_is_answered(tmp_path: Path) -> None:
    with FakeOpenAI(slots=1).running() as fake:
        stack = model_stack(fake, tmp_path)
        alice_may_have_her_answer = threading.Event()
        fake.script = [
            Delay(GATE_PATIENCE, Say("Answer for Alice."), gate=alice_may_have_her_answer),
            Say("Answer for Bob."),
        ]
        alice = asyncio.create_task(collect(stack.client.create_thread("hi from alice")))
        try:
            await until(lambda: len(fake.requests) == 1, what="Alice's request takes the slot")
            bob = asyncio.create_task(collect(stack.as_user("bob").create_thread("hi from bob")))
            await until(lambda: len(fake.requests) == 2, what="Bob's request reaches the server")
            await stays(lambda: not bob.done())  # Bob waits for the slot Alice holds
        finally:
            alice_may_have_her_answer.set()
        alice_events, bob_events = await alice, await bob

    assert not errors_in(alice_events) and not errors_in(bob_events)
    for client, events, answer in (
        (stack.client, alice_events, "Answer for Alice."),
        (stack.as_user("bob"), bob_events, "Answer for Bob."),
    ):
        items = (await client.list_items(thread_id_of(events))).data
        assert assistant_texts(items) == [answer]
    assert any(isinstance(e, ProgressUpdateEvent) for e in bob_events)
    assert len(fake.requests) == 2, "no request was given up and sent again"


# -- 7. "nothing changed" -------------------------------------------------------------------


async def test_a_claimed_change_without_a_tool_offers_to_do_it(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    stack = model_stack(fake, tmp_path)
    fake.script = [Say("Added buy milk to your list!")]
    thread_id = thread_id_of(await collect(stack.client.create_thread("add buy milk")))
    assert stack.titles() == []
    (note,) = notes((await stack.client.list_items(thread_id)).data, "nothing-changed")
    assert "Nothing was changed" in (note.copy_text or "")
    (button,) = note_buttons(note)
    assert button.onClickAction.type == DO_IT_ACTION

    payload = button.onClickAction.payload
    events = await collect(stack.client.custom_action(thread_id, note.id, DO_IT_ACTION, payload))
    assert not errors_in(events)
    assert stack.titles() == [("buy milk", False)]
    (note,) = notes((await stack.client.list_items(thread_id)).data, "nothing-changed")
    assert note_buttons(note) == []


async def test_small_talk_and_read_only_answers_get_no_note(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    stack = model_stack(fake, tmp_path)
    fake.script = [Say("Hello!"), Say("Your list is empty.")]
    thread_id = thread_id_of(await collect(stack.client.create_thread("hello there")))
    await collect(stack.client.send_message(thread_id, "what's on my list?"))
    assert notes((await stack.client.list_items(thread_id)).data, "nothing-changed") == []
