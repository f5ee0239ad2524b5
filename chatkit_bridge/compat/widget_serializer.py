"""openai-chatkit 1.6.5 internals: ChatKit's widget classes, serialised linearly, built quietly."""

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


def _new_widget(cls: type, /, *args: Any, **kwargs: Any) -> Any:
    """Create a widget as `object.__new__` does (pydantic's `__init__` takes the arguments)."""
    return object.__new__(cls)


def _wraps_only_object_new(new: Any) -> bool:
    """Whether a `__new__` is a chain of `deprecated` wrappers around `object.__new__`."""
    while getattr(new, "__deprecated__", None) is not None:
        new = getattr(new, "__wrapped__", None)
    return new is object.__new__


SDK_WIDGET_NEWS: dict[type, Any] = {
    value: vars(value)["__new__"]
    for value in vars(chatkit_widgets).values()
    if isinstance(value, type)
    and "__new__" in vars(value)
    and _wraps_only_object_new(getattr(vars(value)["__new__"], "__func__", None))
}
"""The warning `__new__` of each widget class `build_widgets_without_warnings` replaces."""


def build_widgets_without_warnings() -> None:
    """Build ChatKit's named widget classes without a DeprecationWarning for each instance.

    Why private: openai-chatkit 1.6.5 marks every named widget class (Card, Row, Text, ...)
    with `typing_extensions.deprecated`, which wraps the class's `__new__` so that each
    instance calls `warnings.warn`, once per decorated class in its bases: ~2 µs per widget,
    ~0.4 ms for a 20-row todo card (~150 widgets) built on every change. Python's default
    filters hide the warning anyway; this app builds its cards from these classes on purpose.
    Only wrappers around `object.__new__` are replaced, by a `__new__` that does the same.
    """
    for widget_class in SDK_WIDGET_NEWS:
        widget_class.__new__ = staticmethod(_new_widget)  # type: ignore[method-assign]
