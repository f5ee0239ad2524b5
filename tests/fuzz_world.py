"""The app under fuzzing: a victim with data and a fuzzer session that knows all its ids."""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.wire import (
    call,
    done_items,
    file_hashes,
    folder_of,
    start_thread,
    thread_items,
)

STREAMING = {
    "threads.create",
    "threads.add_user_message",
    "threads.add_client_tool_output",
    "threads.add_structured_input",
    "threads.retry_after_item",
    "threads.custom_action",
}
ALL_TYPES = {
    *STREAMING,
    "threads.sync_custom_action",
    "threads.get_by_id",
    "threads.list",
    "items.list",
    "items.feedback",
    "attachments.create",
    "attachments.delete",
    "threads.update",
    "threads.delete",
    "input.transcribe",
}


def request_type(body: bytes) -> str:
    """Return the `type` a body names, or "?" when it names none."""
    try:
        kind = json.loads(body).get("type")
    except (ValueError, AttributeError, RecursionError):
        return "?"
    return kind if isinstance(kind, str) and kind in ALL_TYPES else "?"


@dataclass
class World:
    """The app, a victim with data, and a fuzzer that knows all the victim's ids."""

    url: str
    data: Path
    fuzzer: httpx.Client
    victim: httpx.Client
    victim_threads: list[str]
    victim_items: list[str]
    victim_widgets: list[str]
    victim_todos: list[str]
    own_threads: list[str]
    own_items: list[str]
    own_widgets: list[str]
    sent: list[int] = field(default_factory=list)
    answers: Counter[tuple[str, int]] = field(default_factory=Counter)
    before: dict[str, dict[str, str]] = field(default_factory=dict)

    def __repr__(self) -> str:
        """Keep failure reports short."""
        return f"World({self.url})"

    @property
    def thread_ids(self) -> list[str]:
        """Return every thread id either user has."""
        return self.victim_threads + self.own_threads

    @property
    def item_ids(self) -> list[str]:
        """Return every item id either user has."""
        return self.victim_items + self.own_items

    def post(self, body: bytes) -> httpx.Response:
        """Send one body as the fuzzer and count it."""
        self.sent.append(len(body))
        response = self.fuzzer.post(
            "/chatkit", content=body, headers={"content-type": "application/json"}
        )
        kind = request_type(body)
        self.answers[(kind, response.status_code)] += 1
        if kind == "threads.delete" and response.status_code == 200:
            self.keep_own_threads()
        return response

    def keep_own_threads(self) -> None:
        """Give the fuzzer a thread again once it deleted its own, so it can keep using one."""
        listed = call(self.fuzzer, "threads.list", limit=1000).json()["data"]
        alive = {thread["id"] for thread in listed}
        if not set(self.own_threads) - alive:
            return
        thread_id, events = start_thread(self.fuzzer, "Add fuzz again")
        self.own_threads[:] = [thread_id]
        self.own_items[:] = [item["id"] for item in thread_items(self.fuzzer, thread_id)]
        self.own_widgets[:] = [item["id"] for item in done_items(events, "widget")]

    def other_folders(self) -> dict[str, dict[str, str]]:
        """Hash every user folder except the fuzzer's own."""
        own = folder_of(self.fuzzer, self.data)
        users = self.data / "users"
        return {f.name: file_hashes(f) for f in sorted(users.iterdir()) if f != own}

    def assert_victim_untouched(self) -> None:
        """Check the app is alive and no other user's file changed by a byte."""
        assert self.fuzzer.get("/healthz").status_code == 200
        assert self.other_folders() == self.before
        victim = folder_of(self.victim, self.data).name
        assert self.before[victim], "the victim's files are part of the check"
