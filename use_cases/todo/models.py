"""The todo record and the errors its operations raise."""

from datetime import date, datetime

from pydantic import BaseModel


class Todo(BaseModel):
    """One item of a user's todo list."""

    id: str
    title: str
    completed: bool = False
    created_at: datetime
    completed_at: datetime | None = None
    due: date | None = None
    position: int = 0
    # The chat turn that added it ("thread/user message"), so a regenerated turn re-adding the
    # same title finds it instead of adding a duplicate.
    origin: str | None = None

    def is_overdue(self, today: date) -> bool:
        """Tell whether the todo is still open past its due date."""
        return not self.completed and self.due is not None and self.due < today


class TodoError(ValueError):
    """A todo operation was refused; the message is meant for the user."""


class TodoNotFoundError(TodoError):
    """No todo of this user has the given id."""


class TodoLimitError(TodoError):
    """A change would take the user past a configured limit; the message names the setting."""


class TodoPage(BaseModel):
    """A slice of a user's list in list order, with counts over the whole list."""

    todos: list[Todo]
    total: int
    done: int
    # Index of the slice's first todo in the whole list.
    start: int = 0
    # Opaque cursor for the next slice, None on the last one.
    next: str | None = None

    @property
    def pending(self) -> int:
        """Count the open todos of the whole list."""
        return self.total - self.done

    @property
    def more(self) -> int:
        """Count the todos after this slice, up to the end of the list."""
        return max(0, self.total - self.start - len(self.todos))
