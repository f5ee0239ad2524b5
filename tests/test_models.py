"""Real model APIs, served by a scripted OpenAI-compatible server on 127.0.0.1."""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from chatkit.types import UserMessageItem

from tests.fake_openai import GATE_PATIENCE, BreakStream, CallTool, Fail, FakeOpenAI, Hang, Say
from tests.stack import (
    Stack,
    assistant_texts,
    build_stack,
    collect,
    errors_in,
    thread_id_of,
    widgets_in,
)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    """Run the scripted model server."""
    with FakeOpenAI().running() as server:
        yield server


@pytest.fixture
def stack(fake: FakeOpenAI, tmp_path: Path) -> Stack:
    """Point the app at the fake server as an OpenAI-compatible endpoint."""
    return build_stack(
        tmp_path,
        openai_base_url=fake.base_url,
        openai_model="local-model",
        llm_max_retries=0,
        llm_timeout_seconds=5,  # a busy machine answers late; the hang below outlasts it
    )


class StaticCredential:
    """An Entra ID credential that hands out a fixed token and remembers the scopes."""

    def __init__(self) -> None:
        self.scopes: list[str] = []

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.extend(scopes)
        return AccessToken("entra-token-123", int(time.time()) + 3600)

    async def close(self) -> None:
        """Nothing to release."""

    async def __aenter__(self) -> "StaticCredential":
        return self

    async def __aexit__(self, *args: object) -> None:
        return None


async def test_three_turns_keep_three_assistant_messages(stack: Stack, fake: FakeOpenAI) -> None:
    fake.script = [Say("First answer."), Say("Second answer."), Say("Third answer.")]
    thread_id = thread_id_of(await collect(stack.client.create_thread("hello")))
    await collect(stack.client.send_message(thread_id, "and again"))
    await collect(stack.client.send_message(thread_id, "once more"))

    items = (await stack.client.list_items(thread_id)).data
    assert assistant_texts(items) == ["First answer.", "Second answer.", "Third answer."]
    assistant_ids = [item.id for item in items if item.type == "assistant_message"]
    assert len(set(assistant_ids)) == 3
    assert "__fake_id__" not in assistant_ids
    second_request = fake.requests[1].body["messages"]
    assert {"role": "assistant", "content": "First answer."} in second_request


async def test_tool_call_from_a_chat_model_changes_todos_and_shows_the_card(
    stack: Stack, fake: FakeOpenAI
) -> None:
    fake.script = [CallTool("add_todos", '{"titles": ["buy milk", "walk dog"]}'), Say("Done.")]
    thread_id = thread_id_of(await collect(stack.client.create_thread("add milk and dog")))

    assert stack.titles() == [("buy milk", False), ("walk dog", False)]
    items = (await stack.client.list_items(thread_id)).data
    assert widgets_in(items), "the todo card is in the thread"
    assert assistant_texts(items) == ["Done."]


async def test_openai_compatible_server_gets_the_chat_path_and_key(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    stack = build_stack(tmp_path, openai_base_url=fake.base_url, openai_api_key="sk-local")
    await collect(stack.client.create_thread("hi"))
    request = fake.requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-local"
    assert stack.server.model.label.startswith("OpenAI-compatible · gpt-4o-mini @ 127.0.0.1")


async def test_azure_with_a_key_sends_the_deployment_path_and_api_key(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    stack = build_stack(
        tmp_path,
        azure_openai_endpoint=fake.root_url,
        azure_openai_deployment="my-gpt",
        azure_openai_api_key="azure-key-1",
    )
    await collect(stack.client.create_thread("hi"))
    request = fake.requests[0]
    assert (
        request.path == "/openai/deployments/my-gpt/chat/completions?api-version=2025-01-01-preview"
    )
    assert request.headers["api-key"] == "azure-key-1"
    assert "authorization" not in request.headers
    assert stack.server.model.label == "Azure OpenAI · my-gpt"


async def test_azure_with_entra_id_sends_a_bearer_token_for_the_cognitive_scope(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    credential = StaticCredential()
    stack = build_stack(tmp_path, azure_credential=credential, azure_openai_endpoint=fake.root_url)
    await collect(stack.client.create_thread("hi"))
    assert fake.requests[0].headers["authorization"] == "Bearer entra-token-123"
    assert credential.scopes == ["https://cognitiveservices.azure.com/.default"]


@pytest.mark.parametrize(
    ("step", "message", "retryable"),
    [
        (Fail(500), "The model service failed (HTTP 500); try again in a moment.", True),
        (Fail(429, {"Retry-After": "0"}), "rate limited; try again in a moment", True),
        # Retrying cannot fix credentials; the button would only fail again.
        (Fail(401), "refused our credentials; check OPENAI_API_KEY", False),
        (Hang(GATE_PATIENCE), "The model took too long to answer", True),  # until it stops
        (BreakStream("Half a sen"), "dropped the connection mid-answer; try again", True),
        (CallTool("launch_rockets", "{}"), "could not be used; try again", True),
    ],
)
async def test_model_failure_gives_a_clear_error_and_changes_nothing(
    stack: Stack, fake: FakeOpenAI, step: Any, message: str, retryable: bool
) -> None:
    stack.todos.add("alice", ["keep me"])
    fake.script = [step]
    events = await collect(stack.client.create_thread("add broken things"))

    errors = errors_in(events)
    assert len(errors) == 1
    assert message in (errors[0].message or "")
    assert errors[0].allow_retry is retryable
    assert stack.titles() == [("keep me", False)]

    thread_id = thread_id_of(events)
    thread = await stack.client.get_thread(thread_id)
    user_message = next(i for i in thread.items.data if isinstance(i, UserMessageItem))
    fake.script = [Say("Recovered.")]
    retried = await collect(stack.client.retry(thread_id, user_message.id))
    assert not errors_in(retried)
    assert assistant_texts((await stack.client.list_items(thread_id)).data) == ["Recovered."]


async def test_unreachable_model_names_the_variable_to_check(tmp_path: Path) -> None:
    stack = build_stack(tmp_path, openai_base_url="http://127.0.0.1:9/v1", llm_max_retries=0)
    errors = errors_in(await collect(stack.client.create_thread("hello")))
    assert errors[0].message == "The model service is not reachable; check OPENAI_BASE_URL."


async def test_model_failure_is_logged_with_its_cause(
    stack: Stack, fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    fake.script = [Fail(503)]
    await collect(stack.client.create_thread("hello"))
    assert any("503" in record.getMessage() for record in caplog.records)


async def test_tool_arguments_that_are_not_json_change_nothing_and_the_model_hears_why(
    stack: Stack, fake: FakeOpenAI
) -> None:
    fake.script = [CallTool("add_todos", '{"titles": ["broken'), Say("Sorry, try again?")]
    events = await collect(stack.client.create_thread("add broken things"))

    assert not errors_in(events)
    assert stack.titles() == []
    tool_messages = [m for m in fake.requests[1].body["messages"] if m["role"] == "tool"]
    assert "not valid JSON" in tool_messages[0]["content"]
    thread_id = thread_id_of(events)
    assert assistant_texts((await stack.client.list_items(thread_id)).data) == ["Sorry, try again?"]
