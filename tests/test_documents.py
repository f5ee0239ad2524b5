"""Per-user documents (the storage a use case's own data goes through), on both backends."""

import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tinydb import TinyDB

from chatkit_bridge.documents import Record, TinyDBDocuments, UserDocuments
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from chatkit_bridge.postgres_changes import ChangeFeed
from chatkit_bridge.postgres_documents import PostgresDocuments
from tests.postgres import private_schema

ROOT = Path(__file__).resolve().parents[1]
OpenNotes = Callable[[], UserDocuments]


@pytest.fixture(params=["tinydb", "postgres"])
def notes(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenNotes]:
    """Return how to open the "notes" documents afresh (nothing cached, as after a restart)."""
    if request.param == "tinydb":
        yield lambda: TinyDBDocuments(tmp_path, "notes", files=JsonFiles())
        return
    with private_schema() as dsn:
        yield lambda: PostgresDocuments(dsn, "notes")


def test_a_new_user_has_an_empty_document_and_nothing_is_written(
    notes: OpenNotes, tmp_path: Path
) -> None:
    docs = notes()

    assert docs.read("alice") == []
    assert docs.update("alice", len) == 0
    if isinstance(docs, TinyDBDocuments):
        assert not (user_folder(tmp_path, "alice") / "notes.json").exists()
        assert not (user_folder(tmp_path, "alice") / "notes").exists()


def test_updates_are_saved_in_order_per_user_and_survive_restart(notes: OpenNotes) -> None:
    docs = notes()

    docs.update("alice", lambda records: records.extend([{"n": 1}, {"n": 2}]))
    docs.update("alice", lambda records: records.insert(0, {"n": 0}))
    docs.update("bob", lambda records: records.append({"n": "bob"}))
    docs.update("alice", lambda records: records.pop(1))

    assert notes().read("alice") == [{"n": 0}, {"n": 2}]
    assert notes().read("bob") == [{"n": "bob"}]
    assert notes().read("carol") == []


def test_update_returns_the_result_of_the_change(notes: OpenNotes) -> None:
    docs = notes()

    def add(records: list[Record]) -> int:
        records.append({"n": len(records)})
        return len(records)

    assert [docs.update("alice", add) for _ in range(3)] == [1, 2, 3]


def test_a_failing_change_saves_nothing_and_announces_nothing(notes: OpenNotes) -> None:
    docs = notes()
    docs.update("alice", lambda records: records.append({"n": 1}))
    heard: list[str] = []
    docs.subscribe(heard.append)

    def broken(records: list[Record]) -> None:
        records[0]["n"] = 99
        records.append({"n": 2})
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        docs.update("alice", broken)

    assert docs.read("alice") == [{"n": 1}]
    assert notes().read("alice") == [{"n": 1}]
    assert heard == []


def test_read_returns_copies_the_caller_may_change(notes: OpenNotes) -> None:
    docs = notes()
    docs.update("alice", lambda records: records.append({"n": 1}))

    mine = docs.read("alice")
    mine[0]["n"] = 42
    mine.append({"n": 2})

    assert docs.read("alice") == [{"n": 1}]


def test_listeners_hear_saved_changes_only_until_unsubscribed(notes: OpenNotes) -> None:
    docs = notes()
    heard: list[str] = []
    unsubscribe = docs.subscribe(heard.append)

    docs.update("alice", lambda records: records.append({"n": 1}))
    docs.update("bob", lambda records: records.append({"n": 1}))
    docs.update("alice", lambda records: None)  # nothing changed: nothing to announce
    unsubscribe()
    docs.update("alice", lambda records: records.append({"n": 2}))

    assert heard == ["alice", "bob"]


def test_concurrent_updates_from_many_threads_lose_nothing(notes: OpenNotes) -> None:
    docs = notes()

    def count(records: list[Record]) -> None:
        if not records:
            records.append({"count": 0})
        records[0] = {"count": records[0]["count"] + 1}

    def worker() -> None:
        for _ in range(25):
            docs.update("alice", count)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert notes().read("alice") == [{"count": 200}]


def test_files_are_plain_tinydb_files_and_other_tables_are_kept(tmp_path: Path) -> None:
    path = user_folder(tmp_path, "alice") / "notes.json"
    path.parent.mkdir(parents=True)
    with TinyDB(path) as db:  # a file written by TinyDB itself (an older version of the app)
        db.table("notes").insert_multiple([{"n": 1}, {"n": 2}, {"n": 3}])
        db.table("notes").remove(doc_ids=[2])
        db.table("other").insert({"keep": True})

    docs = TinyDBDocuments(tmp_path, "notes", files=JsonFiles())
    assert docs.read("alice") == [{"n": 1}, {"n": 3}]
    docs.update("alice", lambda records: records.append({"n": 4}))
    # An add goes to a chunk file beside the old file, which is read as it is.
    chunk = path.with_suffix("") / "000000.json"
    with TinyDB(chunk) as db:
        assert [dict(doc) for doc in db.table("notes").all()] == [{"n": 4}]
    assert json.loads(path.read_text())["notes"] == {"1": {"n": 1}, "3": {"n": 3}}

    # The first change inside the old file moves its records into chunks; other tables stay.
    docs.update("alice", lambda records: records.__setitem__(0, {"n": 0}))
    with TinyDB(chunk) as db:
        assert [dict(doc) for doc in db.table("notes").all()] == [{"n": 0}, {"n": 3}, {"n": 4}]
    with TinyDB(path) as db:
        assert db.tables() == {"other"}
        assert [dict(doc) for doc in db.table("other").all()] == [{"keep": True}]
    assert TinyDBDocuments(tmp_path, "notes", files=JsonFiles()).read("alice") == [
        {"n": 0},
        {"n": 3},
        {"n": 4},
    ]


@pytest.mark.parametrize("kind", ["", "Todos", "../x", "a b", "threads"])
def test_kinds_that_could_clash_or_escape_are_refused(tmp_path: Path, kind: str) -> None:
    with pytest.raises(ValueError, match="kind"):
        TinyDBDocuments(tmp_path, kind)


def test_two_registries_on_one_folder_see_and_keep_each_others_writes(tmp_path: Path) -> None:
    # Two JsonFiles caches are two processes' views: each lock is an flock of its own.
    first, second = (TinyDBDocuments(tmp_path, "notes", files=JsonFiles()) for _ in "12")

    def count(records: list[Record]) -> None:
        if not records:
            records.append({"count": 0})
        records[0] = {"count": records[0]["count"] + 1}

    def worker(docs: TinyDBDocuments) -> None:
        for _ in range(40):
            docs.update("alice", count)

    threads = [threading.Thread(target=worker, args=(docs,)) for docs in (first, second) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert first.read("alice") == second.read("alice") == [{"count": 160}]


def test_a_change_made_by_another_process_reaches_listeners_here() -> None:
    with private_schema() as dsn:
        docs = PostgresDocuments(dsn, "notes")
        heard = threading.Event()
        docs.subscribe(lambda user_id: user_id == "alice" and heard.set())
        assert ChangeFeed.for_dsn(dsn).listening.wait(30)

        writer = (
            "import sys; from chatkit_bridge.postgres_documents import PostgresDocuments; "
            "PostgresDocuments(sys.argv[1], 'notes').update('alice', lambda r: r.append({'n': 1}))"
        )
        subprocess.run([sys.executable, "-c", writer, dsn], check=True, timeout=60, cwd=ROOT)

        assert heard.wait(30), "the other process's change was not announced here"
        assert docs.read("alice") == [{"n": 1}]
