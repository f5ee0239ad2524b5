"""nicegui 3.18 internals on the HTTP side: session cookies and NiceGUI's middlewares as ASGI."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from nicegui import core, storage, ui_run
from nicegui.version import __version__ as nicegui_version
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


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
