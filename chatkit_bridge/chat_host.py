"""One use case's chat as its pages see it: usable before the chat stack has loaded.

A page needs the use case (title, panel, prompts), the store and the model's name to show the
chat; only turns, actions and the protocol's reads need the server, whose module imports the
Agents SDK and openai (seconds). `ChatHost` holds the first and hands out the server once it is
delivered (chatkit_bridge/startup.py); until then whoever asks for it waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from chatkit.store import Store

from chatkit_bridge.context import RequestContext
from chatkit_bridge.thread_events import ThreadListEvents
from chatkit_bridge.use_case import UseCase

if TYPE_CHECKING:
    from chatkit_bridge.server import BridgeServer


class ChatHost:
    """A use case's chat: what pages show at once, and its server once that has loaded."""

    def __init__(
        self,
        use_case: UseCase,
        store: Store[RequestContext],
        model_label: str,
        wanted: Callable[[], None] = lambda: None,
    ) -> None:
        """Hold what a page shows before the server exists.

        :param store: the use case's (scoped) store, the one its server will use.
        :param model_label: how the page names the model.
        :param wanted: called when someone waits for the server that is not delivered yet.
        """
        self.use_case = use_case
        self.store = store
        self.model_label = model_label
        self.thread_events = ThreadListEvents()
        self._wanted = wanted
        self._server: BridgeServer | None = None
        self._delivered = asyncio.Event()

    @classmethod
    def of(cls, server: BridgeServer) -> ChatHost:
        """Return the host of a server that is already built."""
        host = cls(server.use_case, server.store, server.model.label)
        host.thread_events = server.thread_events
        host.deliver(server)
        return host

    @property
    def loaded(self) -> bool:
        """Whether the server is here: turns start without waiting."""
        return self._server is not None

    def deliver(self, server: BridgeServer) -> None:
        """Hand over the server, built on this host's store and thread events (on the loop)."""
        self._server = server
        self._delivered.set()

    async def server(self) -> BridgeServer:
        """Return the server, once it has loaded (and ask for it to load now)."""
        if self._server is None:
            self._wanted()
            await self._delivered.wait()
        assert self._server is not None
        return self._server

    async def until_loaded(self) -> None:
        """Return once the server is here, without asking for it (to update a page then)."""
        await self._delivered.wait()
