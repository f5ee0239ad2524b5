"""Operations on many todos are one change, and no operation reads the whole list.

Observed on the real files: which chunk files were parsed (a fresh registry, as after a
restart), replaced (their inode) or left alone (inode and modification time), and how many
times the process asked the disk to make something durable (`os.fsync`). What bulk changes
get right (both backends, crashes, merges, one-file lists): tests/test_todo_bulk_outcomes.py.
"""

import os
from pathlib import Path

import pytest

from chatkit_bridge.document_chunks import CHUNK_RECORDS, JOURNAL
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from tests.test_todo_pages import fresh, shuffled_list
from use_cases.todo.data import TodoRepository
from use_cases.todo.models import Todo

COUNT = CHUNK_RECORDS * 5
Versions = dict[str, tuple[int, int]]


def chunk_folder(tmp_path: Path) -> Path:
    return user_folder(tmp_path, "alice") / "todos"


def versions(tmp_path: Path) -> Versions:
    """Return each chunk file's (inode, mtime): a rewrite replaces the file."""
    return {
        path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in chunk_folder(tmp_path).glob("0*.json")
    }


def rewritten(before: Versions, after: Versions) -> set[str]:
    return {name for name, version in after.items() if before.get(name) != version}


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Count each request to make a file or folder of this test durable, passing all on.

    Only paths under the test's folder count: a thread another test left behind (a deferred
    folder sync, a server's log) may sync its own files meanwhile.
    """
    calls: list[str] = []
    real = os.fsync

    def counted(fd: int) -> None:
        path = os.readlink(f"/proc/self/fd/{fd}")
        if Path(path).is_relative_to(tmp_path):
            calls.append(path)
        real(fd)

    monkeypatch.setattr(os, "fsync", counted)
    return calls


def filled(tmp_path: Path) -> list[Todo]:
    """Fill five full chunks and tick one todo in chunk 1 and two in chunk 3."""
    repository = TodoRepository(tmp_path)
    todos = repository.add("alice", [f"chore {n}" for n in range(COUNT)])
    for index in (250, 700, 799):
        repository.set_completed("alice", todos[index].id, True)
    return repository.list("alice")


def test_delete_all_is_one_change_with_a_few_durable_writes(
    tmp_path: Path, fsyncs: list[str]
) -> None:
    filled(tmp_path)
    repository, _ = fresh(tmp_path)
    heard: list[str] = []
    repository.subscribe(heard.append)
    fsyncs.clear()

    removed = repository.delete_many("alice", None)

    assert len(removed) == COUNT
    assert [todo.title for todo in removed[:2]] == ["chore 0", "chore 1"]
    assert TodoRepository(tmp_path, files=JsonFiles()).list("alice") == []
    assert versions(tmp_path) == {}
    assert not (chunk_folder(tmp_path) / JOURNAL).exists()
    # One journaled change of five files: a handful of fsyncs, not two per todo.
    assert len(fsyncs) <= 6, fsyncs
    assert heard == ["alice"]


def test_clear_completed_reads_and_writes_only_the_chunks_holding_done_todos(
    tmp_path: Path, fsyncs: list[str]
) -> None:
    todos = filled(tmp_path)
    before = versions(tmp_path)
    repository, files = fresh(tmp_path)
    fsyncs.clear()

    cleared = repository.clear_completed("alice")

    assert [todo.id for todo in cleared] == [todos[i].id for i in (250, 700, 799)]
    assert sorted(files.parsed) == ["000001.json", "000003.json"]
    assert rewritten(before, versions(tmp_path)) == {"000001.json", "000003.json"}
    assert len(fsyncs) <= 6, fsyncs
    left = TodoRepository(tmp_path, files=JsonFiles()).list("alice")
    assert len(left) == COUNT - 3
    assert not any(todo.completed for todo in left)


def test_reopen_all_and_delete_several_touch_only_their_chunks(
    tmp_path: Path, fsyncs: list[str]
) -> None:
    todos = filled(tmp_path)
    before = versions(tmp_path)
    repository, files = fresh(tmp_path)
    fsyncs.clear()

    pairs = repository.set_completed_many("alice", None, False)

    assert [(b.id, b.completed, a.completed) for b, a in pairs] == [
        (todos[i].id, True, False) for i in (250, 700, 799)
    ]
    assert sorted(files.parsed) == ["000001.json", "000003.json"]
    assert rewritten(before, versions(tmp_path)) == {"000001.json", "000003.json"}
    assert len(fsyncs) <= 6, fsyncs

    before = versions(tmp_path)
    gone = repository.delete_many("alice", [todos[5].id, todos[6].id.upper(), "todo_000000"])
    assert [todo.id for todo in gone] == [todos[5].id, todos[6].id]
    assert rewritten(before, versions(tmp_path)) == {"000000.json"}


def test_tick_all_is_one_change_with_a_write_per_chunk(tmp_path: Path, fsyncs: list[str]) -> None:
    filled(tmp_path)
    repository, _ = fresh(tmp_path)
    fsyncs.clear()

    pairs = repository.set_completed_many("alice", None, True)

    assert len(pairs) == COUNT - 3  # the three done ones did not change
    assert all(after.completed and after.completed_at for _, after in pairs)
    stored = {todo.id: todo for todo in TodoRepository(tmp_path, files=JsonFiles()).list("alice")}
    assert all(stored[after.id] == after for _, after in pairs)
    assert repository.page("alice", 1).done == COUNT
    # Journal, five chunk files, their folder, the journal's removal: not one per todo.
    assert len(fsyncs) <= 10, fsyncs


def test_an_add_reads_and_writes_only_the_newest_chunk(tmp_path: Path) -> None:
    expected = shuffled_list(TodoRepository(tmp_path))
    before = versions(tmp_path)
    newest = max(before)
    repository, files = fresh(tmp_path)

    added = repository.add("alice", ["one", "two"], origin="thread/message")

    assert files.parsed == [newest]
    assert rewritten(before, versions(tmp_path)) == {newest}
    highest = max(todo.position for todo in expected)
    assert [todo.position for todo in added] == [highest + 1, highest + 2]
    listed = TodoRepository(tmp_path, files=JsonFiles()).list("alice")
    assert [todo.id for todo in listed[-2:]] == [todo.id for todo in added]
    assert len({todo.id for todo in listed}) == len(listed)

    # The same turn again (a retry): nothing added, and only the chunk holding it is read.
    repository, files = fresh(tmp_path)
    again = repository.add("alice", ["two", "three"], origin="thread/message")
    assert [todo.id for todo in again[:1]] == [added[1].id]
    assert files.parsed == [newest]
    assert repository.count("alice") == len(expected) + 3


def test_an_add_to_a_full_chunk_starts_the_next_without_reading_any(tmp_path: Path) -> None:
    filled(tmp_path)
    before = versions(tmp_path)
    repository, files = fresh(tmp_path)

    (todo,) = repository.add("alice", ["after the full ones"])

    assert files.parsed == []
    assert rewritten(before, versions(tmp_path)) == {"000005.json"}
    assert todo.position == COUNT + 1
    assert repository.last("alice") == todo


def test_last_reads_one_chunk_and_first_reads_one(tmp_path: Path) -> None:
    expected = shuffled_list(TodoRepository(tmp_path))
    repository, files = fresh(tmp_path)
    assert repository.last("alice") == expected[-1]
    assert len(files.parsed) == 1

    repository, files = fresh(tmp_path)
    assert repository.first("alice") == expected[0]
    # Chunk 0 starts lowest; the first todo found there is below every other chunk's range.
    assert files.parsed == ["000000.json"]
