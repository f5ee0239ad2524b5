"""A tool call is identified from one dump of it, as the Agents SDK identifies it."""

from contextlib import AbstractContextManager
from typing import Any

import pytest
from agents import _tool_invocation as tool_invocation
from openai.types.responses import ResponseCustomToolCall, ResponseFunctionToolCall

from chatkit_bridge.compat.agents_sdk import SDK_INVOCATION_IDENTITY, dump_each_tool_call_once
from tests.code_swap import running_code


def sdk_identity() -> AbstractContextManager[None]:
    """Identify tool calls with the SDK's own code for the duration of the block."""
    return running_code(tool_invocation.tool_invocation_identity_and_scope, SDK_INVOCATION_IDENTITY)


def raw_items() -> list[Any]:
    """Tool calls as models and dicts, hosted approvals, and things that are no tool call."""
    call = ResponseFunctionToolCall(
        type="function_call", call_id="call_1", name="add_todos", arguments='{"titles": ["milk"]}'
    )
    approval = {"type": "mcp_approval_request", "id": "mcpr_1", "name": "look", "arguments": "{}"}
    return [
        call,
        call.model_copy(update={"namespace": "todo", "arguments": '{"b": 1, "a": [null, 2]}'}),
        call.model_copy(update={"arguments": "not json"}),
        call.model_copy(update={"call_id": ""}),
        {**call.model_dump(), "arguments": None},
        ResponseCustomToolCall(type="custom_tool_call", call_id="call_2", name="patch", input="x"),
        {"type": "custom_tool_call", "call_id": "call_3", "name": "", "input": "x"},
        {**approval, "server_label": "docs"},
        approval,
        {"type": "hosted_tool_call", "call_id": "call_4", "provider_data": approval},
        {"type": "hosted_tool_call", "id": "h_1", "provider_data": {**approval, "id": None}},
        {"type": "computer_call", "call_id": "call_5", "action": {"type": "click", "x": 1}},
        {"type": "shell_call", "call_id": "call_6"},
        {"type": "apply_patch_call", "call_id": "call_7", "operations": [{"op": "add"}]},
        {"type": "apply_patch_call", "call_id": "call_8"},
        {"type": "message", "id": "msg_1"},
        None,
        42,
    ]


ASKED = [
    {},
    {"tool_name": "add_todos"},
    {"tool_lookup_key": ("bare", "add_todos")},
    {"tool_lookup_key": ("namespaced", "todo", "add_todos"), "invocation_role": "handoff"},
]


@pytest.mark.parametrize("options", ASKED)
def test_identities_are_the_sdks(options: dict[str, Any]) -> None:
    dump_each_tool_call_once()
    ours = [tool_invocation.tool_invocation_identity_and_scope(r, **options) for r in raw_items()]
    with sdk_identity():
        sdk = [
            tool_invocation.tool_invocation_identity_and_scope(r, **options) for r in raw_items()
        ]
    assert ours == sdk
    assert sum(identity is not None for identity in ours) >= 5  # not all refused alike


def test_a_tool_call_is_dumped_once(monkeypatch: pytest.MonkeyPatch) -> None:
    dump_each_tool_call_once()
    call = raw_items()[0]
    dumps: list[str] = []
    dump = ResponseFunctionToolCall.model_dump

    def counted(self: Any, **kwargs: Any) -> Any:
        dumps.append(self.call_id)
        return dump(self, **kwargs)

    monkeypatch.setattr(ResponseFunctionToolCall, "model_dump", counted)
    identity = tool_invocation.tool_invocation_identity(call)
    assert identity is not None and identity[:2] == ("function_call", "call_1")
    assert dumps == ["call_1"]
