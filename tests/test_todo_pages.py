"""Pages of a long todo list: right on every backend, and read from the chunks they show."""

import json
from pathlib import Path

import pytest

from chatkit_bridge.document_chunks import CHUNK_RECORDS
from chatkit_bridge.document_index import INDEX
from chatkit_bridge.documents import TinyDBDocuments
from chatkit_bridge.jsonfiles import DurableJSONStorage, JsonFiles, user_folder
from tests.todo_backends import OpenRepository
from use_cases.todo.data import TodoRepository
from use_cases.todo.models import Todo, TodoNotFoundError, TodoPage

COUNT = CHUNK_RECORDS * 5 + 37


def every_page(repository: TodoRepository, limit: int) -> list[TodoPage]:
    """Follow the cursors from the first page to the last."""
    pages = [repository.page("alice", limit)]
    while pages[-1].next is not None:
        pages.append(repository.page("alice", limit, pages[-1].next))
    return pages


def shuffled_list(repository: TodoRepository) -> list[Todo]:
    """Fill a list over several chunks, tick some, and undo deletes so order != storage."""
    repository.add("alice", [f"chore {n}" for n in range(COUNT)])
    listed = repository.list("alice")
    for todo in listed[::7]:
        repository.set_completed("alice", todo.id, True)
    # An undone delete appends the todo to the newest chunk with its old position: list
    # order and storage order differ, which pages must not be fooled by.
    gone = [repository.delete("alice", todo.id) for todo in (listed[3], listed[450])]
    repository.restore("alice", gone)
    return repository.list("alice")


def test_pages_walk_the_whole_list_in_order_with_its_counts(todo_lists: OpenRepository) -> None:
    expected = shuffled_list(todo_lists())
    done = sum(todo.completed for todo in expected)

    for limit in (1, 20, 500, 5000):
        pages = every_page(todo_lists(), limit)
        shown = [todo for page in pages for todo in page.todos]
        assert [todo.id for todo in shown] == [todo.id for todo in expected], limit
        assert shown == expected
        assert [page.start for page in pages] == list(range(0, COUNT, limit))
        assert {(page.total, page.done) for page in pages} == {(COUNT, done)}
        assert pages[-1].more == 0 and all(page.todos for page in pages)

    assert todo_lists().get("alice", expected[450].id) == expected[450]


def test_counts_and_pages_follow_every_change(todo_lists: OpenRepository) -> None:
    repository = todo_lists()
    expected = shuffled_list(repository)
    first = repository.page("alice", 20)

    repository.set_completed("alice", expected[1].id, not expected[1].completed)
    repository.delete("alice", expected[0].id)
    repository.add("alice", ["one more"])

    after = todo_lists().page("alice", 20)
    assert after.total == first.total
    ticked = not expected[1].completed
    assert after.done == first.done + (1 if ticked else -1) - expected[0].completed
    assert after.done == sum(todo.completed for todo in todo_lists().list("alice"))
    assert [todo.id for todo in after.todos] == [todo.id for todo in expected[1:21]]
    assert todo_lists().page("alice", 5, after.next).start == 20
    last = every_page(todo_lists(), 500)[-1]
    assert last.todos[-1].title == "one more"


class CountingFiles(JsonFiles):
    """The real file registry, noting which chunk files it parsed."""

    def __init__(self) -> None:
        super().__init__()
        self.parsed: list[str] = []
        counting = self

        class Counted(DurableJSONStorage):
            def _load(self):  # type: ignore[no-untyped-def]
                counting.parsed.append(self.path.name)
                return super()._load()

        self._storage = Counted

    def open(self, path, check=None, storage=DurableJSONStorage):  # type: ignore[no-untyped-def]
        return super().open(path, check, self._storage)


def fresh(tmp_path: Path) -> tuple[TodoRepository, CountingFiles]:
    """Open the list as a new process would: no parsed file in memory."""
    from chatkit_bridge import document_index, document_tags

    document_index._known.clear()
    document_index._indexes.clear()
    document_tags._on_disk.clear()
    files = CountingFiles()
    return TodoRepository(tmp_path, files=files), files


def test_a_page_parses_only_the_chunks_it_shows(tmp_path: Path) -> None:
    expected = shuffled_list(TodoRepository(tmp_path))

    repository, files = fresh(tmp_path)
    page = repository.page("alice", 20)
    assert [todo.id for todo in page.todos] == [todo.id for todo in expected[:20]]
    assert page.total == COUNT
    # The first chunk, and the newest one, where an undone delete put todo #4 back.
    assert sorted(files.parsed) == ["000000.json", "000005.json"]

    repository, files = fresh(tmp_path)
    middle = repository.page("alice", 20, f"{expected[599].position}:{expected[599].id}")
    assert [todo.id for todo in middle.todos] == [todo.id for todo in expected[600:620]]
    assert middle.start == 600
    # Chunk 5's key range spans the cursor (todo #4 came back there): it is read to count.
    assert sorted(files.parsed) == ["000003.json", "000005.json"]

    repository, files = fresh(tmp_path)
    assert repository.get("alice", expected[5].id) == expected[5]


def test_the_index_beside_the_chunks_is_only_a_hint(tmp_path: Path) -> None:
    expected = shuffled_list(TodoRepository(tmp_path))
    index = user_folder(tmp_path, "alice") / "todos" / INDEX
    assert index.exists()

    # A change written by something that keeps no index (an older version of the app, a
    # crash between the chunk and the index): the stale summary is not believed.
    plain = TinyDBDocuments(tmp_path, "todos", files=JsonFiles())
    plain.update("alice", lambda records: records[0].update(completed=True))
    repository, _ = fresh(tmp_path)
    done = sum(todo.completed for todo in expected) + (not expected[0].completed)
    assert repository.page("alice", 10).done == done

    for broken in ("", "{not json", json.dumps({"format": 1, "chunks": []})):
        index.write_text(broken)
        repository, _ = fresh(tmp_path)
        assert repository.page("alice", 10).done == done
        assert [todo.id for todo in every_page(repository, 300)[-1].todos][-1] == expected[-1].id


def test_a_tick_reads_and_writes_only_the_chunk_that_holds_the_todo(tmp_path: Path) -> None:
    expected = shuffled_list(TodoRepository(tmp_path))
    chunks = user_folder(tmp_path, "alice") / "todos"

    def versions() -> dict[str, int]:
        return {path.name: path.stat().st_ino for path in chunks.glob("0*.json")}

    before = versions()
    repository, files = fresh(tmp_path)
    todo = expected[650]
    ticked = repository.set_completed("alice", todo.id, not todo.completed)

    assert ticked.completed is not todo.completed
    # The summaries name the chunk holding the id: only it is parsed and written.
    assert files.parsed == ["000003.json"]
    assert {name for name, inode in versions().items() if before[name] != inode} == {"000003.json"}
    assert TodoRepository(tmp_path, files=JsonFiles()).get("alice", todo.id) == ticked
    page = TodoRepository(tmp_path, files=JsonFiles()).page("alice", 1)
    assert page.done == sum(t.completed for t in expected) + (1 if ticked.completed else -1)
    with pytest.raises(TodoNotFoundError):
        repository.set_completed("alice", "todo_fffff0", True)
