"""nicegui 3.18 internals: a deleted page's objects are freed at once, not by the collector.

A page that NiceGUI deletes (its socket gone for `reconnect_timeout`, or never connected for
60 s) has lived long enough to reach the collector's oldest generation. Whatever of it sits in a
reference cycle then waits for a full collection, which walks every object of the process while
holding the GIL: with a user reloading a page back to back, ~600,000 objects of dead pages, one
pause of ~1 s that every other request waits for (bench/heavy_user.py). With the cycles broken
when the page goes, reference counting frees them the moment the last reference goes.
"""

from __future__ import annotations

import ast
import types
from collections.abc import Iterable
from typing import Any

from nicegui import props as nicegui_props
from nicegui.client import Client
from nicegui.element import Element
from nicegui.elements.mixins.value_element import ValueElement

# Client attributes holding the page's handlers: closures over the page's own objects, which
# hold the client (`ui.context.client`), a cycle through the client.
CLIENT_HANDLERS = ("connect_handlers", "disconnect_handlers", "delete_handlers")


def free_deleted_pages_without_collector() -> None:
    """Break the cycles NiceGUI leaves in a deleted page and its removed elements.

    Each element's props, classes and style (nicegui 3.18 `Props`, `Classes`, `Style`, all
    `ObservableCollection`s) register their own bound `_update` in their `_change_handlers`:
    three self-cycles per element. A value element's `_change_handlers` (`on_value_change`)
    and the client's connect/disconnect/delete and exception handlers hold callbacks of the
    page's code, which holds the elements and the client. NiceGUI already clears an element's
    event listeners and slots when it removes it (`Element._handle_delete`); these lists are
    cleared right after, in `Client.remove_elements` (every removal: `clear()`, `remove()`,
    `delete()`) and `Client.delete`. A removed element never updates or fires again, so
    nothing calls them any more.
    """
    if getattr(Client.remove_elements, "breaks_cycles", False):
        return
    remove_elements = Client.remove_elements
    delete = Client.delete

    def remove_elements_breaking_cycles(self: Client, elements: Iterable[Element]) -> None:
        element_list = list(elements)
        remove_elements(self, element_list)
        for element in element_list:
            _break_element_cycles(element)

    def delete_breaking_cycles(self: Client) -> None:
        try:
            delete(self)
        finally:  # NiceGUI raises KeyError for a client already gone from `instances` (#1826)
            for name in CLIENT_HANDLERS:
                getattr(self, name).clear()
            self._exception_handlers.clear()

    remove_elements_breaking_cycles.breaks_cycles = True  # type: ignore[attr-defined]
    Client.remove_elements = remove_elements_breaking_cycles  # type: ignore[method-assign]
    Client.delete = delete_breaking_cycles  # type: ignore[method-assign]
    # nicegui 3.18 `Props.parse` (every `.props("...")`) reads quoted values with the module's
    # `ast.literal_eval`, which leaves a reference cycle per call (its nested `_convert` refers
    # to itself); most values are plain quoted text, read here without it.
    nicegui_props.ast = types.SimpleNamespace(literal_eval=literal_value)  # type: ignore[assignment]


def literal_value(text: str) -> Any:
    """`ast.literal_eval`, without its reference cycle for a quoted string with no escapes.

    :param text: a quoted, bracketed or braced value as NiceGUI's `PROPS_PATTERN` matched it.
    """
    quote, content = text[:1], text[1:-1]
    quoted = len(text) >= 2 and quote in ("'", '"') and text[-1] == quote
    if quoted and not any(character in content for character in (quote, *_ESCAPES)):
        return content
    return ast.literal_eval(text)


_ESCAPES = ("\\", "\n", "\r", "\0")
"""Characters that make a quoted string mean something else than its content (or an error)."""


def _break_element_cycles(element: Element) -> None:
    """Drop the callbacks a removed element keeps (see free_deleted_pages_without_collector)."""
    for collection in (element._props, element._classes, element._style):
        collection._change_handlers.clear()
    if isinstance(element, ValueElement):
        element._change_handlers.clear()
