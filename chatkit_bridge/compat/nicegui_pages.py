"""nicegui 3.18 internals on the page side: option flags, page events, drawers, element creation."""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable
from typing import Any

from nicegui import core, ui
from nicegui import helpers as nicegui_helpers
from nicegui.elements.choice_element import ChoiceElement

# NiceGUI's socket.io handlers that act on a page named by the message's `client_id`.
PAGE_EVENTS = ("event", "javascript_response", "ack", "log")


class OptionFlags(ChoiceElement):
    """Let a select or radio mark single options disabled, as ChatKit's `options[].disabled`.

    Why private: NiceGUI rebuilds the option list (`_props["options"]`, from `_values`) in
    `_update_options()` whenever options or values change, and has no public per-option props.
    """

    _ck_disabled: frozenset[str] = frozenset()

    def _update_options(self) -> None:
        super()._update_options()
        options: list[dict[str, Any]] = self._props["options"]
        for option in options:
            if self._values[option["value"]] in self._ck_disabled:
                option["disable"] = True


def accept_page_events_only_from_their_socket() -> None:
    """Drop a socket.io message that names a page (`client_id`) its socket did not open.

    nicegui 3.18 `nicegui.nicegui._on_event` (and `_on_javascript_response`, `_on_ack`,
    `_on_log`) look the page up by the `client_id` inside the message and ignore which socket
    sent it, so any socket that knows a page's id could click its buttons. The handshake puts a
    socket into a room named after its page's id (`sio.enter_room(sid, client.id)`); a message
    is passed on only if its socket is in that room. NiceGUI offers no hook for this, so the
    registered handlers (`sio.handlers`, a python-socketio internal) are wrapped.
    """
    sio = core.sio
    for name in PAGE_EVENTS:
        handler = sio.handlers["/"][name]
        if not getattr(handler, "checks_socket", False):
            sio.on(name, _from_own_socket(handler))


def _from_own_socket(handler: Callable[[str, Any], Any]) -> Callable[[str, Any], Any]:
    """Wrap a handler so that it only sees messages for a page its socket joined."""

    def checked(sid: str, message: Any) -> Any:
        client_id = message.get("client_id") if isinstance(message, dict) else None
        if client_id is None or client_id not in core.sio.rooms(sid):
            return None
        return handler(sid, message)

    checked.checks_socket = True  # type: ignore[attr-defined]
    return checked


# How long a browser may take to say whether a drawer is open; NiceGUI 3.18 waits 1 s and logs
# an ERROR with a traceback when a slow phone or a busy machine answers later.
DRAWER_STATE_PATIENCE = 10.0


def wait_patiently_for_drawer_state(drawer: ui.drawer) -> None:
    """Ask the browser whether a drawer opened (width >= 1024 px), tolerating a slow answer.

    nicegui 3.18 `Drawer.__init__` with `value=None` (open on wide screens) registers one
    `client.on_connect` handler that asks with `run_javascript`'s default 1 s timeout. It is
    replaced by the same question with a longer timeout; an answer that never comes leaves the
    value `None`, with which `toggle()` still works (it toggles in the browser).
    """
    client = drawer.client
    # The drawer's own handler, wherever it is: content built inside the drawer (the todo
    # panel) may have registered handlers after it.
    asked = next(
        handler
        for handler in reversed(client.connect_handlers)
        if "_request_value" in getattr(handler, "__qualname__", repr(handler))
    )
    client.connect_handlers.remove(asked)
    expression = (
        f"!getHtmlElement({drawer.id}).parentElement.classList.contains("
        '"q-layout--prevent-focus")  // __IS_DRAWER_OPEN__'
    )

    async def request_value() -> None:
        with contextlib.suppress(TimeoutError):
            drawer.value = await client.run_javascript(expression, timeout=DRAWER_STATE_PATIENCE)

    client.on_connect(request_value)


@functools.cache
def _bound_method_expects_arguments(function: Callable[..., Any]) -> bool:
    """`nicegui.helpers.expects_arguments` for a method bound to any instance of its class."""
    parameters = list(inspect.signature(function).parameters.values())[1:]  # without `self`
    return any(
        p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        for p in parameters
    )


def cache_change_handler_signatures() -> None:
    """Work out once per method, not once per element, whether a change handler takes arguments.

    nicegui 3.18 builds three observable collections per element (props, classes, style), and
    each calls `helpers.expects_arguments(self._update)`, an `inspect.signature` of the same
    bound method every time: about half the CPU of creating an element (121 -> 58 us per label
    measured). The answer depends only on the method, so bound methods are answered from a cache;
    anything else (lambdas, partials) still goes through NiceGUI's own function.
    """
    original = nicegui_helpers.expects_arguments
    if getattr(original, "caches_bound_methods", False):
        return

    def expects_arguments(func: Callable[..., Any]) -> bool:
        function = getattr(func, "__func__", None)
        if function is not None and getattr(func, "__self__", None) is not None:
            return _bound_method_expects_arguments(function)
        return original(func)

    expects_arguments.caches_bound_methods = True  # type: ignore[attr-defined]
    nicegui_helpers.expects_arguments = expects_arguments
