"""openai-chatkit 1.6.5 widget serialization, walked in Python for plain widgets (the store's).

`widget.model_dump(mode="json")` calls ChatKit's wrap serializer (`widget_serializer.py`) from
pydantic for every node of a card, ~5 µs a node: a 20-row todo card took ~0.7 ms, twice per
turn (the change card, the live card). Most widgets are plain data (strings, numbers, lists,
dicts, nested models without serializers of their own); for them the same dump is a walk over
their fields, 4-5x faster. Anything else (an enum, a date, a class with a serializer, alias,
excluded or computed field) raises `NotPlain`: dump it with pydantic.

The store dumps a widget item just before its event is sent (ChatKit saves, then streams): the
event's JSON is made from that dump (`wire_widget_json`), not from a second walk of the widget.
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from typing import Any

from chatkit.widgets import WidgetComponentBase
from pydantic import BaseModel


class NotPlain(Exception):
    """A widget holds something `plain_widget_dump` cannot dump exactly as pydantic does."""


_plain_classes: dict[type, bool] = {}

_RECENT = 8
"""How many of the latest store dumps are kept for their events (a turn sends one or two)."""
_recent: OrderedDict[int, tuple[BaseModel, dict[str, Any]]] = OrderedDict()
"""id(widget) -> (the widget, held so that its id is not reused; its store dump)."""
_recent_lock = threading.Lock()  # the store dumps in worker threads too

_KEYED = 1024
"""Store dumps of keyed nodes kept: the todo card's rows, reused card to card (as many as
use_cases/todo/widgets.py keeps; a row it forgot is built anew, a new object)."""
_keyed: OrderedDict[int, tuple[BaseModel, dict[str, Any]]] = OrderedDict()
"""id(node) -> (the node, held so that its id is not reused; its store dump)."""


def plain_widget_dump(widget: BaseModel, *, null_children: bool = True) -> dict[str, Any]:
    """Return `widget.model_dump(mode="json")`, walked in Python; raise `NotPlain` if it is not.

    As ChatKit's serializer does: None values are dropped all the way down (list elements too),
    except a `"children"` key's; widget lists are never empty of None to begin with.

    :param null_children: keep `"children": None` as `model_dump` does; False drops it as
        `model_dump_json(exclude_none=True)` does (ChatKit's wire format).
    """
    dumped = _walk(widget, null_children)
    assert isinstance(dumped, dict)
    if null_children:
        _remember(_recent, _RECENT, widget, dumped)
    return dumped


def wire_widget_json(widget: BaseModel) -> str:
    """Return the widget's JSON as ChatKit sends it (`exclude_none`); raise `NotPlain` as above.

    A widget dumped for the store a moment ago is not walked again: the two dumps differ only
    in `"children": null` pairs, the only None values the store's keeps, so a dump without any
    is written as it is (a string holding that text has its quotes escaped). Store dumps are
    shared (this, the keyed nodes' across cards), never changed: nothing changes a record's
    widget in place.
    """
    with _recent_lock:
        recent = _recent.get(id(widget))
    if recent is not None and recent[0] is widget:
        text = json.dumps(recent[1], ensure_ascii=False, separators=(",", ":"))
        if '"children":null' not in text:
            return text
    dumped = _walk(widget, null_children=False)
    return json.dumps(dumped, ensure_ascii=False, separators=(",", ":"))


def _remember(
    dumps: OrderedDict[int, tuple[BaseModel, dict[str, Any]]],
    limit: int,
    widget: BaseModel,
    dumped: dict[str, Any],
) -> None:
    """Keep a widget's store dump by identity, forgetting the oldest past `limit`."""
    with _recent_lock:
        dumps[id(widget)] = (widget, dumped)
        dumps.move_to_end(id(widget))
        if len(dumps) > limit:
            dumps.popitem(last=False)


def _walk(value: Any, null_children: bool = True) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool:
        return value
    if kind is float:
        if math.isfinite(value):
            return value
        raise NotPlain("a float that is not finite (pydantic writes null)")
    if kind is list:
        return [_walk(element, null_children) for element in value if element is not None]
    if kind is dict:
        # Pydantic's exclude_none leaves a plain dict's entries alone: ChatKit's serializer kept
        # a "children": None there, and the wire keeps it too.
        return _walk_fields(value, null_children, keep_null_children=True)
    if isinstance(value, BaseModel) and _is_plain(kind):
        # A keyed node (a list item) may be the very object an earlier card held (widgets are
        # never changed once built): its dump is that card's.
        keyed = null_children and value.__dict__.get("key") is not None
        if keyed:
            with _recent_lock:
                known = _keyed.get(id(value))
            if known is not None and known[0] is value:
                return known[1]
        dumped = _walk_fields(value.__dict__, null_children)
        if value.__pydantic_extra__:
            dumped.update(_walk_fields(value.__pydantic_extra__, null_children))
        if keyed:
            _remember(_keyed, _KEYED, value, dumped)
        return dumped
    raise NotPlain(kind.__name__)


def _walk_fields(
    fields: dict[Any, Any], null_children: bool, keep_null_children: bool = False
) -> dict[str, Any]:
    dumped = {}
    for key, value in fields.items():
        if type(key) is not str:
            raise NotPlain("a key that is not a string")
        if value is not None:
            dumped[key] = _walk(value, null_children)
        elif (null_children or keep_null_children) and key == "children":
            dumped[key] = None
    return dumped


def _is_plain(cls: type[BaseModel]) -> bool:
    """Tell whether pydantic dumps a class's instances as their fields' values, nothing else."""
    plain = _plain_classes.get(cls)
    if plain is None:
        decorators = cls.__pydantic_decorators__
        # ChatKit's own serializer of every widget is what this walk does; any other is not.
        serializers = [
            decorator.func
            for decorator in decorators.model_serializers.values()
            if decorator.func is not WidgetComponentBase.serialize
        ]
        plain = not (
            decorators.field_serializers
            or serializers
            or cls.model_computed_fields
            or any(
                field.exclude or field.alias or field.serialization_alias
                for field in cls.model_fields.values()
            )
        )
        _plain_classes[cls] = plain
    return plain
