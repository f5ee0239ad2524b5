"""Find a thread's newest widget of a kind among its newest items, on any store.

A use case looks for "its" widget (the todo list card) before each change it shows. Paging
through the newest items validates every one of them; a store that can look at its stored
records instead (`TinyDBStore.find_newest_widget`) validates only the item it finds, and a
late turn of a long thread costs no more than an early one.
"""

from collections.abc import Collection

from chatkit.store import Store
from chatkit.types import WidgetItem

from chatkit_bridge.context import RequestContext

PAGE_SIZE = 20


async def find_newest_widget(
    store: Store[RequestContext],
    thread_id: str,
    keys: Collection[str],
    within: int,
    context: RequestContext,
) -> WidgetItem | None:
    """Return the newest widget item whose widget key is in `keys` among the `within` newest.

    :param store: a store; its own `find_newest_widget` is used when it has one.
    :param within: how many of the thread's newest items to look at, at most.
    """
    own = getattr(store, "find_newest_widget", None)
    if own is not None:
        return await own(thread_id, keys, within, context)
    after: str | None = None
    seen = 0
    while seen < within:
        size = min(PAGE_SIZE, within - seen)
        page = await store.load_thread_items(thread_id, after, size, "desc", context)
        for item in page.data:
            if isinstance(item, WidgetItem) and getattr(item.widget, "key", None) in keys:
                return item
        seen += len(page.data)
        if not page.has_more or page.after is None:
            return None
        after = page.after
    return None
