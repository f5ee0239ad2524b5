"""openai-agents 0.24 internals: a finished streamed run is freed by reference counting."""

from __future__ import annotations

from agents.result import RunResultStreaming


def release_run_result(result: RunResultStreaming) -> None:
    """Drop the sandbox clean-up a streamed run's result keeps over itself, once it is over.

    openai-agents 0.24 `run_internal.run_loop` calls `SandboxRuntime.apply_result_metadata` on
    every streamed run, sandbox or not: it stores `_cleanup_and_store`, a closure over the
    result, in `result._sandbox_cleanup`, and the end of the stream runs it in a task kept in
    `result._sandbox_cleanup_task` (whose coroutine holds the closure too). Both are reference
    cycles holding the whole run (items, responses, state: ~190 objects a turn) until a garbage
    collection. Once that task has finished, or if nothing registered it (no sandbox run),
    neither is used again.
    """
    task = result._sandbox_cleanup_task
    if task is None and result._sandbox_cleanup_callback_registered:
        return  # a sandbox run whose clean-up has not started yet
    if task is None or task.done():
        result._sandbox_cleanup = None
        result._sandbox_cleanup_task = None
