"""The ChatKit store contract, checked against TinyDB files and a real PostgreSQL.

Every test runs on both backends; the few about the file layout use TinyDB only.
"""

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from chatkit.actions import ActionConfig
from chatkit.store import NotFoundError, Store
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ClientToolCallItem,
    FileAttachment,
    HiddenContextItem,
    ImageAttachment,
    InferenceOptions,
    Page,
    SDKHiddenContextItem,
    Thread,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
)
from chatkit.widgets import Badge, Button, Card, Checkbox, Form, Input, Row, Text

from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from chatkit_bridge.postgres_store import PostgresStore
from chatkit_bridge.store import DuplicateItemError, LimitError, TinyDBStore
from tests.postgres import private_schema

ALICE = RequestContext(user_id="alice")
BOB = RequestContext(user_id="bob")
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


Reopen = Callable[..., Store]
"""Open a store over this test's data; keyword arguments are the store's limits."""


@pytest.fixture(params=["tinydb", "postgres"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Reopen]:
    """Return how to open a store over this test's data (again: as after a restart)."""
    if request.param == "tinydb":
        yield lambda **limits: TinyDBStore(tmp_path, files=JsonFiles(), **limits)
        return
    opened: list[PostgresStore] = []

    def reopen(**limits: int) -> PostgresStore:
        opened.append(PostgresStore(dsn, **limits))
        return opened[-1]

    with private_schema() as dsn:
        yield reopen
        for store in opened:
            await store.close()


@pytest.fixture
def store(backend: Reopen) -> Store:
    return backend()


@pytest.fixture
def tinydb_store(tmp_path: Path) -> TinyDBStore:
    return TinyDBStore(tmp_path, files=JsonFiles())


def thread(thread_id: str, at: datetime = T0, title: str | None = None) -> ThreadMetadata:
    return ThreadMetadata(id=thread_id, created_at=at, title=title)


def message(item_id: str, thread_id: str = "thr_a", at: datetime = T0, text: str = "hi"):
    return AssistantMessageItem(
        id=item_id,
        thread_id=thread_id,
        created_at=at,
        content=[AssistantMessageContent(text=text)],
    )


def ids(page: Page) -> list[str]:
    return [element.id for element in page.data]


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


# -- round trips --------------------------------------------------------------


def file_attachment(attachment_id: str, thread_id: str | None = None) -> FileAttachment:
    return FileAttachment(
        id=attachment_id,
        name="notes «v2».pdf",
        mime_type="application/pdf",
        thread_id=thread_id,
        metadata={"path": "uploads/x.pdf"},
    )


def todo_card() -> Card:
    return Card(
        key="todos",
        status={"text": "3 open", "icon": "check"},
        children=[
            Row(
                children=[
                    Checkbox(
                        name="todo_ab12cd",
                        defaultChecked=True,
                        onChangeAction=ActionConfig(type="todo.toggle", payload={"id": "x"}),
                    ),
                    Text(value="Buy milk 🥛 <script>", lineThrough=True),
                    Badge(label="Overdue", color="danger"),
                    Button(
                        label="Delete",
                        onClickAction=ActionConfig(type="todo.delete", payload={"id": "x"}),
                    ),
                ]
            ),
            Form(
                onSubmitAction=ActionConfig(type="todo.add"),
                children=[
                    Input(name="todo.title", placeholder="New todo", required=True),
                    Button(label="Add", submit=True),
                ],
            ),
        ],
    )


ITEMS = [
    WidgetItem(id="w1", thread_id="thr_a", created_at=T0, widget=todo_card(), copy_text="3 open"),
    HiddenContextItem(id="h1", thread_id="thr_a", created_at=T0, content={"todos": [1, "two"]}),
    SDKHiddenContextItem(id="s1", thread_id="thr_a", created_at=T0, content="cancelled"),
    AssistantMessageItem(
        id="a1",
        thread_id="thr_a",
        created_at=T0,
        content=[AssistantMessageContent(text='Done ✅ — «quoted» "text" مرحبا')],
    ),
    UserMessageItem(
        id="u1",
        thread_id="thr_a",
        created_at=datetime(2026, 1, 1, 12, 0, 0, 123456),
        content=[UserMessageTextContent(text="  add milk  ")],
        attachments=[
            file_attachment("atc_1", "thr_a"),
            ImageAttachment(
                id="atc_2",
                name="pic.png",
                mime_type="image/png",
                preview_url="https://example.invalid/p.png",
            ),
        ],
        quoted_text="earlier",
        inference_options=InferenceOptions(model="gpt"),
    ),
    ClientToolCallItem(
        id="c1",
        thread_id="thr_a",
        created_at=T0,
        call_id="call_1",
        name="get_location",
        arguments={"precise": True},
        status="completed",
        output={"city": "Zürich"},
    ),
]


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.type)
async def test_items_round_trip_exactly(item, store: Store, backend: Reopen) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", item, ALICE)

    for source in (store, backend()):
        loaded = await source.load_item("thr_a", item.id, ALICE)
        assert type(loaded) is type(item)
        assert loaded.model_dump(mode="json") == item.model_dump(mode="json")
        listed = (await source.load_thread_items("thr_a", None, 10, "asc", ALICE)).data[0]
        assert listed.model_dump(mode="json") == item.model_dump(mode="json")


async def test_reloaded_widget_keeps_its_nested_structure(store: Store) -> None:
    await store.save_thread(thread("thr_a"), ALICE)
    await store.add_thread_item("thr_a", ITEMS[0], ALICE)

    widget = (await store.load_item("thr_a", "w1", ALICE)).widget
    row, form = widget.children
    assert [child.type for child in row.children] == ["Checkbox", "Text", "Badge", "Button"]
    assert row.children[0].onChangeAction.payload == {"id": "x"}
    assert row.children[1].value == "Buy milk 🥛 <script>"
    assert [child.type for child in form.children] == ["Input", "Button"]


# -- attachments --------------------------------------------------------------


async def test_attachments_save_load_delete(store: Store, backend: Reopen) -> None:
    image = ImageAttachment(
        id="atc_img", name="a.png", mime_type="image/png", preview_url="https://x.invalid/a.png"
    )
    await store.save_attachment(file_attachment("atc_f"), ALICE)
    await store.save_attachment(image, ALICE)
    await store.save_attachment(file_attachment("atc_f", "thr_a"), ALICE)

    again = backend()
    assert await again.load_attachment("atc_img", ALICE) == image
    assert await again.load_attachment("atc_f", ALICE) == file_attachment("atc_f", "thr_a")

    await store.delete_attachment("atc_f", ALICE)
    await store.delete_attachment("atc_never", ALICE)
    with pytest.raises(NotFoundError) as error:
        await store.load_attachment("atc_f", ALICE)
    assert str(error.value) == "Attachment atc_f not found"


async def test_attachments_are_private(store: Store) -> None:
    await store.save_attachment(file_attachment("atc_f"), ALICE)

    with pytest.raises(NotFoundError, match="Attachment atc_f not found"):
        await store.load_attachment("atc_f", BOB)
    await store.delete_attachment("atc_f", BOB)
    assert (await store.load_attachment("atc_f", ALICE)).id == "atc_f"


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
