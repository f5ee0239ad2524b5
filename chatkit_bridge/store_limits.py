"""What a store keeps at most per user and per thread, and the messages that say so.

Shared by `TinyDBStore` and `PostgresStore` (both import these through `chatkit_bridge.store`).
"""

DEFAULT_MAX_THREADS = 2000
DEFAULT_MAX_ITEMS = 5000
TURN_ALLOWANCE = 100
"""Items a turn already under way may add past the limit, so its reply is not cut off."""


class DuplicateItemError(ValueError):
    """`add_thread_item` was given an id that the thread already holds."""


class LimitError(ValueError):
    """A user reached a limit (threads per user, items per thread); the message says which."""


def thread_limit_reached(count: int, limit: int) -> str | None:
    """Say why a user with `count` threads may not start another, if that is so."""
    if count < limit:
        return None
    return (
        f"You have {count} chats, the most this app keeps per user "
        f"(MAX_THREADS_PER_USER={limit}). Delete a chat to start a new one."
    )


def item_limit_reached(count: int, room: int, limit: int) -> str | None:
    """Say why a thread of `count` items may take no more (`room` may exceed `limit`)."""
    if count < room:
        return None
    return (
        f"This chat holds {count} items, the most this app keeps in one chat "
        f"(MAX_ITEMS_PER_THREAD={limit}). Start a new chat to go on."
    )
