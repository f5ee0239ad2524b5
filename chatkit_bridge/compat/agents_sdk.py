"""openai-agents 0.24.0 internals: per-run work the SDK does again and again, done once.

Each replacement gives the SDK's own result (tests/test_compat_agents.py compares both on the
same inputs); it only skips work whose result is thrown away or known in advance.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any, TypeVar

from agents import _run_state_agent_identity as agent_identity
from agents import _tool_invocation as tool_invocation
from agents import agent as sdk_agent
from agents import run_state
from agents._public_agent import get_public_agent
from agents._tool_invocation import (
    _SEMANTIC_FIELDS,
    _fingerprint,
    _normalize_arguments,
    _normalize_value,
    _unwrap_hosted_mcp_approval,
    tool_invocation_approval_scope,
    tool_invocation_call_id,
)
from agents.run_internal import agent_tool_configuration as tool_configuration
from agents.util import _json as sdk_json

AgentT = TypeVar("AgentT")

SDK_AGENT_IDENTITY_MAP = agent_identity._build_agent_identity_map.__code__
"""The code `skip_needless_agent_signatures` replaces (tests compare both outputs)."""
SDK_DUMP_COMPATIBLE = sdk_json._to_dump_compatible_internal
SDK_CLONE_INPUT = run_state._clone_original_input


class _NotPlain(Exception):
    """A value that is not plain JSON-like data (dicts, lists, tuples, text, numbers)."""


def _build_agent_identity_map_lazily(initial_agent: Any) -> dict[str, Any]:
    """`_build_agent_identity_map` that only ranks agents sharing a name.

    Runs as the SDK's function (its code is swapped in), so it may only use names that
    `agents._run_state_agent_identity` defines too, and builtins.
    """
    ordered_agents = list(_iter_agent_graph(initial_agent))  # noqa: F821 - the SDK module's
    original_indices = {id(agent): index for index, agent in enumerate(ordered_agents)}
    literal_names = {agent.name for agent in ordered_agents}
    agents_by_name: dict[str, list[Any]] = {}
    for agent in ordered_agents:
        agents_by_name.setdefault(agent.name, []).append(agent)

    agent_identity_map: dict[str, Any] = {}
    used_identities: set[str] = set()
    for agent_name, group in agents_by_name.items():  # first seen first, as the SDK goes
        if len(group) > 1:
            group = sorted(
                group,
                key=lambda candidate: _agent_identity_sort_key(  # noqa: F821 - the SDK module's
                    candidate,
                    root_agent=initial_agent,
                    original_index=original_indices[id(candidate)],
                ),
            )
        used_identities.add(agent_name)
        agent_identity_map[agent_name] = group[0]
        next_index = 2
        for duplicate_agent in group[1:]:
            candidate_name = f"{agent_name}#{next_index}"
            while candidate_name in used_identities or candidate_name in literal_names:
                next_index += 1
                candidate_name = f"{agent_name}#{next_index}"
            used_identities.add(candidate_name)
            agent_identity_map[candidate_name] = duplicate_agent
            next_index += 1
    return agent_identity_map


def skip_needless_agent_signatures() -> None:
    """Rank agents by their signature only where two agents share a name.

    Why private: openai-agents 0.24.0 `_build_agent_identity_map` sorts each group of agents
    with one name by a key that serialises the whole agent (instructions, tools and their
    JSON schemas) to JSON. It runs three times per run (the sandbox runtime, and the tool-use
    tracker's snapshot twice), and a group of one agent is never reordered: 3-5 % of a turn's
    CPU for nothing. `run_state`, `tool_use_tracker` and the sandbox import the function (or
    its caller) by name, so only swapping its code reaches them all.
    """
    agent_identity._build_agent_identity_map.__code__ = _build_agent_identity_map_lazily.__code__


def _dump_compatible(obj: Any) -> Any:
    """`_to_dump_compatible_internal` with the plain types answered without ABC checks."""
    kind = type(obj)
    if kind is str or kind is int or kind is float or kind is bool or obj is None:
        return obj
    if kind is dict:
        return {key: _dump_compatible(value) for key, value in obj.items()}
    if kind is list or kind is tuple:
        return [_dump_compatible(value) for value in obj]
    return SDK_DUMP_COMPATIBLE(obj)  # recurses through this function (the module's name)


def _plain_copy(value: Any) -> Any:
    """Deep-copy JSON-like data; raise _NotPlain on anything else."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is dict:
        return {key: _plain_copy(item) for key, item in value.items()}
    if kind is list:
        return [_plain_copy(item) for item in value]
    if kind is tuple:
        return tuple(_plain_copy(item) for item in value)
    raise _NotPlain


def _clone_original_input(original_input: str | list[Any]) -> str | list[Any]:
    """`run_state._clone_original_input`: plain data copied directly, the rest by deepcopy."""
    if isinstance(original_input, str):
        return original_input
    try:
        return _plain_copy(original_input)
    except _NotPlain:
        return copy.deepcopy(original_input)


def convert_plain_input_directly() -> None:
    """Walk a run's input (plain dicts and lists from the thread) without ABC checks.

    Why private: openai-agents 0.24.0 converts the whole input (60 history items) with
    `util._json._to_dump_compatible_internal` at least twice per run, testing every value with
    `isinstance(value, Mapping)` and `isinstance(value, Iterable)` (ABC checks, ~1 µs each),
    and `RunState.__init__` deep-copies it with `copy.deepcopy`. Both are module functions
    called through the module's name; the replacements return equal values (a shared sub-list
    is copied twice, not once: JSON input has none).
    """
    sdk_json._to_dump_compatible_internal = _dump_compatible
    run_state._clone_original_input = _clone_original_input


def own_agent(agent: AgentT) -> AgentT:
    """Return the agent as one run's own object: a shallow copy sharing tools and model.

    Why: openai-agents 0.24.0 checks, on every tool snapshot of a run, that `agent.tools` did
    not change while other runs use the same Agent object
    (`run_internal.agent_tool_configuration._observe_tools`), walking every run in flight of
    that object and its tools: a cost that grows with the turns in flight (2 % of the app's
    CPU with ~50 queued). The SDK's advice is an agent per run; `Agent.clone()` re-validates
    every field (~0.2 ms), `copy.copy` only copies the fields' references (~5 µs). Nothing in
    the SDK keeps state per agent object between runs.
    """
    return copy.copy(agent)


SDK_GET_ALL_TOOLS = sdk_agent.AgentBase.get_all_tools


async def _get_all_tools(self: Any, run_context: Any) -> list[Any]:
    """`AgentBase.get_all_tools`, reading plain `is_enabled` flags instead of awaiting them."""
    public_agent = get_public_agent(self)
    tool_configuration.register_agent_tool_configuration(public_agent)
    tools = tool_configuration.snapshot_agent_tools(self)
    mcp_tools = await self.get_mcp_tools(run_context)

    async def is_enabled(tool: Any) -> bool:
        result = tool.is_enabled(run_context, get_public_agent(self))
        return bool(await result) if inspect.isawaitable(result) else bool(result)

    flags: list[bool | None] = [
        True
        if not isinstance(tool, sdk_agent.FunctionTool)
        else tool.is_enabled
        if isinstance(tool.is_enabled, bool)
        else None  # a callable: asked below, all at once, as the SDK asks
        for tool in tools
    ]
    asked = [tool for tool, flag in zip(tools, flags, strict=True) if flag is None]
    if asked:
        answers = iter(await sdk_agent.gather_with_cancel(*(is_enabled(tool) for tool in asked)))
        flags = [next(answers) if flag is None else flag for flag in flags]
    enabled = [tool for tool, flag in zip(tools, flags, strict=True) if flag]
    all_tools = sdk_agent.prune_orphaned_tool_search_tools([*mcp_tools, *enabled])
    sdk_agent._validate_codex_tool_name_collisions(all_tools)
    tool_configuration.snapshot_agent_tools(get_public_agent(self))
    return all_tools


def read_plain_tool_flags_inline() -> None:
    """Answer a tool's `is_enabled=True/False` without a task per tool and check.

    Why private: openai-agents 0.24.0 `AgentBase.get_all_tools` (2-4 calls a turn) awaits every
    tool's `is_enabled` in its own task (`gather_with_cancel` over one coroutine per tool), also
    when it is a plain bool: 8 tasks a call for the todo agent's tools. The replacement reads
    the bools and gathers only callables, as the SDK does; it repeats the SDK's other steps
    (tool configuration checks, pruning, name collisions) in the same order.
    """
    sdk_agent.AgentBase.get_all_tools = _get_all_tools  # type: ignore[method-assign]


SDK_INVOCATION_IDENTITY = tool_invocation.tool_invocation_identity_and_scope.__code__
"""The code `dump_each_tool_call_once` replaces (tests compare both outputs)."""


def _identity_and_scope_from_one_dump(
    raw_item: Any,
    *,
    tool_lookup_key: Any = None,
    tool_name: str | None = None,
    invocation_role: str | None = None,
) -> tuple[str, str, str, str] | None:
    """`tool_invocation_identity_and_scope`, turning the raw item into a mapping once.

    Runs as the SDK's function (its code is swapped in), so it may only use names that
    `agents._tool_invocation` defines too, and builtins.
    """
    # The SDK's three helpers each dump a pydantic item again; on the dumped (and unwrapped)
    # mapping they answer the same: unwrapping an unwrapped approval changes nothing.
    mapping = _unwrap_hosted_mcp_approval(raw_item)
    if mapping is None:
        return None
    call_identity = tool_invocation_call_id(mapping)
    approval_scope_identity = tool_invocation_approval_scope(
        mapping,
        tool_lookup_key=tool_lookup_key,
        tool_name=tool_name,
        invocation_role=invocation_role,
    )
    if call_identity is None or approval_scope_identity is None:
        return None
    invocation_type, call_id = call_identity
    scope_invocation_type, approval_scope = approval_scope_identity
    if call_id is None or scope_invocation_type != invocation_type:
        return None
    required = {
        "function_call": ("arguments",),
        "mcp_approval_request": ("arguments",),
        "custom_tool_call": ("input",),
        "computer_call": ("action",),
        "local_shell_call": ("action",),
        "shell_call": ("action",),
    }.get(invocation_type, ())
    if any(name not in mapping for name in required):
        return None
    if invocation_type == "custom_tool_call" and (
        not isinstance(mapping.get("name"), str) or not mapping["name"]
    ):
        return None
    if (
        invocation_type == "apply_patch_call"
        and "operation" not in mapping
        and "operations" not in mapping
    ):
        return None
    semantic_payload: dict[str, Any] = {"approval_scope": approval_scope}
    for field_name in _SEMANTIC_FIELDS:
        if invocation_type == "function_call" and field_name in {"name", "namespace"}:
            continue
        value = mapping.get(field_name)
        if value is None:
            continue
        semantic_payload[field_name] = (
            _normalize_arguments(value)
            if field_name == "arguments"
            else _normalize_value(value, exclude_none=True)
        )
    return invocation_type, call_id, approval_scope, _fingerprint(semantic_payload)


def dump_each_tool_call_once() -> None:
    """Identify a tool call from one dump of it instead of three.

    Why private: openai-agents 0.24.0 `_tool_invocation.tool_invocation_identity_and_scope`
    (several calls per tool call: dedupe, approval checks, tool state) asks three helpers that
    each `model_dump` the raw call item (`_as_mapping`) and unwrap it. Modules import the
    function by name, so only swapping its code reaches them all.
    """
    tool_invocation.tool_invocation_identity_and_scope.__code__ = (
        _identity_and_scope_from_one_dump.__code__
    )
