"""The todo-list assistant."""

from typing import Any

__all__ = ["UseCase"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: the use case imports the Agents SDK (seconds), which code that only
    # needs the todo data (a migration, a crash-test worker) should not pay for.
    if name == "UseCase":
        from use_cases.todo.use_case import TodoUseCase

        return TodoUseCase
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
