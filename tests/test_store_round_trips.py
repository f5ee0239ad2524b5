"""The ChatKit store contract on both backends: every item type and attachment comes back whole."""

from datetime import datetime

import pytest
from chatkit.actions import ActionConfig
from chatkit.store import NotFoundError, Store
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ClientToolCallItem,
    HiddenContextItem,
    ImageAttachment,
    InferenceOptions,
    SDKHiddenContextItem,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
)
from chatkit.widgets import Badge, Button, Card, Checkbox, Form, Input, Row, Text

from tests import store_contract
from tests.store_contract import ALICE, BOB, T0, Reopen, file_attachment, thread

# The contract's fixtures (both backends), shared by the store test modules.
backend = store_contract.backend
store = store_contract.store


# -- round trips --------------------------------------------------------------


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
