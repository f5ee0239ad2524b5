"""openai-agents 0.24.0 internals: tasks the SDK starts per turn for work that does nothing.

A turn of the todo agent started ~45 asyncio tasks through `util._asyncio_tasks.
gather_with_cancel`: two per lifecycle hook call (the run's default `RunHooks` and the agent's
missing hooks, both empty coroutines), one per tool for `is_enabled=True`. Each task costs its
creation, a loop round and the gather's callbacks: ~1 ms of a turn's CPU, for nothing.
"""

from __future__ import annotations

import asyncio
import dis
import inspect
from collections.abc import Awaitable, Callable
from types import CodeType
from typing import Any

from agents._public_agent import get_public_agent
from agents.lifecycle import AgentHooksBase, RunHooksBase
from agents.run_internal import tool_execution
from agents.tool import FunctionTool
from agents.util import _asyncio_tasks as sdk_tasks
from agents.util import _coro
from agents.util._asyncio_tasks import _consume_future_exception

SDK_GATHER_WITH_CANCEL = sdk_tasks.gather_with_cancel.__code__
"""The code `skip_tasks_for_empty_hooks` replaces (tests compare both)."""
SDK_RESOLVE_ENABLED_TOOLS = tool_execution.resolve_enabled_function_tools

_EMPTY_BODY = {"RESUME", "RETURN_GENERATOR", "POP_TOP", "NOP", "RETURN_VALUE"}
"""Opcodes of a coroutine whose body is `pass` (besides loading None)."""


def does_nothing(code: CodeType) -> bool:
    """Whether a coroutine's code only returns None (a body of `pass` and a docstring)."""
    for instruction in dis.get_instructions(code):
        if instruction.opname in ("LOAD_CONST", "RETURN_CONST"):  # RETURN_CONST: Python 3.12+
            if instruction.argval is not None:
                return False
        elif instruction.opname not in _EMPTY_BODY:
            return False
    return True


def empty_hook_codes() -> frozenset[CodeType]:
    """The code of the SDK's default hooks and `noop_coroutine`, where they do nothing."""
    candidates = [_coro.noop_coroutine]
    for base in (RunHooksBase, AgentHooksBase):
        candidates += [value for value in vars(base).values() if inspect.iscoroutinefunction(value)]
    return frozenset(f.__code__ for f in candidates if does_nothing(f.__code__))


async def _gather_with_cancel_skipping_empty_hooks(
    *awaitables: Awaitable[Any],
    on_child_failure: Callable[[BaseException], None] | None = None,
) -> tuple[Any, ...]:
    """`gather_with_cancel`, answering coroutines of empty hooks None without a task.

    Runs as the SDK's function (its code is swapped in), so it may only use names that
    `agents.util._asyncio_tasks` defines too, and builtins.
    """
    results: list[Any] = [None] * len(awaitables)
    todo: list[tuple[int, Awaitable[Any]]] = []
    for index, awaitable in enumerate(awaitables):
        if getattr(awaitable, "cr_code", None) in _EMPTY_HOOK_CODES:  # noqa: F821 - installed
            awaitable.close()  # type: ignore[attr-defined] - never started: nothing to undo
        else:
            todo.append((index, awaitable))
    if not todo:
        return tuple(results)
    # The SDK's function from here on, over the awaitables left.
    tasks = [asyncio.ensure_future(awaitable) for _, awaitable in todo]
    gather_future = asyncio.gather(*tasks)
    gather_future.add_done_callback(_consume_future_exception)
    try:
        await asyncio.wait((gather_future,))
        try:
            for (index, _), result in zip(todo, gather_future.result(), strict=True):
                results[index] = result
            return tuple(results)
        except BaseException as error:
            if on_child_failure is not None:
                on_child_failure(error)
            raise
    except GeneratorExit:
        raise
    except BaseException:
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def skip_tasks_for_empty_hooks() -> None:
    """Answer the SDK's empty lifecycle hooks without starting a task for each.

    Why private: openai-agents 0.24.0 calls every hook through `gather_with_cancel`, which
    wraps each coroutine in a task, also `RunHooks`' own methods (`pass`) and `noop_coroutine`
    for an agent without hooks: 2 tasks per hook call, ~10 calls a turn. Modules import the
    function by name, so only swapping its code reaches them all; the set of empty hooks is
    found by reading their bytecode, so an SDK whose hook does something keeps its task.
    """
    sdk_tasks._EMPTY_HOOK_CODES = empty_hook_codes()  # type: ignore[attr-defined]
    sdk_tasks.gather_with_cancel.__code__ = _gather_with_cancel_skipping_empty_hooks.__code__


async def _resolve_enabled_function_tools(agent: Any, context_wrapper: Any) -> list[FunctionTool]:
    """`resolve_enabled_function_tools`, reading plain `is_enabled` flags instead of awaiting."""
    tools = [tool for tool in agent.tools if isinstance(tool, FunctionTool)]
    flags = [tool.is_enabled if isinstance(tool.is_enabled, bool) else None for tool in tools]
    asked = [tool for tool, flag in zip(tools, flags, strict=True) if flag is None]
    if asked:  # callables: asked all at once, as the SDK asks

        async def is_enabled(tool: FunctionTool) -> bool:
            result = tool.is_enabled(context_wrapper, get_public_agent(agent))  # type: ignore[operator]
            return bool(await result) if inspect.isawaitable(result) else bool(result)

        answers = iter(await sdk_tasks.gather_with_cancel(*(is_enabled(tool) for tool in asked)))
        flags = [next(answers) if flag is None else flag for flag in flags]
    return [tool for tool, flag in zip(tools, flags, strict=True) if flag]


def read_plain_tool_flags_when_calling() -> None:
    """Answer a function tool's `is_enabled=True/False` without a task per tool and check.

    Why private: openai-agents 0.24.0 `run_internal.tool_execution.
    resolve_enabled_function_tools` (before each batch of tool calls) awaits every tool's
    `is_enabled` in a task of its own, also a plain bool: 8 tasks a call for the todo agent
    (`compat/agents_sdk.read_plain_tool_flags_inline` does the same for `get_all_tools`). It
    is called through its module's name.
    """
    tool_execution.resolve_enabled_function_tools = _resolve_enabled_function_tools
