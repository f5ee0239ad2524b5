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

from chatkit_bridge.compat import serialize_widgets_once
from chatkit_bridge.compat.chatkit_server import ITEM_EVENTS, WIRE_OPTIONS, event_json
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
