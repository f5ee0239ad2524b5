"""Tell every open page of a user that their thread list changed (new, renamed, titled, deleted).

With several processes on one database, a relay carries the news to the others' pages too.
"""

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

logger = logging.getLogger(__name__)

Listener = Callable[[], None]


class Relay(Protocol):
    """Carries "this user's data changed" between processes (see backends.Backend.relay)."""

    def announce(self, user_id: str) -> None:
        """Tell the other processes (blocking; called off the event loop)."""
        ...

    def listen(self, callback: Callable[[str], None]) -> None:
        """Call `callback(user_id)`, from any thread, for news from the other processes."""
        ...


class ThreadListEvents:
    """In-process listeners per user; publish and callbacks run on the event loop."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {}
        self._relay: Relay | None = None

    def relay_through(self, relay: Relay) -> None:
        """Share changes with other processes; call on the event loop that serves the pages."""
        loop = asyncio.get_running_loop()
        relay.listen(lambda user_id: loop.call_soon_threadsafe(self._tell, user_id))
        self._relay = relay

    def subscribe(self, user_id: str, listener: Listener) -> Callable[[], None]:
        """Call `listener()` whenever the user's thread list changes; return the unsubscriber."""
        self._listeners.setdefault(user_id, []).append(listener)

        def unsubscribe() -> None:
            listeners = self._listeners.get(user_id, [])
            if listener in listeners:
                listeners.remove(listener)
            if not listeners:
                self._listeners.pop(user_id, None)

        return unsubscribe

    def publish(self, user_id: str) -> None:
        """Tell the user's listeners here and, through the relay, in the other processes."""
        self._tell(user_id)
        if self._relay is not None:
            asyncio.get_running_loop().run_in_executor(None, self._relay.announce, user_id)

    def _tell(self, user_id: str) -> None:
        """Tell the user's listeners; one failing listener does not keep the others from it."""
        for listener in list(self._listeners.get(user_id, [])):
            try:
                listener()
            except Exception:
                logger.exception("thread list listener %r failed", listener)
