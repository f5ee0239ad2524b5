"""Every use of a dependency's private internals or undocumented behaviour, in one place.

Checked against the pinned versions in requirements.txt: openai-chatkit==1.6.5 and
nicegui==3.18.0 (with its python-socketio 5.18.1 and starlette 1.10). After upgrading either,
tests/test_compat.py fails first if a name used here is gone; read the dependency's source and
adapt this module only.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from chatkit import widgets as chatkit_widgets
from chatkit.widgets import WidgetComponentBase, _drop_none
from fastapi import FastAPI
from nicegui import core, storage, ui, ui_run
from nicegui import helpers as nicegui_helpers
from nicegui.elements.choice_element import ChoiceElement
from nicegui.version import __version__ as nicegui_version
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    # Importing chatkit.server loads the Agents SDK (seconds): app.py installs the session
    # middleware from here before that, and the rest of this module runs after it.
    from chatkit.server import ChatKitServer
    from chatkit.types import NonStreamingReq, StreamingReq, ThreadStreamEvent

    from chatkit_bridge.context import RequestContext

logger = logging.getLogger(__name__)

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


async def stream_events(
    server: ChatKitServer[RequestContext], request: StreamingReq, context: RequestContext
) -> AsyncGenerator[ThreadStreamEvent, None]:
    """Run an already parsed streaming request, yielding typed events, logging as the SDK does.

    Why private: `_process_streaming_impl` is the typed half of `_process_streaming`, which
    serialises every event to JSON; the in-process page would only parse it back (issue 10).
    """
    try:
        async with contextlib.aclosing(server._process_streaming_impl(request, context)) as events:
            async for event in events:
                yield event
    except asyncio.CancelledError:
        raise
    except Exception:
        logger.exception("Error while generating streamed response")
        raise


async def sse_chunks(
    server: ChatKitServer[RequestContext], events: AsyncGenerator[ThreadStreamEvent, None]
) -> AsyncGenerator[bytes, None]:
    """Encode typed events as `process()` streams them: `data: <json>` and a blank line.

    Why private: `_serialize` holds the SDK's wire options (aliases, no `None`, no metadata).
    """
    # Closing this closes the events at once (a client gone after "thread.created" must leave
    # no empty thread), not whenever the garbage collector gets to them.
    async with contextlib.aclosing(events) as inner:
        async for event in inner:
            yield b"data: " + server._serialize(event) + b"\n\n"


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


def use_plain_asgi_middlewares() -> None:
    """Make `ui.run` add NiceGUI's three HTTP middlewares as plain ASGI, with the same effects.

    nicegui 3.18 `ui_run.run` adds `RedirectWithPrefixMiddleware` and `SetCacheControlMiddleware`,
    and `storage.set_storage_secret` adds `RequestTrackingMiddleware`, all three Starlette
    `BaseHTTPMiddleware`s: each runs the rest of the app in a task of its own and relays every
    response message through a memory stream, which cost about a third of an HTTP chat turn's
    overhead (every SSE event crossed three streams). Call before `ui.run`; it looks these names
    up in its modules when it runs.
    """
    ui_run.RedirectWithPrefixMiddleware = RedirectWithPrefix  # type: ignore[assignment,misc]
    ui_run.SetCacheControlMiddleware = SetCacheControl  # type: ignore[assignment,misc]
    storage.RequestTrackingMiddleware = RequestTracking  # type: ignore[assignment,misc]


class RedirectWithPrefix:
    """`nicegui.middlewares.RedirectWithPrefixMiddleware`: redirects get X-Forwarded-Prefix."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Prefix a `Location` that starts with `/`."""
        http = scope["type"] == "http"
        prefix = Headers(scope=scope).get("x-forwarded-prefix", "") if http else ""
        if not prefix:
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                location = headers.get("location")
                if location is not None and location.startswith("/"):
                    headers["location"] = prefix + location
            await send(message)

        await self.app(scope, receive, sending)


class SetCacheControl:
    """`nicegui.middlewares.SetCacheControlMiddleware`: NiceGUI's versioned files are cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.prefix = f"/_nicegui/{nicegui_version}/"
        self.dynamic = f"{self.prefix}dynamic_resources/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Set `Cache-Control` on responses under `/_nicegui/<version>/`."""
        path: str = scope.get("path", "")
        versioned = path.startswith(self.prefix) and not path.startswith(self.dynamic)
        if scope["type"] != "http" or not versioned:
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["cache-control"] = core.app.config.cache_control_directives
            await send(message)

        await self.app(scope, receive, sending)


class RequestTracking:
    """`nicegui.storage.RequestTrackingMiddleware`: a browser id, the request for `app.storage`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Give the session an id, keep its user storage loaded while a request runs."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        storage.request_contextvar.set(request)
        session = request.session
        if "id" not in session:
            session["id"] = str(uuid.uuid4())
        request.state.responded = False
        session_id = session["id"]
        users = core.app.storage
        users._active_request_sessions[session_id] += 1
        try:
            if session_id not in users._users:
                await users._create_user_storage(session_id)

            async def sending(message: Message) -> None:
                if message["type"] == "http.response.start":
                    request.state.responded = True  # app.storage.browser is read-only from now
                await send(message)

            await self.app(scope, receive, sending)
        finally:
            users._active_request_sessions[session_id] -= 1
            if users._active_request_sessions[session_id] <= 0:
                del users._active_request_sessions[session_id]


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
    asked = client.connect_handlers.pop()
    assert "_request_value" in getattr(asked, "__qualname__", repr(asked)), asked
    expression = (
        f"!getHtmlElement({drawer.id}).parentElement.classList.contains("
        '"q-layout--prevent-focus")  // __IS_DRAWER_OPEN__'
    )

    async def request_value() -> None:
        with contextlib.suppress(TimeoutError):
            drawer.value = await client.run_javascript(expression, timeout=DRAWER_STATE_PATIENCE)

    client.on_connect(request_value)


async def _merge_generators_closing(
    a: AsyncIterator[Any], b: AsyncIterator[Any]
) -> AsyncIterator[Any]:
    """`chatkit.agents._merge_generators`, plus: its pending reads end when its reader stops."""
    pending: dict[asyncio.Future[Any], AsyncIterator[Any]] = {
        asyncio.ensure_future(g.__anext__()): g for g in (a, b)
    }
    try:
        while pending:
            done, _ = await asyncio.wait(pending.keys(), return_when=asyncio.FIRST_COMPLETED)
            stop = False
            for task in done:
                source = pending.pop(task)
                try:
                    result = task.result()
                except StopAsyncIteration:
                    stop = True
                    continue
                yield result
                pending[asyncio.ensure_future(source.__anext__())] = source
            if stop:
                for task in pending:
                    if not task.cancel() and not task.cancelled() and task.exception() is None:
                        yield task.result()
                break
    finally:
        for task in pending:
            task.cancel()
        for task in pending:
            if task.done() and not task.cancelled():
                task.exception()  # retrieved: a StopAsyncIteration here is no error


def close_merged_streams_cleanly() -> None:
    """Make ChatKit's agent stream cancel its pending reads when its reader stops.

    Why private: openai-chatkit 1.6.5 `chatkit.agents.stream_agent_response` merges two sources
    with the module function `_merge_generators`, which keeps one `__anext__` task per source
    and drops them, still pending, when its reader stops (Stop, a closed page, a test that
    ends): "Task was destroyed but it is pending!" and "Task exception was never retrieved".
    """
    from chatkit import agents as chatkit_agents

    chatkit_agents._merge_generators = _merge_generators_closing


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
