"""Listen first, then the pages, then the chat stack: the first page never waits for the Agents SDK.

Importing the Agents SDK, openai and ChatKit's server is most of a start (about 2 of 3-4 s of
CPU), and a page does not need them until a turn runs. `app.py` opens the storage, installs
the middleware and `/healthz`, and starts to listen; `Startup` then loads in two stages, each
built in a worker thread and installed on the event loop:

1. the pages: the use cases (light: their data, panel and prompts) and the chat pages;
2. the chat stack: ChatKit's server, the Agents SDK, the model, `/chatkit` and the use cases'
   routes. It starts once the first page has been served, as soon as something needs it (a
   turn sent from a page, a request for a route not installed yet, a readiness probe), or
   `GRACE` seconds after the pages at the latest, so it never competes with a first page.

`StartupGate` holds each request until the app can answer it: until stage 1 everything but
`/healthz`, then only requests no installed route serves (e.g. `/chatkit`) until stage 2.
`/readyz` answers 503 "not ready" until both stages are done. A page served in between shows
that the assistant is starting, and a turn sent from it waits for stage 2 (ChatHost).

A start that fails while loading (a `USE_CASES` name that does not exist) stops the server, and
`app.py` then exits as it did when it loaded everything before listening: the message on
stderr and the same exit code (`Startup.exit_code`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from starlette.responses import JSONResponse
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)

T = TypeVar("T")

ALWAYS_ANSWERED = frozenset({"/healthz"})
"""Paths served while the app is still loading: the liveness probe only."""
READINESS = "/readyz"
STARTING = "the app is still loading"
"""The reason /readyz gives while loading: a probe gets its answer at once, not after it."""
PATIENCE = 300.0
"""Seconds a request waits for the app to finish loading (a cold start on a busy machine)."""
GRACE = 1.0
"""Seconds after the pages are ready that the chat stack waits for a first page at most."""


@dataclass(frozen=True)
class Stage(Generic[T]):
    """One stage of the start: a slow half for a worker thread, a quick half for the loop.

    :param load: run in a worker thread: imports and building objects.
    :param install: run on the event loop with what `load` returned: routes, pages, anything
        else that needs the loop.
    """

    load: Callable[[], T]
    install: Callable[[T], None]


class Startup:
    """Load the pages, then the chat stack, once the server listens; tell waiting requests."""

    def __init__(self, pages: Stage[Any], chat: Stage[Any], stop: Callable[[], None]) -> None:
        """Prepare the two stages.

        :param pages: what the pages need: use cases, stores, the page routes.
        :param chat: the rest: ChatKit's server, the Agents SDK, the model, the chat routes.
        :param stop: stops the server when loading failed (then see `exit_code`).
        """
        self._stages = (pages, chat)
        self._stop = stop
        self.exit_code: int | None = None
        """Set when loading failed: the code the process should exit with."""
        self._pages_ready: asyncio.Event | None = None
        self._wanted: asyncio.Event | None = None
        self._ready: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def pages_ready(self) -> bool:
        """Whether the pages are installed (the chat stack may still be loading)."""
        return self._pages_ready is not None and self._pages_ready.is_set()

    @property
    def ready(self) -> bool:
        """Whether everything is loaded and installed."""
        return self._ready is not None and self._ready.is_set()

    def begin(self) -> None:
        """Start loading (call on the event loop, e.g. from `app.on_startup`)."""
        self._pages_ready, self._wanted, self._ready = (asyncio.Event() for _ in range(3))
        self._task = asyncio.get_running_loop().create_task(self._run(), name="load the app")

    def hurry(self) -> None:
        """Load the chat stack now: a page was served, or something needs it (on the loop)."""
        if self._wanted is not None:
            self._wanted.set()

    async def wait_for_pages(self) -> None:
        """Return once the pages are installed."""
        await self._event(self._pages_ready).wait()

    async def wait(self) -> None:
        """Return once the app is ready."""
        self.hurry()
        await self._event(self._ready).wait()

    @staticmethod
    def _event(event: asyncio.Event | None) -> asyncio.Event:
        if event is None:  # not begun yet: requests are not served before startup
            raise RuntimeError("Startup waited on before Startup.begin()")
        return event

    async def _run(self) -> None:
        assert self._pages_ready is not None and self._wanted is not None
        assert self._ready is not None
        pages, chat = self._stages
        try:
            await self._do(pages)
            self._pages_ready.set()
            logger.debug("pages loaded")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wanted.wait(), GRACE)
            await self._do(chat)
        except SystemExit as stop:
            # What main() would have done before listening (its message is printed): exit.
            self._fail(stop.code if isinstance(stop.code, int) else 1)
            return
        except Exception:
            traceback.print_exc()
            self._fail(1)
            return
        self._ready.set()
        logger.debug("app loaded")

    @staticmethod
    async def _do(stage: Stage[Any]) -> None:
        stage.install(await asyncio.to_thread(stage.load))

    def _fail(self, code: int) -> None:
        # A half-started app must not keep answering /healthz: stop serving; app.py exits
        # with the code once the server has stopped.
        self.exit_code = code
        sys.stderr.flush()
        self._stop()


class StartupGate:
    """ASGI middleware: hold each request (all but `ALWAYS_ANSWERED`) until the app can answer."""

    def __init__(self, app: ASGIApp, startup: Startup, router: Router) -> None:
        """Wrap `app`; `startup` tells when requests may pass, `router` what is installed."""
        self.app = app
        self.startup = startup
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, after waiting for what it needs to be loaded."""
        startup = self.startup
        if (
            startup.ready
            or scope["type"] not in ("http", "websocket")
            or scope["path"] in ALWAYS_ANSWERED
        ):
            await self.app(scope, receive, send)
            return
        if scope["path"] == READINESS:
            startup.hurry()  # a probe asks: the app is wanted ready
            answer = JSONResponse({"status": "not ready", "reason": STARTING}, status_code=503)
            await answer(scope, receive, send)
            return
        try:
            await asyncio.wait_for(self._loaded_for(scope), PATIENCE)
        except TimeoutError:
            if scope["type"] == "http":
                answer = JSONResponse(
                    {"error": "The app is still starting; try again in a moment."},
                    status_code=503,
                    headers={"Retry-After": "5"},
                )
                await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            startup.hurry()  # a page (or its files) went out: the chat stack may load now

    async def _loaded_for(self, scope: Scope) -> None:
        """Wait until the app has a route for this request: the pages, or everything."""
        await self.startup.wait_for_pages()
        if not self.startup.ready and not self._installed(scope):
            await self.startup.wait()

    def _installed(self, scope: Scope) -> bool:
        """Whether an installed route serves this request."""
        return any(route.matches(scope)[0] is Match.FULL for route in self.router.routes)
