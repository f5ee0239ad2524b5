"""Talk to a running app over HTTP like a ChatKit front end does, and look at its data folder."""

import base64
import hashlib
import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatkit_bridge.jsonfiles import user_folder

Event = dict[str, Any]


def user_input(text: str) -> dict[str, Any]:
    """Build a ChatKit user message input."""
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
    }


def events_of(response: httpx.Response) -> list[Event]:
    """Decode the server-sent events of a streaming answer."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    return [
        json.loads(line.removeprefix("data: "))
        for line in response.text.split("\n")  # SSE lines end in \n; U+2028 is text
        if line.startswith("data: ")
    ]


def stream(client: httpx.Client, kind: str, /, **params: Any) -> list[Event]:
    """Send a streaming ChatKit request and return its events."""
    return events_of(client.post("/chatkit", json={"type": kind, "params": params}))


def call(client: httpx.Client, kind: str, /, **params: Any) -> httpx.Response:
    """Send a ChatKit request and return the raw answer."""
    return client.post("/chatkit", json={"type": kind, "params": params})


def start_thread(client: httpx.Client, text: str) -> tuple[str, list[Event]]:
    """Create a thread with a first message; return its id and the events."""
    events = stream(client, "threads.create", input=user_input(text))
    thread_id = next(e["thread"]["id"] for e in events if e["type"] == "thread.created")
    return thread_id, events


def say(client: httpx.Client, thread_id: str, text: str) -> list[Event]:
    """Add a user message to a thread and return the reply's events."""
    return stream(client, "threads.add_user_message", thread_id=thread_id, input=user_input(text))


def errors_in(events: list[Event]) -> list[Event]:
    """Return the error events of a stream."""
    return [event for event in events if event["type"] == "error"]


def done_items(events: list[Event], kind: str) -> list[Event]:
    """Return the items of one type that a stream finished or replaced."""
    return [
        e["item"]
        for e in events
        if e["type"] in {"thread.item.done", "thread.item.replaced"} and e["item"]["type"] == kind
    ]


def list_cards(events: list[Event]) -> list[Event]:
    """Return the todo list cards a stream finished or replaced (not the change lines)."""
    return [
        item for item in done_items(events, "widget") if item["widget"].get("key") == "todo-card"
    ]


def thread_items(client: httpx.Client, thread_id: str) -> list[Event]:
    """Return the visible items of a thread, oldest first."""
    response = call(client, "items.list", thread_id=thread_id, limit=1000, order="asc")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def assistant_texts(items: list[Event]) -> list[str]:
    """Return the text of each assistant message."""
    return [
        "".join(part["text"] for part in item["content"])
        for item in items
        if item["type"] == "assistant_message"
    ]


def todos(client: httpx.Client) -> list[tuple[str, bool]]:
    """Return the caller's todos as (title, completed)."""
    response = client.get("/api/todos")
    assert response.status_code == 200, response.text
    return [(todo["title"], todo["completed"]) for todo in response.json()["todos"]]


def add_todos(client: httpx.Client, *titles: str) -> list[str]:
    """Add todos through the API and return their ids."""
    response = client.post("/api/todos", json={"titles": list(titles)})
    assert response.status_code == 201, response.text
    return [todo["id"] for todo in response.json()["todos"]]


def session_id(client: httpx.Client) -> str:
    """Read the browser id out of the client's signed session cookie (the payload is plain)."""
    payload = client.cookies["session"].split(".")[0]
    return json.loads(base64.b64decode(payload))["id"]


def folder_of(client: httpx.Client, data: Path) -> Path:
    """Return the data folder of the browser session a client holds."""
    return user_folder(data, f"browser:{session_id(client)}")


def file_hashes(folder: Path) -> dict[str, str]:
    """Return the sha256 of every file under a folder, by relative path."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_no_traceback(response: httpx.Response) -> None:
    """Fail if an answer shows a Python traceback or a server path to the client."""
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """Mount a small tmpfs on a folder for the block, or skip the test where mounting fails."""
    folder.mkdir(parents=True, exist_ok=True)
    command = ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)]
    try:
        mounted = subprocess.run(command, capture_output=True, text=True)
    except OSError as error:
        pytest.skip(f"cannot mount a tmpfs here: {error}")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip() or 'mount failed'}")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def remount(folder: Path, mode: str) -> None:
    """Switch a mounted tmpfs to `ro` or `rw`."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True)


def thread_ids(client: httpx.Client) -> set[str]:
    """Return the ids of the caller's threads."""
    response = call(client, "threads.list", limit=100)
    assert response.status_code == 200, response.text
    return {thread["id"] for thread in response.json()["data"]}


def user_texts(client: httpx.Client, thread_id: str) -> list[str]:
    """Return the user messages of a thread, oldest first."""
    return [
        part["text"]
        for item in thread_items(client, thread_id)
        if item["type"] == "user_message"
        for part in item["content"]
    ]
