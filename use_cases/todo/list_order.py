"""The order of a todo list, and how its raw records become `Todo` objects."""

from __future__ import annotations

from chatkit_bridge.documents import Order, Record
from use_cases.todo.models import Todo

# List order: positions only grow, but an undone delete can bring back a taken one, so the id
# breaks ties and a paging cursor always knows where it stopped. Pages count the done ones.
# Ids (every lookup) and origins (a retried turn's adds) are tagged: the chunk summaries
# note which chunks hold a value, so finding one reads only those.
LIST_ORDER = Order(
    by=("position", "id"), defaults=(0, ""), counted=("completed",), tagged=("id", "origin")
)


def to_todo(record: Record) -> Todo:
    """Validate one raw record into a `Todo`."""
    return Todo.model_validate(record)


def in_list_order(records: list[Record], limit: int | None = None) -> list[Todo]:
    """Return the first `limit` records (all: None) in list order, validated."""
    return [to_todo(record) for record in sorted(records, key=LIST_ORDER.key)[:limit]]
