"""Data survives corrupt files and failing disks: set aside, refused clearly, never lost."""

import errno
import json
import logging
import os
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from chatkit.types import ThreadMetadata

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles, StorageError, user_folder
from chatkit_bridge.store import TinyDBStore
from tests.test_store_durability import (
    ALICE,
    WORKER,
    all_item_ids,
    assert_all_json_files_parse,
    fresh_store,
    fresh_todos,
    message,
)
from use_cases.todo.data import TodoRepository

BOB = RequestContext(user_id="bob")

# -- (c) corrupt files ----------------------------------------------------------


async def test_a_corrupt_user_file_is_moved_aside_and_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    carol = RequestContext(user_id="carol")
    store = fresh_store(tmp_path)
    todos = TodoRepository(tmp_path, files=store._files)
    for context in (ALICE, BOB, carol):
        for thread_id in ("thr_a", "thr_b"):
            await store.save_thread(
                ThreadMetadata(id=thread_id, created_at=datetime.now()), context
            )
            await store.add_thread_item(thread_id, message("m1", thread_id), context)
        todos.add(context.user_id, [f"{context.user_id}'s todo"])
    alice, carol_folder = user_folder(tmp_path, "alice"), user_folder(tmp_path, "carol")
    broken = {
        alice / "threads" / "thr_a" / "000000.json": b"\xff\xfe not utf-8",
        alice / "todos" / "000000.json": b"[1, 2, 3]",
        carol_folder / "threads.json": b'{"threads": {"1": {"id": "thr_a", "crea',
    }
    for path, content in broken.items():
        path.write_bytes(content)

    store = fresh_store(tmp_path)
    todos = TodoRepository(tmp_path, files=store._files)
    with caplog.at_level(logging.WARNING):
        assert await all_item_ids(store, "thr_a", ALICE) == []
        assert await all_item_ids(store, "thr_b", ALICE) == ["m1"]
        assert todos.list("alice") == []
        assert [todo.title for todo in todos.list("carol")] == ["carol's todo"]
        assert (await store.load_threads(10, None, "asc", carol)).data == []
        # Carol starts over; her old items wait aside instead of leaking in.
        await store.save_thread(ThreadMetadata(id="thr_a", created_at=datetime.now()), carol)
        assert await all_item_ids(store, "thr_a", carol) == []

    for path, content in broken.items():
        (aside,) = path.parent.glob(f"{path.name}.corrupt-*")
        assert aside.read_bytes() == content
        assert str(path) in caplog.text
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 3
    assert len(list((carol_folder / "threads").glob("thr_a.orphan-*"))) == 1
    assert await all_item_ids(store, "thr_a", BOB) == ["m1"]
    assert [todo.title for todo in todos.list("bob")] == ["bob's todo"]
    todos.add("alice", ["fresh start"])
    await store.add_thread_item("thr_a", message("m2", "thr_a"), ALICE)
    again = fresh_store(tmp_path)
    assert [todo.title for todo in fresh_todos(tmp_path).list("alice")] == ["fresh start"]
    assert await all_item_ids(again, "thr_a", ALICE) == ["m2"]


async def test_a_folder_in_place_of_a_file_is_an_error_not_data_loss(tmp_path: Path) -> None:
    (user_folder(tmp_path, "alice") / "todos.json").mkdir(parents=True)

    with pytest.raises(StorageError, match="Could not read"):
        fresh_todos(tmp_path).list("alice")
    assert (user_folder(tmp_path, "alice") / "todos.json").is_dir()


# -- (d) failing disk -------------------------------------------------------------


async def _seed_worker_data(folder: Path) -> None:
    store = fresh_store(folder)
    worker = RequestContext(user_id="worker")
    await store.save_thread(ThreadMetadata(id="thr_worker", created_at=datetime.now()), worker)
    await store.add_thread_item("thr_worker", message("m_old", "thr_worker"), worker)
    TodoRepository(folder, files=store._files).add("worker", ["old todo"])


async def test_a_full_disk_raises_and_keeps_earlier_data(tmp_path: Path) -> None:
    await _seed_worker_data(tmp_path)

    result = subprocess.run(
        [sys.executable, str(WORKER), "full-disk", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    for key in ("store_error", "todo_error", "rename_error"):
        assert report[key].startswith("StorageError: Could not save"), report[key]
        assert "previous version is kept" in report[key]
    assert report["items_after_failure"] == ["m_old"]
    assert report["todos_after_failure"] == ["old todo"]
    assert report["items_after_retry"] == ["m_old", "m_retry"]
    assert report["todos_after_retry"] == ["old todo", "retried todo"]
    assert_all_json_files_parse(tmp_path)
    assert not [p for p in tmp_path.rglob("*.tmp")], "temporary files were left behind"


def _permissions_bind(folder: Path) -> bool:
    probe = folder / "probe"
    probe.mkdir()
    probe.chmod(0o555)
    try:
        (probe / "x").touch()
    except PermissionError:
        return True
    finally:
        probe.chmod(0o755)
    return False


async def test_a_read_only_folder_raises_and_keeps_earlier_data(tmp_path: Path) -> None:
    if not _permissions_bind(tmp_path):
        pytest.skip("this user (root) ignores folder permissions; the full-disk test covers it")
    await _seed_worker_data(tmp_path)
    store = fresh_store(tmp_path)
    todos = TodoRepository(tmp_path, files=store._files)
    worker = RequestContext(user_id="worker")
    folders = [p for p in tmp_path.rglob("*") if p.is_dir()]
    for folder in folders:
        folder.chmod(0o555)
    try:
        with pytest.raises(StorageError, match="Could not save"):
            await store.add_thread_item("thr_worker", message("m_new", "thr_worker"), worker)
        with pytest.raises(StorageError, match="Could not save"):
            todos.add("worker", ["new todo"])
        assert await all_item_ids(store, "thr_worker", worker) == ["m_old"]
        assert [todo.title for todo in todos.list("worker")] == ["old todo"]
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert await all_item_ids(fresh_store(tmp_path), "thr_worker", worker) == ["m_old"]


async def test_a_file_system_that_cannot_sync_folders_still_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Azure Files (SMB) answers EINVAL to fsync on a folder; writes must still succeed."""
    real_fsync = os.fsync

    def smb_like_fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", smb_like_fsync)
    store, context = fresh_store(tmp_path), RequestContext(user_id="alice")
    thread = ThreadMetadata(id="thr_smb", created_at=datetime.now(UTC))
    await store.save_thread(thread, context)
    await store.add_thread_item(thread.id, message("msg_1", thread.id), context)
    fresh_todos(tmp_path).add("alice", ["saved on a share"])

    reloaded = fresh_store(tmp_path)
    assert await all_item_ids(reloaded, thread.id, context) == ["msg_1"]
    assert [t.title for t in fresh_todos(tmp_path).list("alice")] == ["saved on a share"]


async def test_a_fresh_temp_file_of_another_process_survives_and_a_crashs_is_removed(
    tmp_path: Path,
) -> None:
    """Another process's write in flight keeps its temporary file; a crash's old one goes."""
    folder = user_folder(tmp_path, "alice")
    folder.mkdir(parents=True)
    in_flight = folder / ".threads.json.4242-1.tmp"
    in_flight.write_text('{"threads": {}}', encoding="utf-8")
    crashed = folder / ".threads.json.4243-1.tmp"
    crashed.write_text('{"threads": {}}', encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(crashed, (an_hour_ago, an_hour_ago))

    store = TinyDBStore(tmp_path, files=JsonFiles())  # a process opening the folder first
    assert (await store.load_threads(10, None, "asc", ALICE)).data == []

    assert in_flight.exists(), "a write in flight lost its temporary file before its rename"
    assert not crashed.exists(), "a crash's temporary file was left behind"
