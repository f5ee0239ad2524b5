"""How a todo's fields are checked and written: titles, paging cursors, completion."""

import re
from datetime import UTC, datetime
from typing import Any

from use_cases.todo.limits import TodoLimits
from use_cases.todo.models import Todo, TodoError

_CURSOR = re.compile(r"(-?\d{1,18}):(todo_[0-9a-f]{1,32})")
DEFAULT_TITLE_LENGTH = TodoLimits.model_fields["todo_max_title_length"].default


def clean_title(title: str, max_length: int = DEFAULT_TITLE_LENGTH) -> str:
    """Strip a title's outer whitespace and check it is usable."""
    cleaned = title.strip() if isinstance(title, str) else ""
    if not cleaned:
        raise TodoError("A todo needs a title: it cannot be empty.")
    if len(cleaned) > max_length:
        raise TodoError(
            f"A todo title can be at most {max_length} characters "
            f"(this one has {len(cleaned)}; limit TODO_MAX_TITLE_LENGTH)."
        )
    return cleaned


def cursor_of(todo: Todo) -> str:
    """Return the paging cursor that continues after `todo`."""
    return f"{todo.position}:{todo.id}"


def parse_cursor(cursor: str) -> tuple[int, str]:
    """Read a cursor made by `cursor_of`; raise TodoError for anything else."""
    match = _CURSOR.fullmatch(cursor.strip())
    if match is None:
        raise TodoError(f"{cursor[:40]!r} is not a cursor this list gave out; use its 'next'.")
    return int(match.group(1)), match.group(2)


def complete(record: dict[str, Any], completed: bool, now: str | None = None) -> None:
    """Mark a raw record done (stamping when, unless it already was) or open.

    :param now: the completion time as ISO text (one for all todos of a bulk change).
    """
    if completed and not record.get("completed"):
        record["completed_at"] = now or datetime.now(UTC).isoformat()
    elif not completed:
        record["completed_at"] = None
    record["completed"] = completed


def completed_at(record: dict[str, Any]) -> datetime:
    """Return when a done record was completed; old data without a time counts as oldest."""
    try:
        when = datetime.fromisoformat(record.get("completed_at") or "")
    except (TypeError, ValueError):
        return datetime.min.replace(tzinfo=UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)
