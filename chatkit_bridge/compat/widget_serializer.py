"""openai-chatkit 1.6.5 internals: ChatKit's widget serializer, made linear."""

from __future__ import annotations

from typing import Any

from chatkit import widgets as chatkit_widgets
from chatkit.widgets import WidgetComponentBase, _drop_none

SDK_WIDGET_SERIALIZER = WidgetComponentBase.serialize.__code__
"""The code `serialize_widgets_once` replaces (tests compare both outputs)."""


def _serialize_widget_once(self: Any, next_: Any) -> Any:
    """`WidgetComponentBase.serialize` that leaves already serialized child widgets alone.

    Runs as the SDK's function (its code is swapped in), so it may only use names that
    `chatkit.widgets` defines too, and builtins.
    """
    dumped = next_(self)
    if not isinstance(dumped, dict):
        return _drop_none(dumped)
    kept = {key: value for key, value in dumped.items() if value is not None or key == "children"}
    for key, value in kept.items():
        if not isinstance(value, dict | list):
            continue
        # A child widget's own serializer already dropped its None values, all the way down.
        field = getattr(self, key, None)
        if not isinstance(field, WidgetComponentBase) and not (
            isinstance(field, list)
            and len(field) > 0
            and all(isinstance(child, WidgetComponentBase) for child in field)
        ):
            kept[key] = _drop_none(value)
    kept["type"] = self.type
    return kept


def serialize_widgets_once() -> None:
    """Make widget serialization linear in the widget's size instead of about quadratic.

    Why private: openai-chatkit 1.6.5 `chatkit.widgets.WidgetComponentBase.serialize` (a wrap
    `model_serializer` of every widget class) runs `_drop_none` over its whole serialized
    subtree, so each node of a card is walked once per ancestor: a 20-row todo card took
    ~7 ms to dump (132 nodes, 3,800 `_drop_none` calls). Every schema built from the widget
    classes (items, events, requests) holds that one function object, so only swapping its
    code reaches them all. The output is the same (`_drop_none` is idempotent; checked for
    every widget of the gallery and the todo cards in tests/test_compat.py).
    """
    target = chatkit_widgets.WidgetComponentBase.serialize
    target.__code__ = _serialize_widget_once.__code__
