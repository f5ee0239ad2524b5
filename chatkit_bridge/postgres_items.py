"""Validated thread items kept per row version, so history reads skip JSON and validation."""

from __future__ import annotations

import threading
from collections import OrderedDict

from chatkit.types import ThreadItem

from chatkit_bridge.item_cache import ITEM, SHARED_ITEMS

Key = tuple[str, str, str]
"""(user key, thread id, item id)."""


class ItemModels:
    """The newest validated model of recently read or written items, by row and `xmin` version.

    Every write of a row gives it a new `xmin` (the writing transaction), in this process or
    another, so a model is served only for the very version it was read from. Only item types
    nobody changes in place are kept (`item_cache.SHARED_ITEMS`); others are validated anew.
    """

    def __init__(self, max_models: int = 4096) -> None:
        """Keep at most `max_models` models."""
        self.max_models = max_models
        self._lock = threading.Lock()
        self._models: OrderedDict[Key, tuple[str, ThreadItem]] = OrderedDict()
        # (user key, thread id) -> {item id: xmin}: what a page query need not send again.
        self._threads: dict[tuple[str, str], dict[str, str]] = {}

    def get(self, user_key: str, thread_id: str, item_id: str, xmin: str) -> ThreadItem | None:
        """Return the kept item of this row version, if there is one."""
        key = (user_key, thread_id, item_id)
        with self._lock:
            cached = self._models.get(key)
            if cached is None or cached[0] != xmin:
                return None
            self._models.move_to_end(key)
            return cached[1]

    def versions(self, user_key: str, thread_id: str) -> list[str]:
        """Return `"item id:xmin"` of every item kept for a thread."""
        with self._lock:
            kept = self._threads.get((user_key, thread_id), {})
            return [f"{item_id}:{xmin}" for item_id, xmin in kept.items()]

    def put(self, user_key: str, thread_id: str, item_id: str, xmin: str, text: str) -> ThreadItem:
        """Validate a row's JSON; keep the model when its type is shared."""
        item = ITEM.validate_json(text)
        self.keep(user_key, thread_id, item_id, xmin, item)
        return item

    def keep(
        self, user_key: str, thread_id: str, item_id: str, xmin: str, item: ThreadItem
    ) -> None:
        """Keep the model a row version holds (just read, or just written from it)."""
        if not isinstance(item, SHARED_ITEMS):
            return
        key = (user_key, thread_id, item_id)
        with self._lock:
            self._models[key] = (xmin, item)
            self._models.move_to_end(key)
            self._threads.setdefault((user_key, thread_id), {})[item_id] = xmin
            while len(self._models) > self.max_models:
                (old_user, old_thread, old_item), _ = self._models.popitem(last=False)
                kept = self._threads[old_user, old_thread]
                del kept[old_item]
                if not kept:
                    del self._threads[old_user, old_thread]
