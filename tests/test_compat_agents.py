"""The Agents SDK shortcuts in chatkit_bridge/compat/agents_sdk.py answer as the SDK does."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from agents import Agent, function_tool, handoff, run_state
from agents import _run_state_agent_identity as agent_identity
from agents.items import ItemHelpers
from agents.result import RunResultStreaming
from agents.util import _json as sdk_json
from chatkit.types import UserMessageTextContent

from chatkit_bridge.compat.agents_sdk import (
    SDK_AGENT_IDENTITY_MAP,
    SDK_CLONE_INPUT,
    SDK_DUMP_COMPATIBLE,
    SDK_GET_ALL_TOOLS,
    convert_plain_input_directly,
    own_agent,
    read_plain_tool_flags_inline,
    skip_needless_agent_signatures,
)
from tests.code_swap import running_code
from tests.stack import build_stack, collect


def sdk_identity_map() -> AbstractContextManager[None]:
    """Build agent identity maps with the SDK's own code for the duration of the block."""
    return running_code(agent_identity._build_agent_identity_map, SDK_AGENT_IDENTITY_MAP)


def agent_graphs() -> list[Agent[Any]]:
    """Starting agents: alone, with handoffs, and with names shared by different agents."""
    alone = Agent(name="Todo assistant", instructions="Keep the list.")
    helper = Agent(name="helper", instructions="Help.")
    twin_a = Agent(name="twin", instructions="First twin.")
    twin_b = Agent(name="twin", instructions="Second twin.")
    clash = Agent(name="twin#2", instructions="Named like a duplicate.")
    with_handoffs = Agent(name="root", instructions="Route.", handoffs=[helper, handoff(twin_a)])
    with_twins = Agent(name="root", instructions="Route.", handoffs=[twin_b, twin_a, clash])
    twin_root = Agent(name="twin", instructions="Root twin.", handoffs=[twin_a, twin_b])
    return [alone, with_handoffs, with_twins, twin_root]


def test_agent_identities_are_the_sdks() -> None:
    skip_needless_agent_signatures()
    graphs = agent_graphs()
    ours = [agent_identity._build_agent_identity_map(agent) for agent in graphs]
    with sdk_identity_map():
        sdk = [agent_identity._build_agent_identity_map(agent) for agent in graphs]
    for mine, theirs in zip(ours, sdk, strict=True):
        assert list(mine.items()) == list(theirs.items())
    assert list(ours[2]) == ["root", "twin", "twin#3", "twin#2"]  # the twins were ranked


def test_an_agent_alone_with_its_name_is_never_serialised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    skip_needless_agent_signatures()
    ranked: list[str] = []
    sort_key = agent_identity._agent_identity_sort_key

    def counting_sort_key(agent: Agent[Any], **kwargs: Any) -> tuple[int, str, int]:
        ranked.append(agent.name)
        return sort_key(agent, **kwargs)

    monkeypatch.setattr(agent_identity, "_agent_identity_sort_key", counting_sort_key)
    alone, _, with_twins, _ = agent_graphs()
    agent_identity._build_agent_identity_keys_by_id(alone)
    assert ranked == []
    agent_identity._build_agent_identity_keys_by_id(with_twins)
    assert ranked == ["twin", "twin"]


def input_values() -> list[Any]:
    """Inputs of all kinds the SDK converts: plain history, and what is not plain."""
    history = [
        {"role": "user", "content": "add milk"},
        {"role": "assistant", "content": [{"type": "output_text", "text": "Added.", "n": 1}]},
        {"type": "function_call", "arguments": '{"a": 1}', "call_id": "c", "ok": True},
        {"type": "x", "values": (1, 2.5, None, ("nested", "tuple"))},
    ]
    odd = {
        "proxy": MappingProxyType({"a": [1, 2]}),
        "generator": (number for number in range(3)),
        "set": {"only"},
        "model": UserMessageTextContent(text="hi"),
        "bytes": b"raw",
    }
    return [history, odd, "just text", 7, None]


@contextmanager
def sdk_input_functions() -> Iterator[None]:
    """Convert and copy run input with the SDK's own functions for the duration of the block."""
    ours = sdk_json._to_dump_compatible_internal, run_state._clone_original_input
    sdk_json._to_dump_compatible_internal = SDK_DUMP_COMPATIBLE
    run_state._clone_original_input = SDK_CLONE_INPUT
    try:
        yield
    finally:
        sdk_json._to_dump_compatible_internal, run_state._clone_original_input = ours


def test_the_input_is_converted_as_the_sdk_converts_it() -> None:
    convert_plain_input_directly()
    ours = [ItemHelpers.input_to_new_input_list(value) for value in input_values()]
    with sdk_input_functions():
        sdk = [ItemHelpers.input_to_new_input_list(value) for value in input_values()]
    assert ours == sdk
    assert ours[0] is not input_values()[0]
    assert sdk_json._to_dump_compatible_internal is not SDK_DUMP_COMPATIBLE


def test_the_saved_input_is_an_equal_copy_that_later_changes_do_not_reach() -> None:
    convert_plain_input_directly()
    for value in [*input_values()[:1], [{"model": UserMessageTextContent(text="hi")}]]:
        clone = run_state._clone_original_input(value)
        with sdk_input_functions():
            assert clone == run_state._clone_original_input(value)
        clone[0]["changed"] = True
        assert "changed" not in value[0]
    assert run_state._clone_original_input is not SDK_CLONE_INPUT


def test_the_run_result_fields_compat_drops_exist() -> None:
    # compat/agents_run.py drops a finished run's sandbox clean-up (a cycle over the result).
    fields = RunResultStreaming.__dataclass_fields__
    names = {"_sandbox_cleanup", "_sandbox_cleanup_task", "_sandbox_cleanup_callback_registered"}
    assert names <= fields.keys()


def test_runs_of_one_agent_do_not_see_each_other() -> None:
    from agents.run_internal import agent_tool_configuration as tool_configuration

    tool = function_tool(lambda: "done", name_override="finish")
    agent = Agent(name="Todo assistant", instructions="Keep the list.", tools=[tool])
    first, second = own_agent(agent), own_agent(agent)

    assert first is not agent and second is not first
    assert first.tools is agent.tools and first.instructions == agent.instructions
    with (
        tool_configuration.agent_tool_configuration_run(first),
        tool_configuration.agent_tool_configuration_run(second),
    ):
        # Each run registered its own agent: its tool snapshots walk one run, not every run.
        assert len(tool_configuration._resolutions[id(first)]) == 1
        assert len(tool_configuration._resolutions[id(second)]) == 1
        assert tool_configuration.snapshot_agent_tools(first) == (tool,)


async def test_a_turn_runs_on_its_own_agent_object(tmp_path: Path) -> None:
    from agents.run_internal import agent_tool_configuration as tool_configuration

    stack = build_stack(tmp_path / "data", llm_provider="offline")
    agents_of_the_run: list[set[int]] = []

    def changed(user_id: str) -> None:  # called by the tool's change, inside the run
        owner = tool_configuration._current_run.get()
        agents_of_the_run.append(set(owner.resolutions) if owner is not None else set())

    stack.todos.subscribe(changed)
    await collect(stack.client.create_thread("add buy milk"))

    assert stack.titles() == [("buy milk", False)]
    assert len(agents_of_the_run) == 1 and len(agents_of_the_run[0]) == 1
    assert id(stack.server.turns.agent) not in agents_of_the_run[0]


async def test_the_enabled_tools_are_the_sdks_with_no_task_for_a_plain_flag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from agents import RunContextWrapper
    from agents import agent as sdk_agent

    async def later(ctx: Any, agent: Any) -> bool:
        return "late" in agent.name

    tools = [
        function_tool(lambda: "a", name_override="on"),
        function_tool(lambda: "b", name_override="off", is_enabled=False),
        function_tool(lambda: "c", name_override="asked", is_enabled=lambda ctx, agent: True),
        function_tool(lambda: "d", name_override="asked_later", is_enabled=later),
    ]
    agent = Agent(name="early", tools=tools)
    context = RunContextWrapper(context=None)
    read_plain_tool_flags_inline()
    ours = await agent.get_all_tools(context)
    monkeypatch.setattr(sdk_agent.AgentBase, "get_all_tools", SDK_GET_ALL_TOOLS)
    sdk = await agent.get_all_tools(context)
    assert [tool.name for tool in ours] == [tool.name for tool in sdk] == ["on", "asked"]
    monkeypatch.undo()

    gathered: list[int] = []
    gather = sdk_agent.gather_with_cancel

    async def counting_gather(*awaitables: Any) -> tuple[Any, ...]:
        gathered.append(len(awaitables))
        return await gather(*awaitables)

    monkeypatch.setattr(sdk_agent, "gather_with_cancel", counting_gather)
    await agent.get_all_tools(context)
    await Agent(name="plain", tools=tools[:2]).get_all_tools(context)
    assert gathered == [2]  # the two callables; plain flags are read, not awaited
