"""Bulk todo changes and lookups give the right answer: on both backends, in one change,
after a crash, when chunks merge, and on an older one-file list.

What they read and write on disk: tests/test_todo_bulk.py.
"""

import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tinydb import TinyDB

from chatkit_bridge.document_chunks import CHUNK_RECORDS, JOURNAL
from chatkit_bridge.document_order import Where
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from chatkit_bridge.postgres_documents import PostgresDocuments
from tests.crash_scripts import DIE_AFTER_TWO_CHUNK_WRITES
from tests.postgres import private_schema
from tests.test_todo_bulk import COUNT, chunk_folder, versions
from use_cases.todo.data import TodoRepository
from use_cases.todo.matching import best_matches


@pytest.fixture(params=["tinydb", "postgres"])
def repository(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TodoRepository]:
    if request.param == "tinydb":
        yield TodoRepository(tmp_path)
        return
    with private_schema() as dsn:
        yield TodoRepository(PostgresDocuments(dsn, "todos"))


WORDS = "call mom buy milk eggs shopping report study parties fix bike write taxes plan day"


def test_descriptions_match_as_over_the_whole_list(repository: TodoRepository) -> None:
    chosen = random.Random(7)
    words = WORDS.split()
    titles = [" ".join(chosen.sample(words, chosen.randint(1, 3))) for _ in range(600)]
    # Casefolding turns "ß" into "ss" (no SQL lower() does); % and _ mean something in LIKE.
    titles += ["Studied Parties", "shop", "the plan", "Fixing bikes", "Straße fegen", "100%_x"]
    repository.add("alice", titles)
    whole = repository.list("alice")

    references = [
        *words,
        "studies",
        "party",
        "bikes fixed",
        "buy eggs",
        "the plan",
        "shop",
        "days",
        "nothing like it",
        "strasse",
        "100%_x",
        "100",
        "the",
        "3",
        "#12",
        "700",
    ]
    for reference in references:
        found = repository.find("alice", reference)
        if reference.lstrip("#").isdigit() and 0 < int(reference.lstrip("#")) <= len(whole):
            assert found == [whole[int(reference.lstrip("#")) - 1]], reference
        else:
            records = [todo.model_dump(mode="json") for todo in whole]
            best = [record["id"] for record in best_matches(records, reference)]
            assert [todo.id for todo in found] == best, reference
    assert repository.find("alice", whole[42].id.removeprefix("todo_")) == [whole[42]]


def test_bulk_changes_are_one_change_on_every_backend(repository: TodoRepository) -> None:
    heard: list[str] = []
    repository.subscribe(heard.append)
    todos = repository.add("alice", [f"chore {n}" for n in range(300)])
    ticked = repository.set_completed_many("alice", [todo.id for todo in todos[:150]], True)
    assert repository.page("alice", 1).done == 150
    assert [after for _, after in ticked] == repository.list("alice")[:150]
    reopened = repository.set_completed_many("alice", [todos[0].id], False)
    assert [after for _, after in reopened] == repository.list("alice")[:1]
    repository.set_completed_many("alice", [todos[0].id], True)
    assert [todo.id for todo in repository.clear_completed("alice")] == [
        todo.id for todo in todos[:150]
    ]
    assert len(repository.delete_many("alice", None)) == 150
    assert repository.count("alice") == 0
    # Listeners hear once per saved change: six changes, not one per todo.
    assert heard == ["alice"] * 6


def test_chunks_left_small_by_a_bulk_change_are_merged(tmp_path: Path) -> None:
    repository = TodoRepository(tmp_path)
    todos = repository.add("alice", [f"chore {n}" for n in range(COUNT)])
    kept = [todo for n, todo in enumerate(todos) if n % CHUNK_RECORDS < 10]
    done = {todo.id for todo in todos} - {todo.id for todo in kept}
    repository.set_completed_many("alice", done, True)
    assert len(versions(tmp_path)) == 5

    repository.clear_completed("alice")

    # Five chunks of ten would cost every later operation five files; one holds them all.
    assert list(versions(tmp_path)) == ["000000.json"]
    listed = TodoRepository(tmp_path, files=JsonFiles()).list("alice")
    assert [todo.id for todo in listed] == [todo.id for todo in kept]
    (added,) = repository.add("alice", ["after the merge"])
    assert added.position == kept[-1].position + 1
    assert list(versions(tmp_path)) == ["000000.json"]


CRASHING_CLEAR = (
    DIE_AFTER_TWO_CHUNK_WRITES
    + """
from use_cases.todo.data import TodoRepository
TodoRepository(Path(sys.argv[1]), files=JsonFiles()).clear_completed("alice")
"""
)


def test_a_crash_in_the_middle_of_a_bulk_change_loses_nothing(tmp_path: Path) -> None:
    repository = TodoRepository(tmp_path)
    todos = repository.add("alice", [f"chore {n}" for n in range(COUNT)])
    repository.set_completed_many("alice", [t.id for n, t in enumerate(todos) if n % 3], True)
    root = Path(__file__).resolve().parents[1]

    crash = subprocess.run(
        [sys.executable, "-c", CRASHING_CLEAR, str(tmp_path)], cwd=root, timeout=120
    )

    assert crash.returncode == 9
    assert (chunk_folder(tmp_path) / JOURNAL).exists(), "the crash came after the change"
    # Half-applied (and with chunks merged), the files alone would lose or repeat todos;
    # the next reader finishes the change first.
    left = TodoRepository(tmp_path, files=JsonFiles()).list("alice")
    assert [todo.id for todo in left] == [t.id for n, t in enumerate(todos) if n % 3 == 0]
    assert not (chunk_folder(tmp_path) / JOURNAL).exists()


def test_a_nul_in_a_title_survives_every_partial_write(repository: TodoRepository) -> None:
    (todo,) = repository.add("alice", ["nul\x00here"])
    repository.set_completed_many("alice", [todo.id], True)
    repository.rename("alice", todo.id, "still\x00nul")
    (listed,) = repository.list("alice")
    # JSONB cannot hold NUL: PostgreSQL keeps U+FFFD in its place; files keep it as is.
    assert listed.title in ("still\x00nul", "still\ufffdnul")
    assert listed.completed


def test_a_text_search_never_matches_across_two_records(tmp_path: Path) -> None:
    # A chunk's texts are searched joined by NUL: "xa" + NUL + "by" must not pass for "a\x00b".
    repository = TodoRepository(tmp_path)
    repository.add("alice", ["xa", "by", "A\x00Bc", "ca"])
    documents = repository.documents
    found = documents.select("alice", Where(text=("title", ("a\x00b",))))
    assert [record["title"] for record in found] == ["A\x00Bc"]
    assert documents.select("alice", Where(text=("title", ("a\x00by",)))) == []
    several = documents.select("alice", Where(text=("title", ("a", "zz"))))
    assert [record["title"] for record in several] == ["xa", "A\x00Bc", "ca"]


@pytest.mark.parametrize("operation", ["add", "delete all", "clear completed", "delete one"])
def test_an_old_one_file_list_is_split_by_the_first_bounded_change(
    tmp_path: Path, operation: str
) -> None:
    old = user_folder(tmp_path, "alice") / "todos.json"
    old.parent.mkdir(parents=True)
    made = TodoRepository(tmp_path / "scratch").add("alice", [f"old {n}" for n in range(450)])
    made[3] = made[3].model_copy(update={"completed": True})
    with TinyDB(old) as db:  # the layout of earlier versions: one file for the whole list
        db.table("todos").insert_multiple(todo.model_dump(mode="json") for todo in made)
    repository = TodoRepository(tmp_path, files=JsonFiles())

    expected = [todo.id for todo in made]
    if operation == "add":
        expected += [todo.id for todo in repository.add("alice", ["new"])]
        expected += [todo.id for todo in repository.add("alice", ["newer"])]
        assert list(versions(tmp_path)) == ["000000.json"]
    elif operation == "delete all":
        assert len(repository.delete_many("alice", None)) == 450
        expected = []
    elif operation == "clear completed":
        assert [todo.id for todo in repository.clear_completed("alice")] == [made[3].id]
        expected.remove(made[3].id)
    else:
        assert repository.delete("alice", made[200].id) == made[200]
        expected.remove(made[200].id)

    # An add goes to a new chunk after the old file (the file itself stays as it is); a
    # change of its todos splits it.
    assert old.exists() is (operation == "add")
    listed = TodoRepository(tmp_path, files=JsonFiles()).list("alice")
    assert [todo.id for todo in listed] == expected
