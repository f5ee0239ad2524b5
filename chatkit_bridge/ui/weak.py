"""Callbacks from a page's parts into the page that do not keep the page alive."""

import weakref
from collections.abc import Awaitable, Callable
from typing import ParamSpec

P = ParamSpec("P")


def weakly(method: Callable[P, Awaitable[None]]) -> Callable[P, Awaitable[None]]:
    """Call an async bound method through a weak reference to its object (nothing once gone).

    A page keeps its parts (composer, drawer, views) and they keep callbacks into the page: with
    bound methods every closed page is a reference cycle that only a full garbage collection
    frees, ~1 s with the GIL held when many pages have closed (bench/heavy_user.py). Whatever
    keeps the page itself alive (its client, until NiceGUI deletes it) then frees it at once.
    """
    target = weakref.WeakMethod(method)

    async def call(*args: P.args, **kwargs: P.kwargs) -> None:
        bound = target()
        if bound is not None:
            await bound(*args, **kwargs)

    return call
