"""Tell every open page of a user that their thread list changed (new, renamed, titled, deleted)."""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

Listener = Callable[[], None]


class ThreadListEvents:
    """In-process listeners per user; publish and callbacks run on the event loop."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {}

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
        """Tell the user's listeners; one failing listener does not keep the others from it."""
        for listener in list(self._listeners.get(user_id, [])):
            try:
                listener()
            except Exception:
                logger.exception("thread list listener %r failed", listener)
