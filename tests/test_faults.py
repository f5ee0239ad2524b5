"""Faults from outside, seen over real HTTP: a failing disk (read-only, full, replaced, corrupt).

The failing model service: tests/test_model_faults.py.
"""

import errno
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.app_process import running_app
from tests.wire import (
    add_todos,
    assert_no_traceback,
    call,
    errors_in,
    events_of,
    file_hashes,
    folder_of,
    list_cards,
    remount,
    say,
    start_thread,
    stream,
    thread_items,
    tmpfs,
    todos,
    user_input,
)

SECRET = "faults-secret-at-least-32-characters"


# -- storage faults --------------------------------------------------------------------


def assert_storage_refusal(response: httpx.Response) -> None:
    """Check a write the disk refused is a clear JSON error, not a crash page."""
    assert response.status_code == 503, response.text
    assert_no_traceback(response)
    message = response.json()["error"]
    assert "could not be read or saved" in message
    assert "/users/" not in message, "no server paths reach the client"


def assert_chat_refusal(response: httpx.Response) -> None:
    """Check a chat turn the disk refused: a 503 before the stream, or an error event in it."""
    if response.status_code != 200:
        assert_storage_refusal(response)
        return
    (error,) = errors_in(events_of(response))
    assert "could not be read or saved" in (error["message"] or ""), error
    assert error["allow_retry"] is True


def message_to(thread_id: str, text: str) -> dict[str, object]:
    """Build the request that adds a user message to a thread."""
    params = {"thread_id": thread_id, "input": user_input(text)}
    return {"type": "threads.add_user_message", "params": params}


def new_thread(text: str) -> dict[str, object]:
    """Build the request that starts a thread."""
    return {"type": "threads.create", "params": {"input": user_input(text)}}


@pytest.fixture
def clients() -> Iterator[Callable[..., httpx.Client]]:
    """Open browser sessions against an app and close them after the test."""
    opened: list[httpx.Client] = []

    def open_client(url: str, cookies: httpx.Cookies | None = None) -> httpx.Client:
        client = httpx.Client(base_url=url, timeout=30, cookies=cookies)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()


def test_a_read_only_data_folder_refuses_writes_clearly_and_keeps_data(
    tmp_path: Path, clients: Callable[..., httpx.Client]
) -> None:
    with (
        tmpfs(tmp_path / "data", "16m") as data,
        running_app(data, STORAGE_SECRET=SECRET) as url,
    ):
        alice, bob = clients(url), clients(url)
        thread_id, events = start_thread(alice, "Add buy milk")
        (card,) = list_cards(events)
        (todo_id,) = [t["id"] for t in alice.get("/api/todos").json()["todos"]]
        items_before = thread_items(alice, thread_id)
        files_before = file_hashes(data)

        remount(data, "ro")
        try:
            for response in (
                alice.post("/api/todos", json={"titles": ["eggs"]}),
                alice.patch(f"/api/todos/{todo_id}", json={"completed": True}),
                alice.delete(f"/api/todos/{todo_id}"),
                call(alice, "threads.update", thread_id=thread_id, title="Groceries"),
                call(alice, "threads.delete", thread_id=thread_id),
            ):
                assert_storage_refusal(response)
            assert_chat_refusal(alice.post("/chatkit", json=message_to(thread_id, "Add eggs")))
            assert_chat_refusal(bob.post("/chatkit", json=new_thread("Add tea")))
            toggled = stream(
                alice,
                "threads.custom_action",
                thread_id=thread_id,
                item_id=card["id"],
                action={"type": "todo.toggle", "payload": {"id": todo_id}},
            )
            # A click the disk refused ends in an error event; it carries no message yet
            # (the SDK turns the storage error inside the action into a bare stream.error).
            assert errors_in(toggled)

            assert todos(alice) == [("buy milk", False)]
            assert thread_items(alice, thread_id) == items_before
            assert todos(bob) == []
            assert call(bob, "threads.list").json()["data"] == []
            assert bob.get("/").status_code == 200
            assert alice.get("/readyz").status_code == 503
            assert file_hashes(data) == files_before
        finally:
            remount(data, "rw")

        add_todos(alice, "eggs")
        assert todos(alice) == [("buy milk", False), ("eggs", False)]
        assert not errors_in(say(alice, thread_id, "Add bread"))
        assert todos(alice)[-1] == ("bread", False)
        ids_before = [item["id"] for item in items_before]
        ids_after = [item["id"] for item in thread_items(alice, thread_id)]
        assert ids_after[: len(ids_before)] == ids_before


def fill(path: Path) -> None:
    """Write to a file until the disk under it is full."""
    chunk = b"\0" * 65536
    with path.open("wb", buffering=0) as handle:
        while chunk:
            try:
                handle.write(chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
                chunk = chunk[: len(chunk) // 2]


def test_a_full_disk_refuses_writes_and_keeps_serving_reads(
    tmp_path: Path, clients: Callable[..., httpx.Client]
) -> None:
    with (
        tmpfs(tmp_path / "data", "2m") as data,
        running_app(data, STORAGE_SECRET=SECRET) as url,
    ):
        alice, bob = clients(url), clients(url)
        thread_id, _ = start_thread(alice, "Add buy milk")
        (todo_id,) = [t["id"] for t in alice.get("/api/todos").json()["todos"]]
        items_before = thread_items(alice, thread_id)
        filler = data / "filler"

        fill(filler)
        try:
            assert_storage_refusal(alice.post("/api/todos", json={"titles": ["eggs"]}))
            assert_storage_refusal(alice.patch(f"/api/todos/{todo_id}", json={"title": "oat milk"}))
            # A new chat needs new file space (a message to this chat may still fit in the disk
            # block its log already holds, and then it is kept like any other).
            assert_chat_refusal(alice.post("/chatkit", json=new_thread("Add eggs")))

            assert todos(alice) == [("buy milk", False)]
            assert thread_items(alice, thread_id) == items_before
            assert [t["id"] for t in call(alice, "threads.list").json()["data"]] == [thread_id]
            assert alice.get("/").status_code == 200
            assert todos(bob) == []
            assert bob.get("/").status_code == 200
        finally:
            filler.unlink()

        add_todos(alice, "eggs")
        assert todos(alice) == [("buy milk", False), ("eggs", False)]
        assert not [p for p in data.rglob("*.tmp")], "no temporary files are left behind"


def test_a_user_folder_replaced_by_a_file_fails_clearly_for_that_user_only(
    tmp_path: Path, clients: Callable[..., httpx.Client]
) -> None:
    data = tmp_path / "data"
    with running_app(data, STORAGE_SECRET=SECRET) as url:
        alice, bob = clients(url), clients(url)
        thread_id, _ = start_thread(alice, "Add buy milk")
        add_todos(bob, "bob's task")
        folder = folder_of(alice, data)
        aside = folder.with_name(folder.name + ".moved")
        folder.rename(aside)
        folder.write_text("not a folder")
        try:
            assert_storage_refusal(alice.post("/api/todos", json={"titles": ["eggs"]}))
            assert_storage_refusal(call(alice, "threads.update", thread_id=thread_id, title="x"))
            assert_chat_refusal(alice.post("/chatkit", json=message_to(thread_id, "Add eggs")))
            assert_chat_refusal(alice.post("/chatkit", json=new_thread("Add tea")))

            add_todos(bob, "bob's second task")
            assert todos(bob) == [("bob's task", False), ("bob's second task", False)]
            assert not errors_in(start_thread(bob, "Add call mom")[1])
        finally:
            folder.unlink()
            aside.rename(folder)

        assert todos(alice) == [("buy milk", False)]
        add_todos(alice, "eggs")
        assert todos(alice) == [("buy milk", False), ("eggs", False)]


def test_a_corrupt_user_file_is_set_aside_logged_and_others_unaffected(
    tmp_path: Path, clients: Callable[..., httpx.Client]
) -> None:
    data = tmp_path / "data"
    with running_app(data, STORAGE_SECRET=SECRET) as url:
        alice, bob = clients(url), clients(url)
        start_thread(alice, "Add buy milk")
        bob_thread, _ = start_thread(bob, "Add call mom")
        bob_items = thread_items(bob, bob_thread)
        alice_folder, bob_folder = folder_of(alice, data), folder_of(bob, data)
    bob_files = file_hashes(bob_folder)
    broken = {
        alice_folder / "todos" / "000000.json": b'{"todos": {"1": {"id": "todo_1", "tit',
        alice_folder / "threads.json": b"\xff\xfe not even text",
    }
    for path, content in broken.items():
        path.write_bytes(content)

    with running_app(data, STORAGE_SECRET=SECRET) as url:
        alice, bob = clients(url, alice.cookies), clients(url, bob.cookies)
        assert todos(alice) == []
        assert call(alice, "threads.list").json()["data"] == []
        assert todos(bob) == [("call mom", False)]
        assert thread_items(bob, bob_thread) == bob_items
        add_todos(alice, "start again")
        assert todos(alice) == [("start again", False)]
        port = url.rsplit(":", 1)[1]

    log = (data.parent / f"app-{port}.log").read_text()
    for path, content in broken.items():
        (aside,) = path.parent.glob(f"{path.name}.corrupt-*")
        assert aside.read_bytes() == content, "the unreadable file is kept for recovery"
        assert f"Unreadable data file {path}" in log
    assert file_hashes(bob_folder) == bob_files
