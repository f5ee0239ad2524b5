"""The card's page read on the event loop: only from memory, never waiting, never stale."""

import json
import threading
from pathlib import Path

from chatkit_bridge import document_index
from chatkit_bridge.document_journal import JOURNAL
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from chatkit_bridge.postgres_documents import PostgresDocuments
from tests.todo_backends import OpenRepository
from use_cases.todo.data import TodoRepository


def titles(page: object) -> list[str]:
    """Return the titles a page shows."""
    return [todo.title for todo in page.todos]  # type: ignore[attr-defined]


def test_a_page_read_here_is_the_page_a_worker_reads(todo_lists: OpenRepository) -> None:
    repository = todo_lists()
    repository.add("alice", ["milk", "eggs", "bread"])
    repository.set_completed("alice", repository.first("alice").id, True)  # type: ignore[union-attr]

    here = repository.page_here("alice", 2)

    if isinstance(repository.documents, PostgresDocuments):
        assert here is None  # no copy in memory to trust: always a worker thread
        return
    assert here == repository.page("alice", 2)
    assert titles(here) == ["milk", "eggs"]
    assert (here.total, here.done) == (3, 1)  # type: ignore[union-attr]


def test_a_list_another_process_changed_is_read_by_a_worker(tmp_path: Path) -> None:
    ours, theirs = (TodoRepository(tmp_path, files=JsonFiles()) for _ in range(2))
    ours.add("alice", ["milk"])
    assert titles(ours.page_here("alice", 20)) == ["milk"]

    theirs.add("alice", ["eggs"])

    assert ours.page_here("alice", 20) is None  # its file changed: parsing it waits for the disk
    assert titles(ours.page("alice", 20)) == ["milk", "eggs"]
    assert titles(ours.page_here("alice", 20)) == ["milk", "eggs"]  # parsed now


def test_a_list_never_read_in_this_process_is_read_by_a_worker(tmp_path: Path) -> None:
    TodoRepository(tmp_path, files=JsonFiles()).add("alice", ["milk"])
    fresh = TodoRepository(tmp_path, files=JsonFiles())

    assert fresh.page_here("alice", 20) is None
    assert titles(fresh.page("alice", 20)) == ["milk"]


def test_a_list_whose_index_is_not_in_memory_is_read_by_a_worker(tmp_path: Path) -> None:
    repository = TodoRepository(tmp_path, files=JsonFiles())
    repository.add("alice", ["milk"])
    document_index._known.clear()  # chunk summaries forgotten: the index file would be read
    document_index._indexes.clear()

    assert repository.page_here("alice", 20) is None
    assert titles(repository.page("alice", 20)) == ["milk"]


def test_a_list_locked_by_another_process_is_not_waited_for(tmp_path: Path) -> None:
    repository = TodoRepository(tmp_path, files=JsonFiles())
    repository.add("alice", ["milk"])
    other_process = JsonFiles()  # its own lock file descriptor: flock refuses ours meanwhile

    answers: list[object] = []
    reader = threading.Thread(target=lambda: answers.append(repository.page_here("alice", 20)))
    with other_process.lock(user_folder(tmp_path, "alice")):
        reader.start()
        reader.join(timeout=30)  # an answer comes at once; a reader that waits ends after
        waited = reader.is_alive()
    reader.join()

    assert not waited
    assert answers == [None]
    assert titles(repository.page_here("alice", 20)) == ["milk"]


def test_a_half_done_change_is_finished_by_a_worker_not_here(tmp_path: Path) -> None:
    repository = TodoRepository(tmp_path, files=JsonFiles())
    repository.add("alice", ["milk"])
    journal = user_folder(tmp_path, "alice") / "todos" / JOURNAL
    # What a crash between a change's journal and its files leaves: finishing it writes files.
    journal.write_text(json.dumps({"write": {}, "delete": []}))

    assert repository.page_here("alice", 20) is None
    assert journal.exists()  # nothing written on the caller's thread

    assert titles(repository.page("alice", 20)) == ["milk"]
    assert not journal.exists()
