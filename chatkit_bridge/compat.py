"""Every use of a dependency's private internals or undocumented behaviour, in one place.

Checked against the pinned versions in requirements.txt: openai-chatkit==1.6.5 and
nicegui==3.18.0 (with its python-socketio 5.18.1 and starlette 1.10). After upgrading either,
tests/test_compat.py fails first if a name used here is gone; read the dependency's source and
adapt this module only.
"""

from collections.abc import AsyncGenerator, Callable
from typing import Any

from chatkit.server import ChatKitServer
from chatkit.types import NonStreamingReq, StreamingReq
from fastapi import FastAPI
from nicegui import core
from nicegui.elements.choice_element import ChoiceElement
from starlette.middleware.sessions import SessionMiddleware

from chatkit_bridge.context import RequestContext

# NiceGUI's socket.io handlers that act on a page named by the message's `client_id`.
PAGE_EVENTS = ("event", "javascript_response", "ack", "log")


def stream_parsed(
    server: ChatKitServer[RequestContext], request: StreamingReq, context: RequestContext
) -> AsyncGenerator[bytes, None]:
    """Run an already parsed streaming request, yielding SSE chunks as `process()` does.

    Why private: `ChatKitServer.process()` only takes JSON text and builds a new
    `TypeAdapter(ChatKitReq)` for every call (4-6 ms of CPU); its routing half,
    `_process_streaming`, takes the parsed request.
    """
    return server._process_streaming(request, context)


async def answer_parsed(
    server: ChatKitServer[RequestContext], request: NonStreamingReq, context: RequestContext
) -> bytes:
    """Run an already parsed non-streaming request and return its JSON (see stream_parsed)."""
    return await server._process_non_streaming(request, context)


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


def add_session_middleware(app: FastAPI, secret: str, max_age_seconds: int) -> None:
    """Add the signed-cookie session middleware with our cookie lifetime.

    nicegui 3.18 `storage.set_storage_secret` (called by `ui.run`) keeps a SessionMiddleware that
    is already in `app.user_middleware` and appends its request tracking inside it; we add it
    ourselves so that our edge middleware can sit outside it and see its `Set-Cookie`.
    """
    app.add_middleware(
        SessionMiddleware, secret_key=secret, max_age=max_age_seconds, same_site="lax"
    )


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
