"""Records that are valid JSON but invalid data are set aside; the rest of the account works."""

import hashlib
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadMetadata

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from chatkit_bridge.store import TinyDBStore
from tests.app_process import running_app
from tests.wire import (
    call,
    errors_in,
    folder_of,
    say,
    start_thread,
    thread_items,
    todos,
    user_input,
)
from use_cases.todo.data import TodoRepository

ALICE = RequestContext(user_id="alice")
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
SECRET_TEXT = "my bank pin is 1234"  # user text: must never reach the log

BAD_THREADS = {
    "thr_bad_date": {"id": "thr_bad_date", "title": SECRET_TEXT, "created_at": "not-a-date"},
    "thr_no_date": {"id": "thr_no_date", "title": SECRET_TEXT, "status": {"type": "active"}},
}
BAD_ITEM = {
    "id": "msg_bad",
    "type": "assistant_message",
    "thread_id": "thr_good",
    "created_at": T0.isoformat(),
    "content": SECRET_TEXT,  # must be a list of parts
}
BAD_TODOS = {
    "todo_bad_title": {"id": "todo_bad_title", "title": 5, "created_at": T0.isoformat()},
    "todo_bad_flags": {
        "id": "todo_bad_flags",
        "title": SECRET_TEXT,
        "completed": "maybe",
        "created_at": "yesterday",
    },
    # Stored before inputs were checked: no page or JSON answer could encode it.
    "todo_surrogate": {"id": "todo_surrogate", "title": "x \ud800 y", "created_at": T0.isoformat()},
}


def message(item_id: str, text: str = "hello") -> AssistantMessageItem:
    return AssistantMessageItem(
        id=item_id,
        thread_id="thr_good",
        created_at=T0,
        content=[AssistantMessageContent(text=text)],
    )


def file_holding(folder: Path, record_id: str, table: str | None = None) -> Path:
    """Return the data file of a user folder that stores a record (or a table) with this id."""
    (path,) = [
        p
        for p in folder.rglob("*.json")
        if f'"{record_id}"' in p.read_text() and (table is None or f'"{table}"' in p.read_text())
    ]
    return path


def inject(path: Path, table: str, records: dict[str, dict[str, Any]]) -> None:
    """Add records to a table of a TinyDB file, as a hand edit or an old bug would."""
    data = json.loads(path.read_text())
    docs = data.setdefault(table, {})
    for n, record in enumerate(records.values(), start=1000):
        docs[str(n)] = record
    path.write_text(json.dumps(data))


def aside_ids(path: Path, table: str) -> set[str]:
    """Return the ids kept in the side file of a data file."""
    kept = json.loads(path.with_name(f"{path.name}.invalid").read_text())
    return {record["id"] for record in kept[table].values()}


@pytest.fixture
def caplog_errors(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.ERROR)
    return caplog


async def test_invalid_threads_and_items_are_set_aside_and_the_rest_loads(
    tmp_path: Path, caplog_errors: pytest.LogCaptureFixture
) -> None:
    store = TinyDBStore(tmp_path, files=JsonFiles())
    await store.save_thread(ThreadMetadata(id="thr_good", created_at=T0, title="Good"), ALICE)
    await store.add_thread_item("thr_good", message("msg_1"), ALICE)
    await store.add_thread_item("thr_good", message("msg_2"), ALICE)
    folder = user_folder(tmp_path, "alice")
    threads_file = folder / "threads.json"
    # msg_2, an answer, is in the log of msg_1's chunk: setting msg_bad aside must not lose it.
    items_file = file_holding(folder, "msg_1")
    inject(threads_file, "threads", BAD_THREADS)
    inject(items_file, "items", {"msg_bad": BAD_ITEM})
    log = items_file.with_name(f"{items_file.name}.log")
    header, *entries = log.read_text().split("\n")
    # As if msg_bad had been written before the log began (by a version that accepted it).
    header = json.dumps({"base": hashlib.blake2b(items_file.read_bytes()).hexdigest()})
    log.write_text("\n".join([header, *entries]))

    restarted = TinyDBStore(tmp_path, files=JsonFiles())
    threads = await restarted.load_threads(10, None, "asc", ALICE)
    items = await restarted.load_thread_items("thr_good", None, 10, "asc", ALICE)

    assert [thread.id for thread in threads.data] == ["thr_good"]
    assert [item.id for item in items.data] == ["msg_1", "msg_2"]
    assert aside_ids(threads_file, "threads") == set(BAD_THREADS)
    assert aside_ids(items_file, "items") == {"msg_bad"}
    assert "thr_bad_date" not in threads_file.read_text(), "the data file no longer has it"
    for record_id in [*BAD_THREADS, "msg_bad"]:
        assert record_id in caplog_errors.text, "the log names each record"
    assert str(threads_file) in caplog_errors.text and str(items_file) in caplog_errors.text
    assert SECRET_TEXT not in caplog_errors.text and "not-a-date" not in caplog_errors.text

    # The account keeps working, and nothing set aside comes back.
    await restarted.add_thread_item("thr_good", message("msg_3"), ALICE)
    again = TinyDBStore(tmp_path, files=JsonFiles())
    assert [t.id for t in (await again.load_threads(10, None, "asc", ALICE)).data] == ["thr_good"]
    items = await again.load_thread_items("thr_good", None, 10, "asc", ALICE)
    assert [item.id for item in items.data] == ["msg_1", "msg_2", "msg_3"]


def test_invalid_todos_are_set_aside_and_the_rest_loads(
    tmp_path: Path, caplog_errors: pytest.LogCaptureFixture
) -> None:
    todos = TodoRepository(tmp_path, files=JsonFiles())
    todos.add("alice", ["buy milk", "pay rent"])
    path = user_folder(tmp_path, "alice") / "todos" / "000000.json"
    inject(path, "todos", BAD_TODOS)

    restarted = TodoRepository(tmp_path, files=JsonFiles())
    assert [todo.title for todo in restarted.list("alice")] == ["buy milk", "pay rent"]
    restarted.add("alice", ["call mom"])

    assert [todo.title for todo in restarted.list("alice")] == ["buy milk", "pay rent", "call mom"]
    assert aside_ids(path, "todos") == set(BAD_TODOS)
    assert "todo_bad_title" in caplog_errors.text and str(path) in caplog_errors.text
    assert SECRET_TEXT not in caplog_errors.text and "yesterday" not in caplog_errors.text


def test_setting_aside_twice_keeps_both_versions(tmp_path: Path) -> None:
    todos = TodoRepository(tmp_path, files=JsonFiles())
    todos.add("alice", ["buy milk"])
    path = user_folder(tmp_path, "alice") / "todos" / "000000.json"
    first = {"todo_x": {"id": "todo_x", "title": 1, "created_at": T0.isoformat()}}
    second = {"todo_x": {"id": "todo_x", "title": 2, "created_at": T0.isoformat()}}

    for bad in (first, second):
        inject(path, "todos", bad)
        assert [t.title for t in TodoRepository(tmp_path, files=JsonFiles()).list("alice")] == [
            "buy milk"
        ]

    kept = json.loads(path.with_name(f"{path.name}.invalid").read_text())["todos"]
    assert sorted(record["title"] for record in kept.values()) == [1, 2]


# -- the real app ------------------------------------------------------------------


def test_the_app_keeps_serving_an_account_with_invalid_records(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_app(data) as url, httpx.Client(base_url=url, timeout=60) as alice:
        thread_id, _ = start_thread(alice, "Add buy milk")
        folder = folder_of(alice, data)
        inject(folder / "threads.json", "threads", BAD_THREADS)
        inject(file_holding(folder, thread_id, "items"), "items", {"msg_bad": BAD_ITEM})
        inject(folder / "todos" / "000000.json", "todos", BAD_TODOS)

        assert alice.get("/").status_code == 200
        assert todos(alice) == [("buy milk", False)]
        listed = call(alice, "threads.list", limit=10).json()["data"]
        assert [thread["id"] for thread in listed] == [thread_id]
        assert not errors_in(say(alice, thread_id, "Add call mom"))
        assert todos(alice) == [("buy milk", False), ("call mom", False)]
        assert len(thread_items(alice, thread_id)) >= 4


def test_a_folder_where_a_data_file_should_be_answers_503_everywhere(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with (
        running_app(data) as url,
        httpx.Client(base_url=url, timeout=60) as alice,
        httpx.Client(base_url=url, timeout=60) as bob,
    ):
        thread_id, _ = start_thread(alice, "Add buy milk")
        start_thread(bob, "Add walk the dog")
        folder = folder_of(alice, data)
        for name in ("todos/000000.json", "threads.json"):
            (folder / name).unlink()
            (folder / name / "oops").mkdir(parents=True)

        page = alice.get("/")
        assert page.status_code == 503
        assert "cannot be read right now" in page.text and "/users/" not in page.text
        for response in (
            alice.get("/api/todos"),
            alice.post("/api/todos", json={"titles": ["eggs"]}),
            call(alice, "threads.list", limit=10),
            call(alice, "threads.create", input=user_input("Add eggs")),
            call(alice, "threads.add_user_message", thread_id=thread_id, input=user_input("hi")),
        ):
            assert response.status_code == 503, response.text
            assert "could not be read or saved" in response.json()["error"]
            assert "/users/" not in response.text

        # Nobody else is affected.
        assert bob.get("/").status_code == 200
        assert todos(bob) == [("walk the dog", False)]


def test_a_folder_where_a_threads_items_should_be_answers_503(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_app(data) as url, httpx.Client(base_url=url, timeout=60) as alice:
        thread_id, _ = start_thread(alice, "Add buy milk")
        items = file_holding(folder_of(alice, data), thread_id, "items")
        items.unlink()
        (items / "oops").mkdir(parents=True)

        for response in (
            call(alice, "items.list", thread_id=thread_id, limit=10),
            call(alice, "threads.add_user_message", thread_id=thread_id, input=user_input("hi")),
        ):
            assert response.status_code == 503, response.text
        assert todos(alice) == [("buy milk", False)], "the rest of the account works"
