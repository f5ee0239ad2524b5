"""Listen first, load the chat stack after: `python app.py` answers `/healthz` within a second.

Importing the Agents SDK, openai and ChatKit's server is most of a start (about 2 of 3-4 s of
CPU). `app.py` opens the storage, installs the middleware and `/healthz`, and starts to listen;
`Startup` then imports and builds the rest in a worker thread and registers its routes and
pages on the event loop. Until that is done `/readyz` answers 503 "not ready" and
`StartupGate` holds every other request (the first page, `/chatkit`, the API), so none fails
and none comes later than it would have had everything loaded before listening.

A start that fails while loading (a `USE_CASES` name that does not exist) stops the server, and
`app.py` then exits as it did when it loaded everything before listening: the message on
stderr and the same exit code (`Startup.exit_code`).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

from starlette.responses import JSONResponse
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


class Startup(Generic[T]):
    """Load the chat stack once the server listens; tell waiting requests when it is ready."""

    def __init__(
        self, load: Callable[[], T], install: Callable[[T], None], stop: Callable[[], None]
    ) -> None:
        """Prepare the two halves of the work.

        :param load: the slow half, run in a worker thread: imports and building objects.
        :param install: the quick half, run on the event loop with what `load` returned:
            routes, pages and anything else that needs the loop.
        :param stop: stops the server when loading failed (then see `exit_code`).
        """
        self._load = load
        self._install = install
        self._stop = stop
        self.exit_code: int | None = None
        """Set when loading failed: the code the process should exit with."""
        self._ready: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def ready(self) -> bool:
        """Whether everything is loaded and installed."""
        return self._ready is not None and self._ready.is_set()

    def begin(self) -> None:
        """Start loading (call on the event loop, e.g. from `app.on_startup`)."""
        self._ready = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="load the app")

    async def wait(self) -> None:
        """Return once the app is ready."""
        if self._ready is None:  # not begun yet: requests are not served before startup
            raise RuntimeError("Startup.wait() before Startup.begin()")
        await self._ready.wait()

    async def _run(self) -> None:
        try:
            loaded = await asyncio.to_thread(self._load)
            self._install(loaded)
        except SystemExit as stop:
            # What main() would have done before listening (its message is printed): exit.
            self._fail(stop.code if isinstance(stop.code, int) else 1)
            return
        except Exception:
            traceback.print_exc()
            self._fail(1)
            return
        assert self._ready is not None
        self._ready.set()
        logger.debug("app loaded")

    def _fail(self, code: int) -> None:
        # A half-started app must not keep answering /healthz: stop serving; app.py exits
        # with the code once the server has stopped.
        self.exit_code = code
        sys.stderr.flush()
        self._stop()


class StartupGate:
    """ASGI middleware: hold requests (all but `ALWAYS_ANSWERED`) until the app is loaded."""

    def __init__(self, app: ASGIApp, startup: Startup[object]) -> None:
        """Wrap `app`; `startup` tells when requests may pass."""
        self.app = app
        self.startup = startup

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, after waiting for the app to be loaded if needed."""
        if (
            not self.startup.ready
            and scope["type"] in ("http", "websocket")
            and scope["path"] not in ALWAYS_ANSWERED
        ):
            if scope["path"] == READINESS:
                answer = JSONResponse({"status": "not ready", "reason": STARTING}, status_code=503)
                await answer(scope, receive, send)
                return
            try:
                await asyncio.wait_for(self.startup.wait(), PATIENCE)
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
