"""The digests that find a todo's chunk live in a file per chunk: a tick rewrites none of them."""

import subprocess
import sys
from pathlib import Path

import pytest

from chatkit_bridge.document_index import INDEX
from chatkit_bridge.document_order import Order
from chatkit_bridge.documents import TinyDBDocuments
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from tests.test_todo_pages import fresh, shuffled_list
from use_cases.todo.data import TodoRepository
from use_cases.todo.models import TodoNotFoundError

Versions = dict[str, tuple[int, int, int]]


def chunk_folder(tmp_path: Path) -> Path:
    return user_folder(tmp_path, "alice") / "todos"


def versions(folder: Path) -> Versions:
    """Return each file's identity (inode, size, modification time) in the chunk folder."""
    return {
        p.name: (p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".")
    }


def rewritten(folder: Path, before: Versions) -> set[str]:
    """Return the names of the files that are new or were replaced since `before`."""
    return {name for name, version in versions(folder).items() if before.get(name) != version}


def test_a_tick_rewrites_its_chunk_and_a_small_index_but_no_digests(tmp_path: Path) -> None:
    expected = shuffled_list(TodoRepository(tmp_path))
    folder = chunk_folder(tmp_path)
    chunks = sorted(folder.glob("0*.json"))
    assert [p.name for p in sorted(folder.glob("*.tags"))] == [f"{p.name}.tags" for p in chunks]
    before = versions(folder)

    repository, _ = fresh(tmp_path)  # a new process: it knows the tags files from reading them
    todo = expected[650]
    repository.set_completed("alice", todo.id, not todo.completed)

    # A tick changes no id and no origin: the digests of 200 ids per chunk (~2 KB) are not
    # written again, and the index holds only counts and key ranges (it held every digest).
    assert rewritten(folder, before) == {"000003.json", INDEX}
    assert (folder / INDEX).stat().st_size < 300 * len(chunks)
    assert TodoRepository(tmp_path).get("alice", todo.id).completed is not todo.completed


def test_an_add_rewrites_the_digests_of_the_newest_chunk_only(tmp_path: Path) -> None:
    shuffled_list(TodoRepository(tmp_path))
    folder = chunk_folder(tmp_path)
    newest = sorted(folder.glob("0*.json"))[-1].name
    before = versions(folder)

    repository, files = fresh(tmp_path)
    (added,) = repository.add("alice", ["one more"], origin="turn_1")

    assert rewritten(folder, before) == {newest, f"{newest}.tags", INDEX}
    assert files.parsed == [newest]
    again, files = fresh(tmp_path)
    assert again.add("alice", ["one more"], origin="turn_1") == [added]  # a retried turn
    assert files.parsed == [newest], "the origin's digest names the one chunk to read"


@pytest.mark.parametrize(
    "damage",
    ["another chunk's digests", "missing", "garbage"],
)
def test_digests_that_do_not_match_the_index_are_not_believed(tmp_path: Path, damage: str) -> None:
    expected = shuffled_list(TodoRepository(tmp_path))
    folder = chunk_folder(tmp_path)
    tags = folder / "000003.json.tags"
    # A crash between a tags file and the index, another process, a hand edit: digests that
    # would send a lookup of a todo in chunk 3 elsewhere (or nowhere).
    if damage == "missing":
        tags.unlink()
    elif damage == "garbage":
        tags.write_bytes(b"\xff not digests")
    else:
        tags.write_bytes((folder / "000002.json.tags").read_bytes())

    repository, _ = fresh(tmp_path)
    assert repository.get("alice", expected[650].id) == expected[650]
    repository.set_completed("alice", expected[651].id, not expected[651].completed)
    again, files = fresh(tmp_path)
    assert again.get("alice", expected[652].id) == expected[652]
    assert files.parsed == ["000003.json"], "the next change wrote chunk 3's digests again"


def test_removed_chunks_take_their_digests_along(tmp_path: Path) -> None:
    shuffled_list(TodoRepository(tmp_path))
    folder = chunk_folder(tmp_path)

    TodoRepository(tmp_path).delete_many("alice", None)

    assert not list(folder.glob("0*.json"))
    assert not list(folder.glob("*.tags"))


def test_a_page_reads_no_digests(tmp_path: Path) -> None:
    expected = shuffled_list(TodoRepository(tmp_path))
    folder = chunk_folder(tmp_path)
    for tags in folder.glob("*.tags"):
        tags.unlink()  # were they needed, every chunk would be parsed to make them again

    repository, files = fresh(tmp_path)
    page = repository.page("alice", 20)

    assert [todo.id for todo in page.todos] == [todo.id for todo in expected[:20]]
    # The first chunk, and the newest one, where an undone delete put todo #4 back.
    assert sorted(files.parsed) == ["000000.json", "000005.json"]
    assert repository.get("alice", expected[650].id) == expected[650]


def test_a_change_of_a_tagged_value_changes_the_digests_and_others_keep_them(
    tmp_path: Path,
) -> None:
    order = Order(by=("n",), defaults=(0,), tagged=("label",))

    def labels() -> TinyDBDocuments:
        docs = TinyDBDocuments(tmp_path, "labels", files=JsonFiles())
        docs.order = order
        return docs

    docs = labels()
    docs.append("alice", lambda _: (None, [{"n": n, "label": f"l{n}"} for n in range(450)]))
    # A change of an untagged field (like a tick) keeps the chunk's digests; a change of the
    # tagged one makes them again: the new value is found, the old one no longer.
    docs.update_one("alice", "label", "l300", lambda record: record.update(note="x"))
    docs.update_one("alice", "label", "l301", lambda record: record.update(label="new"))

    for fresh_process in (False, True):
        if fresh_process:
            fresh(tmp_path)  # nothing in memory: the digests come from the tags files
        reader = labels()
        assert reader.find("alice", "label", "new") == {"n": 301, "label": "new"}
        assert reader.find("alice", "label", "l301") is None
        assert reader.find("alice", "label", "l300") == {"n": 300, "label": "l300", "note": "x"}


OTHER_PROCESS = """
import sys
from pathlib import Path
from use_cases.todo.data import TodoRepository
repository = TodoRepository(Path(sys.argv[1]))
repository.delete("alice", sys.argv[2])
(added,) = repository.add("alice", ["from the other process"])
print(added.id)
"""


def test_digests_another_process_changed_are_read_again(tmp_path: Path) -> None:
    repository = TodoRepository(tmp_path)
    expected = shuffled_list(repository)  # this process now knows every chunk and tags file
    gone = expected[650]
    root = Path(__file__).resolve().parents[1]

    other = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, str(tmp_path), gone.id],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    added_id = other.stdout.strip()

    # Chunk 3 (the delete) and the newest chunk (the add) changed under this process's memory.
    assert repository.get("alice", added_id).title == "from the other process"
    with pytest.raises(TodoNotFoundError):
        repository.get("alice", gone.id)
    ticked = repository.set_completed("alice", expected[651].id, not expected[651].completed)
    again, files = fresh(tmp_path)
    assert again.get("alice", expected[651].id) == ticked
    assert again.get("alice", added_id).title == "from the other process"
    assert sorted(files.parsed) == ["000003.json", "000005.json"], "the digests on disk are right"


def test_adds_extend_the_newest_chunks_summary_as_reading_it_would(tmp_path: Path) -> None:
    order = Order(by=("n",), defaults=(0,), counted=("done",), tagged=("label",))

    def labels() -> TinyDBDocuments:
        docs = TinyDBDocuments(tmp_path, "labels", files=JsonFiles())
        docs.order = order
        return docs

    def record(n: int) -> dict[str, object]:
        # Later records' keys go below and above the earlier ones' (1000-1804) by turns.
        key = 1000 + n % 7 * 100 + n if n < 205 else (n if n % 2 else 3000 + n)
        return {"n": key, "label": f"l{n % 5 if n > 210 else n}", "done": n % 3 == 0}

    docs = labels()
    docs.append("alice", lambda _: (None, [record(n) for n in range(205)]))
    for n in range(205, 230):  # one at a time, as turns add them: out of key order, repeats
        docs.append("alice", lambda _, n=n: (None, [record(n)]))
    docs.append("alice", lambda _: (None, [record(n) for n in range(230, 240)]))
    every = sorted((record(n) for n in range(240)), key=lambda r: r["n"])

    for fresh_process in (False, True):
        if fresh_process:
            fresh(tmp_path)  # nothing in memory: counts and key ranges come from the index
        reader = labels()
        page = reader.page("alice", 300)
        assert page.records == every
        assert (page.total, page.counts) == (240, {"done": 80})
        for start in (0, 5, 100, 225, 235):
            after = (every[start - 1]["n"],) if start else None
            middle = reader.page("alice", 10, after=after)
            assert (middle.start, middle.records) == (start, every[start : start + 10])
        for n in (0, 204, 205, 229, 239):
            assert reader.find("alice", "label", record(n)["label"]) is not None
        assert reader.find("alice", "label", "l215") is None  # never added: no digest for it
