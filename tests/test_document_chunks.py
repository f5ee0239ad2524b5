"""TinyDB documents in chunk files: a change rewrites only what it touched, and all or nothing."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tinydb import TinyDB

from chatkit_bridge.document_chunks import CHUNK_RECORDS, JOURNAL
from chatkit_bridge.documents import Record, TinyDBDocuments
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from tests.crash_scripts import DIE_AFTER_TWO_CHUNK_WRITES

ROOT = Path(__file__).resolve().parents[1]
COUNT = CHUNK_RECORDS * 5


def notes(folder: Path) -> TinyDBDocuments:
    """Open the "notes" documents afresh (nothing cached, as after a restart)."""
    return TinyDBDocuments(folder, "notes", files=JsonFiles())


def versions(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Return each file's identity (inode, size, modification time) under a folder."""
    return {
        p.name: (p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".")
    }


def rewritten(folder: Path, before: dict[str, tuple[int, int, int]]) -> set[str]:
    """Return the names of the files that are new or were replaced since `before`."""
    return {name for name, version in versions(folder).items() if before.get(name) != version}


def test_a_change_rewrites_only_the_chunk_that_holds_it(tmp_path: Path) -> None:
    docs = notes(tmp_path)
    docs.update("alice", lambda records: records.extend({"n": n} for n in range(COUNT)))
    chunks = user_folder(tmp_path, "alice") / "notes"
    assert sorted(versions(chunks)) == [f"{n:06d}.json" for n in range(5)]

    def tick(records: list[Record]) -> None:
        records[CHUNK_RECORDS * 2 + 7] = {"n": CHUNK_RECORDS * 2 + 7, "done": True}

    before = versions(chunks)
    docs.update("alice", tick)
    assert rewritten(chunks, before) == {"000002.json"}

    before = versions(chunks)
    docs.update("alice", lambda records: records.append({"n": "new"}))
    assert rewritten(chunks, before) == {"000005.json"}, "a full newest chunk gets a new one"

    before = versions(chunks)
    docs.update("alice", lambda records: records.pop(3))
    assert rewritten(chunks, before) == {"000000.json"}

    expected = [{"n": n} for n in range(COUNT)] + [{"n": "new"}]
    expected[CHUNK_RECORDS * 2 + 7]["done"] = True
    del expected[3]
    assert notes(tmp_path).read("alice") == expected
    assert not (chunks / JOURNAL).exists()


def test_a_change_across_chunks_is_saved_whole(tmp_path: Path) -> None:
    docs = notes(tmp_path)
    docs.update("alice", lambda records: records.extend({"n": n} for n in range(COUNT)))

    def clear_every_third(records: list[Record]) -> int:
        records[:] = [record for record in records if record["n"] % 3]
        return len(records)

    left = docs.update("alice", clear_every_third)

    assert notes(tmp_path).read("alice") == [{"n": n} for n in range(COUNT) if n % 3]
    assert left == len(notes(tmp_path).read("alice"))
    chunks = user_folder(tmp_path, "alice") / "notes"
    assert not (chunks / JOURNAL).exists()
    for path in chunks.glob("*.json"):
        assert len(json.loads(path.read_text())["notes"]) <= CHUNK_RECORDS


CRASHING_WRITER = (
    DIE_AFTER_TWO_CHUNK_WRITES
    + """
from chatkit_bridge.documents import TinyDBDocuments
docs = TinyDBDocuments(Path(sys.argv[1]), "notes", files=JsonFiles())
docs.update("alice", lambda records: records.__setitem__(slice(None), records[1::2]))
"""
)


def test_a_crash_in_the_middle_of_a_change_across_chunks_loses_nothing(tmp_path: Path) -> None:
    notes(tmp_path).update("alice", lambda rs: rs.extend({"n": n} for n in range(COUNT)))

    crash = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, str(tmp_path)], cwd=ROOT, timeout=120
    )

    assert crash.returncode == 9
    chunks = user_folder(tmp_path, "alice") / "notes"
    assert (chunks / JOURNAL).exists(), "the crash came after the change was on disk"
    # Half-written, the chunks alone would show records twice; the next reader finishes it.
    assert notes(tmp_path).read("alice") == [{"n": n} for n in range(1, COUNT, 2)]
    assert not (chunks / JOURNAL).exists()


def test_an_old_one_file_document_is_read_then_split_on_its_first_change(tmp_path: Path) -> None:
    old = user_folder(tmp_path, "alice") / "notes.json"
    old.parent.mkdir(parents=True)
    with TinyDB(old) as db:  # the layout of earlier versions: one file holds every record
        db.table("notes").insert_multiple({"n": n} for n in range(COUNT))
    docs = notes(tmp_path)
    assert docs.read("alice") == [{"n": n} for n in range(COUNT)]

    docs.update("alice", lambda records: records[5].update(done=True))

    expected = [{"n": n} for n in range(COUNT)]
    expected[5]["done"] = True
    assert not old.exists()
    assert notes(tmp_path).read("alice") == expected
    chunks = old.with_suffix("")
    before = versions(chunks)
    docs.update("alice", lambda records: records[COUNT - 1].update(done=True))
    assert rewritten(chunks, before) == {f"{COUNT // CHUNK_RECORDS - 1:06d}.json"}


def test_a_missing_chunk_folder_entry_is_a_storage_error_not_a_crash(tmp_path: Path) -> None:
    docs = notes(tmp_path)
    docs.update("alice", lambda records: records.append({"n": 1}))
    chunk = user_folder(tmp_path, "alice") / "notes" / "000000.json"
    os.unlink(chunk)
    chunk.mkdir()  # a folder where a data file should be

    try:
        notes(tmp_path).read("alice")
    except OSError as error:
        assert "000000.json" in str(error)
    else:
        raise AssertionError("a folder in place of a chunk file was read as data")
