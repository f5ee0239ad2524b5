"""The ChatKit store contract, checked against TinyDB files and a real PostgreSQL: threads.

Every test runs on both backends; the few about the file layout use TinyDB only. Items, limits,
round trips and attachments: tests/test_store_items.py, tests/test_store_round_trips.py.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from chatkit.store import NotFoundError, Store
from chatkit.types import Page, Thread, ThreadMetadata

from chatkit_bridge.jsonfiles import user_folder
from chatkit_bridge.store import TinyDBStore
from tests import store_contract
from tests.store_contract import ALICE, BOB, T0, Reopen, file_attachment, ids, message, thread

# The contract's fixtures (both backends), shared by the store test modules.
backend = store_contract.backend
store = store_contract.store
tinydb_store = store_contract.tinydb_store


# -- threads ----------------------------------------------------------------


async def test_thread_round_trips_and_survives_restart(store: Store, backend: Reopen) -> None:
    meta = ThreadMetadata(
        id="thr_a", created_at=T0, title="Groceries", metadata={"use_case": "todo", "n": [1, 2]}
    )
    await store.save_thread(meta, ALICE)

    assert await store.load_thread("thr_a", ALICE) == meta
    assert await backend().load_thread("thr_a", ALICE) == meta


async def test_saving_a_full_thread_keeps_only_its_metadata(store: Store) -> None:
    full = Thread(id="thr_a", created_at=T0, title="t", items=Page(data=[message("m1")]))
    await store.save_thread(full, ALICE)

    loaded = await store.load_thread("thr_a", ALICE)
    assert type(loaded) is ThreadMetadata
    assert (await store.load_thread_items("thr_a", None, 10, "asc", ALICE)).data == []


async def test_save_thread_updates_in_place(store: Store) -> None:
    await store.save_thread(thread("thr_a", T0), ALICE)
    await store.save_thread(thread("thr_b", T0), ALICE)
    await store.save_thread(thread("thr_a", T0, title="Renamed"), ALICE)

    page = await store.load_threads(10, None, "asc", ALICE)
    assert ids(page) == ["thr_a", "thr_b"]
    assert page.data[0].title == "Renamed"


async def test_missing_or_foreign_thread_is_not_found(store: Store) -> None:
    await store.save_thread(thread("thr_a"), ALICE)

    for thread_id, context in [("thr_zzz", ALICE), ("thr_a", BOB)]:
        with pytest.raises(NotFoundError) as error:
            await store.load_thread(thread_id, context)
        assert str(error.value) == f"Thread {thread_id} not found"


async def test_threads_sort_by_creation_with_insertion_order_on_ties(store: Store) -> None:
    await store.save_thread(thread("thr_late", T0 + timedelta(hours=1)), ALICE)
    await store.save_thread(thread("thr_tie1", T0), ALICE)
    await store.save_thread(thread("thr_tie2", T0), ALICE)
    await store.save_thread(thread("thr_early", T0 - timedelta(hours=1)), ALICE)

    asc = await store.load_threads(10, None, "asc", ALICE)
    desc = await store.load_threads(10, None, "desc", ALICE)
    assert ids(asc) == ["thr_early", "thr_tie1", "thr_tie2", "thr_late"]
    assert ids(desc) == ["thr_late", "thr_tie2", "thr_tie1", "thr_early"]
    assert not asc.has_more and asc.after is None


async def test_threads_paginate_with_an_exclusive_cursor(store: Store) -> None:
    for n in range(5):
        await store.save_thread(thread(f"thr_{n}", T0 + timedelta(minutes=n)), ALICE)

    first = await store.load_threads(2, None, "desc", ALICE)
    assert (ids(first), first.has_more, first.after) == (["thr_4", "thr_3"], True, "thr_3")
    second = await store.load_threads(2, first.after, "desc", ALICE)
    assert (ids(second), second.has_more, second.after) == (["thr_2", "thr_1"], True, "thr_1")
    last = await store.load_threads(2, second.after, "desc", ALICE)
    assert (ids(last), last.has_more, last.after) == (["thr_0"], False, None)


async def test_exact_page_size_has_no_more(store: Store) -> None:
    for n in range(2):
        await store.save_thread(thread(f"thr_{n}", T0 + timedelta(minutes=n)), ALICE)

    page = await store.load_threads(2, None, "asc", ALICE)
    assert (ids(page), page.has_more, page.after) == (["thr_0", "thr_1"], False, None)


async def test_each_user_sees_only_their_threads(store: Store) -> None:
    await store.save_thread(thread("thr_a"), ALICE)

    assert (await store.load_threads(10, None, "asc", BOB)).data == []
    assert ids(await store.load_threads(10, None, "asc", ALICE)) == ["thr_a"]


async def test_another_user_cannot_overwrite_a_thread(store: Store) -> None:
    await store.save_thread(thread("thr_a", title="Alice's"), ALICE)
    await store.add_thread_item("thr_a", message("m1"), ALICE)

    await store.save_thread(thread("thr_a", title="Bob's"), BOB)

    assert (await store.load_thread("thr_a", ALICE)).title == "Alice's"
    assert ids(await store.load_thread_items("thr_a", None, 10, "asc", ALICE)) == ["m1"]
    assert (await store.load_thread_items("thr_a", None, 10, "asc", BOB)).data == []


async def test_unsafe_thread_ids_are_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="letters, digits"):
        await store.save_thread(thread("../../etc"), ALICE)
    for bad in ["../x", "a/b", "", "x" * 200]:
        with pytest.raises(NotFoundError):
            await store.load_thread_items(bad, None, 10, "asc", ALICE)
        with pytest.raises(NotFoundError):
            await store.add_thread_item(bad, message("m1", bad), ALICE)
    if isinstance(store, TinyDBStore):
        # Only the user's lock file (taken around every access) may exist.
        assert [p.name for p in tmp_path.rglob("*") if p.is_file() and p.name != ".lock"] == []


async def test_delete_thread_removes_items_and_its_attachments(
    store: Store, tmp_path: Path
) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.save_thread(thread("thr_b"), ALICE)
    await store.add_thread_item("thr_a", message("m1"), ALICE)
    await store.add_thread_item("thr_b", message("m2", "thr_b"), ALICE)
    await store.save_attachment(file_attachment("atc_a", "thr_a"), ALICE)
    await store.save_attachment(file_attachment("atc_b", "thr_b"), ALICE)

    await store.delete_thread("thr_a", ALICE)

    with pytest.raises(NotFoundError):
        await store.load_thread("thr_a", ALICE)
    with pytest.raises(NotFoundError):
        await store.load_item("thr_a", "m1", ALICE)
    with pytest.raises(NotFoundError):
        await store.load_attachment("atc_a", ALICE)
    if isinstance(store, TinyDBStore):
        assert not (user_folder(tmp_path, "alice") / "threads" / "thr_a.json").exists()
    assert ids(await store.load_threads(10, None, "asc", ALICE)) == ["thr_b"]
    assert (await store.load_item("thr_b", "m2", ALICE)).id == "m2"
    assert (await store.load_attachment("atc_b", ALICE)).id == "atc_b"

    # A new thread with the same id starts empty.
    await store.save_thread(thread("thr_a"), ALICE)
    assert (await store.load_thread_items("thr_a", None, 10, "asc", ALICE)).data == []


async def test_deleting_someone_elses_thread_does_nothing(store: Store) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", message("m1"), ALICE)

    await store.delete_thread("thr_a", BOB)
    await store.delete_thread_item("thr_a", "m1", BOB)

    assert (await store.load_item("thr_a", "m1", ALICE)).id == "m1"


# -- layout -----------------------------------------------------------------


async def test_files_are_sharded_per_user_and_thread(
    tinydb_store: TinyDBStore, tmp_path: Path
) -> None:
    store = tinydb_store
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", message("m1"), ALICE)
    await store.save_thread(thread("thr_b"), BOB)

    files = sorted(
        str(p.relative_to(tmp_path))
        for p in tmp_path.rglob("*")
        if p.is_file() and p.name != ".lock"
    )
    alice = user_folder(tmp_path, "alice").relative_to(tmp_path)
    bob = user_folder(tmp_path, "bob").relative_to(tmp_path)
    assert files == sorted(
        [f"{alice}/threads.json", f"{alice}/threads/thr_a/000000.json", f"{bob}/threads.json"]
    )
    assert "alice" not in "".join(files)


def test_generated_ids_are_unique(store: Store) -> None:
    meta = thread("thr_a")
    generated = {store.generate_item_id("message", meta, ALICE) for _ in range(1000)}
    generated |= {store.generate_thread_id(ALICE) for _ in range(1000)}
    assert len(generated) == 2000
    assert all(len(value) >= 16 for value in generated)
    assert store.generate_thread_id(ALICE).startswith("thr_")
