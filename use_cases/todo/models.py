"""The todo record and the errors its operations raise."""

from datetime import date, datetime

from pydantic import BaseModel

MAX_TITLE_LENGTH = 500


class Todo(BaseModel):
    """One item of a user's todo list."""

    id: str
    title: str
    completed: bool = False
    created_at: datetime
    completed_at: datetime | None = None
    due: date | None = None
    position: int = 0

    def is_overdue(self, today: date) -> bool:
        """Tell whether the todo is still open past its due date."""
        return not self.completed and self.due is not None and self.due < today


class TodoError(ValueError):
    """A todo operation was refused; the message is meant for the user."""


class TodoNotFoundError(TodoError):
    """No todo of this user has the given id."""
