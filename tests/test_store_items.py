"""The ChatKit store contract on both backends: thread items, and the per-user limits."""

from datetime import UTC, datetime, timedelta

import pytest
from chatkit.store import NotFoundError, Store
from chatkit.types import (
    HiddenContextItem,
    InferenceOptions,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
)

from chatkit_bridge.context import RequestContext
from chatkit_bridge.store import DuplicateItemError, LimitError
from tests import store_contract
from tests.store_contract import ALICE, BOB, T0, Reopen, ids, message, thread

# The contract's fixtures (both backends), shared by the store test modules.
backend = store_contract.backend
store = store_contract.store


# -- items ------------------------------------------------------------------


async def test_items_sort_and_paginate(store: Store) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    for item_id, minutes in [("m3", 3), ("m1a", 1), ("m1b", 1), ("m0", 0), ("m2", 2)]:
        await store.add_thread_item(
            "thr_a", message(item_id, at=T0 + timedelta(minutes=minutes)), ALICE
        )

    asc = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert ids(asc) == ["m0", "m1a", "m1b", "m2", "m3"]
    desc = await store.load_thread_items("thr_a", None, 2, "desc", ALICE)
    assert (ids(desc), desc.has_more, desc.after) == (["m3", "m2"], True, "m2")
    rest = await store.load_thread_items("thr_a", desc.after, 10, "desc", ALICE)
    assert (ids(rest), rest.has_more, rest.after) == (["m1b", "m1a", "m0"], False, None)
    after_tie = await store.load_thread_items("thr_a", "m1a", 1, "asc", ALICE)
    assert (ids(after_tie), after_tie.has_more, after_tie.after) == (["m1b"], True, "m1b")


async def test_unknown_cursor_ends_the_listing(store: Store) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", message("m1"), ALICE)

    page = await store.load_thread_items("thr_a", "gone", 10, "asc", ALICE)
    assert (page.data, page.has_more, page.after) == ([], False, None)


async def test_naive_and_aware_times_sort_together(store: Store) -> None:
    # The SDK stamps items with naive datetime.now(); others may be aware.
    await store.save_thread(thread("thr_a"), ALICE)
    now = datetime.now()
    await store.add_thread_item("thr_a", message("later", at=now + timedelta(hours=2)), ALICE)
    await store.add_thread_item("thr_a", message("aware", at=datetime.now(UTC)), ALICE)
    await store.add_thread_item("thr_a", message("earlier", at=now - timedelta(hours=2)), ALICE)

    page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert ids(page) == ["earlier", "aware", "later"]


async def test_add_thread_item_never_overwrites(store: Store) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", message("m1", text="first"), ALICE)
    await store.add_thread_item("thr_a", message("m1", text="first"), ALICE)  # a retry

    with pytest.raises(DuplicateItemError, match="m1 already exists"):
        await store.add_thread_item("thr_a", message("m1", text="second"), ALICE)

    item = await store.load_item("thr_a", "m1", ALICE)
    assert item.content[0].text == "first"
    assert len((await store.load_thread_items("thr_a", None, 10, "asc", ALICE)).data) == 1


async def test_save_item_upserts_in_place(store: Store) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", message("m1", text="draft"), ALICE)
    await store.add_thread_item("thr_a", message("m2"), ALICE)

    await store.save_item("thr_a", message("m1", text="final"), ALICE)
    await store.save_item("thr_a", message("m3"), ALICE)

    page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
    assert ids(page) == ["m1", "m2", "m3"]
    assert page.data[0].content[0].text == "final"


async def test_save_item_can_change_the_item_type(store: Store) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", message("x1"), ALICE)
    hidden = HiddenContextItem(id="x1", thread_id="thr_a", created_at=T0, content="note")

    await store.save_item("thr_a", hidden, ALICE)

    assert await store.load_item("thr_a", "x1", ALICE) == hidden


async def test_items_need_an_existing_own_thread(store: Store) -> None:
    await store.save_thread(thread("thr_a"), ALICE)

    for thread_id, context in [("thr_missing", ALICE), ("thr_a", BOB)]:
        with pytest.raises(NotFoundError, match=f"Thread {thread_id} not found"):
            await store.add_thread_item(thread_id, message("m1", thread_id), context)
        with pytest.raises(NotFoundError, match=f"Thread {thread_id} not found"):
            await store.save_item(thread_id, message("m1", thread_id), context)
        with pytest.raises(NotFoundError, match=f"Thread {thread_id} not found"):
            await store.load_thread_items(thread_id, None, 10, "asc", context)


async def test_missing_or_foreign_item_is_not_found(store: Store) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", message("m1"), ALICE)

    for thread_id, item_id, context in [
        ("thr_a", "m404", ALICE),
        ("thr_a", "m1", BOB),
        ("thr_missing", "m1", ALICE),
    ]:
        with pytest.raises(NotFoundError) as error:
            await store.load_item(thread_id, item_id, context)
        assert str(error.value) == f"Item {item_id} not found"


async def test_delete_thread_item(store: Store, backend: Reopen) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", message("m1"), ALICE)
    await store.add_thread_item("thr_a", message("m2"), ALICE)

    await store.delete_thread_item("thr_a", "m1", ALICE)
    await store.delete_thread_item("thr_a", "m404", ALICE)

    assert ids(await backend().load_thread_items("thr_a", None, 10, "asc", ALICE)) == ["m2"]


# -- limits -----------------------------------------------------------------


def user_text(item_id: str) -> UserMessageItem:
    return UserMessageItem(
        id=item_id,
        thread_id="thr_a",
        created_at=T0,
        content=[UserMessageTextContent(text="hi")],
        inference_options=InferenceOptions(),
    )


async def _ids_of(store: Store) -> list[str]:
    return ids(await store.load_thread_items("thr_a", None, 100, "asc", ALICE))


async def test_a_user_cannot_keep_more_threads_than_the_limit(backend: Reopen) -> None:
    store = backend(max_threads=3)
    for n in range(3):
        await store.save_thread(ThreadMetadata(id=f"thr_{n}", created_at=T0), ALICE)

    with pytest.raises(LimitError, match="MAX_THREADS_PER_USER=3"):
        await store.save_thread(ThreadMetadata(id="thr_more", created_at=T0), ALICE)
    with pytest.raises(LimitError, match="Delete a chat"):
        await store.check_room(None, ALICE)
    await store.save_thread(ThreadMetadata(id="thr_1", created_at=T0, title="renamed"), ALICE)
    await store.delete_thread("thr_0", ALICE)
    await store.save_thread(ThreadMetadata(id="thr_more", created_at=T0), ALICE)
    other = RequestContext(user_id="bob")
    await store.save_thread(ThreadMetadata(id="thr_bob", created_at=T0), other)


async def test_a_full_thread_refuses_new_messages_but_lets_a_turn_finish(backend: Reopen) -> None:
    store = backend(max_items=5)
    await store.save_thread(ThreadMetadata(id="thr_a", created_at=T0), ALICE)
    for n in range(4):
        await store.add_thread_item("thr_a", message(f"m{n}"), ALICE)
    await store.add_thread_item("thr_a", user_text("u_last"), ALICE)

    with pytest.raises(LimitError, match="MAX_ITEMS_PER_THREAD=5"):
        await store.check_room("thr_a", ALICE)
    with pytest.raises(LimitError, match="Start a new chat"):
        await store.add_thread_item("thr_a", user_text("u_more"), ALICE)
    await store.add_thread_item("thr_a", message("reply"), ALICE)  # the turn under way ends
    assert (await _ids_of(store))[-1] == "reply"
