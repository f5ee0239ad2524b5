"""The first user of the isolation tests, Alice: her ids, her data's snapshot, and every
ChatKit request that names her thread (which a second user must not get through).
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.wire import call, file_hashes, thread_items, user_input


@dataclass
class Alice:
    """The first user: her session, every id she has, and a snapshot of her data."""

    client: httpx.Client
    folder: Path
    threads: list[str]
    message: str
    answer: str
    card: str
    todos: list[str]
    snapshot: dict[str, Any]

    def take_snapshot(self) -> dict[str, Any]:
        """Return what Alice can see of her data, and the bytes of her files."""
        return {
            "threads": [
                call(self.client, "threads.get_by_id", thread_id=t).json() for t in self.threads
            ],
            "items": [thread_items(self.client, t) for t in self.threads],
            "todos": self.client.get("/api/todos").json(),
            "files": file_hashes(self.folder),
        }

    def assert_unchanged(self) -> None:
        """Check nothing of Alice's changed, down to the bytes on disk."""
        assert self.take_snapshot() == self.snapshot


def toggle(todo_id: str) -> dict[str, Any]:
    """Build the action of ticking a todo on the card."""
    return {"type": "todo.toggle", "payload": {"id": todo_id, "checked": True}}


def requests_on_alices_thread(alice: Alice) -> dict[str, dict[str, Any]]:
    """Build every ChatKit request that names Alice's first thread, by name."""
    thread = alice.threads[0]
    return {
        "get": {"type": "threads.get_by_id", "params": {"thread_id": thread}},
        "list items": {"type": "items.list", "params": {"thread_id": thread}},
        "rename": {"type": "threads.update", "params": {"thread_id": thread, "title": "Bob's"}},
        "delete": {"type": "threads.delete", "params": {"thread_id": thread}},
        "add message": {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread, "input": user_input("Delete all my todos")},
        },
        "retry": {
            "type": "threads.retry_after_item",
            "params": {"thread_id": thread, "item_id": alice.message},
        },
        "toggle on her card": {
            "type": "threads.custom_action",
            "params": {
                "thread_id": thread,
                "item_id": alice.card,
                "action": toggle(alice.todos[0]),
            },
        },
        "delete without a card": {
            "type": "threads.custom_action",
            "params": {
                "thread_id": thread,
                "action": {"type": "todo.delete", "payload": {"id": alice.todos[1]}},
            },
        },
        "sync action": {
            "type": "threads.sync_custom_action",
            "params": {
                "thread_id": thread,
                "item_id": alice.card,
                "action": toggle(alice.todos[0]),
            },
        },
        "feedback": {
            "type": "items.feedback",
            "params": {"thread_id": thread, "item_ids": [alice.answer], "kind": "negative"},
        },
        "client tool output": {
            "type": "threads.add_client_tool_output",
            "params": {"thread_id": thread, "result": {"ok": True}},
        },
        "structured input": {
            "type": "threads.add_structured_input",
            "params": {"thread_id": thread, "item_id": alice.message, "input": {"answers": {}}},
        },
    }


REQUESTS = [
    "get",
    "list items",
    "rename",
    "delete",
    "add message",
    "retry",
    "toggle on her card",
    "delete without a card",
    "sync action",
    "feedback",
    "client tool output",
    "structured input",
]
