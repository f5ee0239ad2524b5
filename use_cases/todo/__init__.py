"""The todo-list assistant."""

from use_cases.todo.use_case import TodoUseCase as UseCase

__all__ = ["UseCase"]
