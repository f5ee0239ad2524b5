"""Validated thread items kept per row version, so history reads skip JSON and validation."""

from __future__ import annotations

import threading
from collections import OrderedDict

from chatkit.types import ThreadItem

from chatkit_bridge.item_cache import ITEM, SHARED_ITEMS

Key = tuple[str, str, str]
"""(user key, thread id, item id)."""


class ItemModels:
    """The newest validated model of recently read items, keyed by row and `xmin` version.

    Every write of a row gives it a new `xmin` (the writing transaction), in this process or
    another, so a model is served only for the very version it was read from. Only item types
    nobody changes in place are shared (`item_cache.SHARED_ITEMS`); others are validated anew.
    """

    def __init__(self, max_models: int = 4096) -> None:
        """Keep at most `max_models` models."""
        self.max_models = max_models
        self._lock = threading.Lock()
        self._models: OrderedDict[Key, tuple[str, ThreadItem]] = OrderedDict()

    def get(self, user_key: str, thread_id: str, item_id: str, xmin: str) -> ThreadItem | None:
        """Return the cached item of this row version, if there is one."""
        key = (user_key, thread_id, item_id)
        with self._lock:
            cached = self._models.get(key)
            if cached is None or cached[0] != xmin:
                return None
            self._models.move_to_end(key)
            return cached[1]

    def put(self, user_key: str, thread_id: str, item_id: str, xmin: str, text: str) -> ThreadItem:
        """Validate a row's JSON; keep the model when its type is shared."""
        item = ITEM.validate_json(text)
        if isinstance(item, SHARED_ITEMS):
            with self._lock:
                self._models[(user_key, thread_id, item_id)] = (xmin, item)
                while len(self._models) > self.max_models:
                    self._models.popitem(last=False)
        return item
