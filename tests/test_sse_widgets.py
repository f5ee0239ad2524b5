"""Widget events go over the wire as ChatKit writes them (compat/chatkit_server.event_json)."""

import json
from typing import Any

import pytest
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
)

from chatkit_bridge.compat import serialize_widgets_once, widget_dump
from chatkit_bridge.compat.chatkit_server import ITEM_EVENTS, WIRE_OPTIONS, event_json
from chatkit_bridge.item_cache import item_record
from tests.stack import build_stack
from tests.test_compat import ODD, every_widget, sdk_widget_serializer, widget_item

EVENTS = (ThreadItemAddedEvent, ThreadItemDoneEvent, ThreadItemReplacedEvent)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_widget_events_are_chatkits_json(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    server = build_stack(tmp_path / "data", llm_provider="offline").server
    serialize_widgets_once()
    from chatkit.actions import ActionConfig
    from chatkit.widgets import Button, Card

    odd = [
        Card(children=[Button(label="b", onClickAction=ActionConfig(type="x", payload=p))])
        for p in ODD
    ]
    events = [kind(item=widget_item(w)) for w in [*every_widget(), *odd] for kind in EVENTS]
    by_pydantic: list[object] = []
    serialize = server._serialize

    def counted(event: Any) -> bytes:
        by_pydantic.append(event)
        return serialize(event)

    monkeypatch.setattr(server, "_serialize", counted)
    ours = [event_json(server, event) for event in events]
    monkeypatch.undo()
    with sdk_widget_serializer():
        sdk = [server._serialize(event) for event in events]
    for event, mine, theirs in zip(events, ours, sdk, strict=True):
        assert json.loads(mine) == json.loads(theirs), event
    # Only widgets holding a date (four of the gallery's) and the odd ones go to pydantic.
    assert len(by_pydantic) == (4 + len(odd)) * len(EVENTS)


def test_the_wire_options_and_event_shapes_are_chatkits(tmp_path: Any) -> None:
    server = build_stack(tmp_path / "data", llm_provider="offline").server
    for kind in EVENTS:
        assert (
            list(kind.model_fields)[-1] == "item"
            and kind.model_fields["type"].default in ITEM_EVENTS
        )
    item = AssistantMessageItem(
        id="m",
        thread_id="t",
        created_at="2026-01-01T00:00:00",
        content=[AssistantMessageContent(text="hi")],
    )
    event = ThreadItemDoneEvent(item=item)
    assert event_json(server, event) == server._serialize(event)
    assert event.model_dump_json(**WIRE_OPTIONS).encode() == server._serialize(event)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_an_event_after_the_stores_dump_is_chatkits_json(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ChatKit saves an item, then streams its event: the event is made from the store's dump.
    server = build_stack(tmp_path / "data", llm_provider="offline").server
    serialize_widgets_once()
    from chatkit.actions import ActionConfig
    from chatkit.widgets import Button, Card, Text

    pair = '"children":null'
    tricky = Card(
        children=[
            Text(value=f'{pair}, ,{pair} {{{pair}}} \\"children\\":null'),
            Button(label="b", onClickAction=ActionConfig(type="x", payload={"children": None})),
        ]
    )
    widgets = [*every_widget(), tricky]
    events = [kind(item=widget_item(w)) for w in widgets for kind in EVENTS]
    walks: list[object] = []
    walk = widget_dump._walk

    def counted(value: Any, null_children: bool = True) -> Any:
        walks.append(value)
        return walk(value, null_children)

    ours, walked_again = [], []
    for event in events:
        stored = item_record(event.item)["widget"]  # as the store does first
        try:
            widget_dump.plain_widget_dump(event.item.widget)
        except widget_dump.NotPlain:
            walked_again.append(event)  # pydantic dumps it, for the store and the wire
        else:
            if '"children":null' in json.dumps(stored, separators=(",", ":")):
                walked_again.append(event)  # the wire may drop a "children": null
        monkeypatch.setattr(widget_dump, "_walk", counted)
        ours.append(event_json(server, event))
        monkeypatch.undo()
    with sdk_widget_serializer():
        sdk = [server._serialize(event) for event in events]
    for event, mine, theirs in zip(events, ours, sdk, strict=True):
        assert json.loads(mine) == json.loads(theirs), event
    # The others' events were written from the store's dump, not walked again.
    roots = [value for value in walks if any(value is widget for widget in widgets)]
    assert len(roots) == len(walked_again) < len(events) / 2
