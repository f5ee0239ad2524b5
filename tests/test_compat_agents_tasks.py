"""The Agents SDK's empty hooks and plain tool flags cost no task (compat/agents_tasks.py)."""

import asyncio
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from agents import Agent, RunContextWrapper, RunHooks, function_tool
from agents.run_internal import tool_execution
from agents.util import _asyncio_tasks as sdk_tasks
from agents.util._coro import noop_coroutine

from chatkit_bridge.compat.agents_tasks import (
    SDK_GATHER_WITH_CANCEL,
    SDK_RESOLVE_ENABLED_TOOLS,
    empty_hook_codes,
    read_plain_tool_flags_when_calling,
    skip_tasks_for_empty_hooks,
)
from tests.code_swap import running_code
from tests.stack import build_stack, collect


def sdk_gather() -> AbstractContextManager[None]:
    """Gather with the SDK's own code for the duration of the block."""
    return running_code(sdk_tasks.gather_with_cancel, SDK_GATHER_WITH_CANCEL)


@contextmanager
def counting_tasks() -> Iterator[list[Any]]:
    """Record every task the running loop creates in the block."""
    loop = asyncio.get_running_loop()
    created: list[Any] = []
    previous = loop.get_task_factory()

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        created.append(coro)
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(factory)
    try:
        yield created
    finally:
        loop.set_task_factory(previous)


class Recording(RunHooks[Any]):
    """Run hooks that do something: each call is recorded."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def on_llm_start(self, context: Any, agent: Any, *args: Any) -> None:
        await asyncio.sleep(0)
        self.calls.append(agent.name)


def test_only_the_sdks_empty_hooks_count_as_empty() -> None:
    codes = empty_hook_codes()
    assert RunHooks.on_llm_start.__code__ in codes
    assert RunHooks.on_tool_end.__code__ in codes
    assert noop_coroutine.__code__ in codes
    assert Recording.on_llm_start.__code__ not in codes

    async def answers() -> int:
        return 1

    assert answers.__code__ not in codes


async def test_empty_hooks_answer_as_the_sdk_without_a_task() -> None:
    skip_tasks_for_empty_hooks()
    agent = Agent(name="helper")
    context = RunContextWrapper(context=None)
    recording = Recording()

    async def answer(value: int) -> int:
        await asyncio.sleep(0)
        return value

    def calls() -> list[Any]:
        return [
            RunHooks().on_llm_start(context, agent, None, []),
            answer(7),
            noop_coroutine(),
            recording.on_llm_start(context, agent, None, []),
            answer(8),
        ]

    with counting_tasks() as ours_tasks:
        ours = await sdk_tasks.gather_with_cancel(*calls())
        empty = await sdk_tasks.gather_with_cancel(RunHooks().on_agent_start(context, agent))
    with sdk_gather(), counting_tasks() as sdk_tasks_made:
        sdk = await sdk_tasks.gather_with_cancel(*calls())

    assert ours == sdk == (None, 7, None, None, 8)
    assert empty == (None,)
    assert recording.calls == ["helper", "helper"]  # a hook that does something still runs
    assert len(sdk_tasks_made) == 5 and len(ours_tasks) == 3


async def test_a_failing_awaitable_still_cancels_its_siblings() -> None:
    skip_tasks_for_empty_hooks()
    never = asyncio.Event()

    async def fail() -> None:
        raise ValueError("boom")

    async def wait_forever() -> None:
        await never.wait()

    failures: list[BaseException] = []
    sibling = asyncio.ensure_future(wait_forever())
    with pytest.raises(ValueError, match="boom"):
        await sdk_tasks.gather_with_cancel(
            noop_coroutine(), fail(), sibling, on_child_failure=failures.append
        )
    await asyncio.sleep(0)
    assert sibling.cancelled() and [str(error) for error in failures] == ["boom"]


async def test_enabled_function_tools_are_the_sdks_with_no_task_for_a_plain_flag() -> None:
    async def later(ctx: Any, agent: Any) -> bool:
        return "late" in agent.name

    tools = [
        function_tool(lambda: "a", name_override="on"),
        function_tool(lambda: "b", name_override="off", is_enabled=False),
        function_tool(lambda: "c", name_override="asked", is_enabled=lambda ctx, agent: True),
        function_tool(lambda: "d", name_override="asked_later", is_enabled=later),
    ]
    context = RunContextWrapper(context=None)
    read_plain_tool_flags_when_calling()
    for name in ("early", "late"):
        agent = Agent(name=name, tools=tools)
        ours = await tool_execution.resolve_enabled_function_tools(agent, context)
        sdk = await SDK_RESOLVE_ENABLED_TOOLS(agent, context)
        assert [tool.name for tool in ours] == [tool.name for tool in sdk]
    assert [tool.name for tool in ours] == ["on", "asked", "asked_later"]

    plain = Agent(name="plain", tools=tools[:2])
    with counting_tasks() as created:
        enabled = await tool_execution.resolve_enabled_function_tools(plain, context)
    assert [tool.name for tool in enabled] == ["on"] and created == []


async def test_a_turn_starts_fewer_tasks(tmp_path: Path) -> None:
    stack = build_stack(tmp_path / "data", llm_provider="offline")
    await collect(stack.client.create_thread("add buy milk"))  # warm: first-turn work apart
    thread = (await stack.store.load_threads(10, None, "desc", stack.client.context)).data[0]

    async def turn_tasks(text: str) -> int:
        with counting_tasks() as created:
            await collect(stack.client.send_message(thread.id, text))
        return len(created)

    ours = await turn_tasks("add buy bread")
    with sdk_gather():
        tool_execution.resolve_enabled_function_tools = SDK_RESOLVE_ENABLED_TOOLS
        try:
            sdk = await turn_tasks("add buy eggs")
        finally:
            read_plain_tool_flags_when_calling()
    assert stack.titles() == [("buy milk", False), ("buy bread", False), ("buy eggs", False)]
    assert sdk - ours >= 20, (sdk, ours)
