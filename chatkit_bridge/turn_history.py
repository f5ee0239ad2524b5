"""The store as a turn's agent sees it: its first look at the newest items is the history read.

ChatKit's `stream_agent_response` starts by reading the thread's two newest items (to go on
with an unfinished workflow), a moment after the turn read its history and with nothing
written in between: that read is answered from the history page, not the disk (a store call
on a turn's path costs ~0.2 ms of CPU).
"""

from chatkit.store import Store
from chatkit.types import Page, ThreadItem

from chatkit_bridge.context import RequestContext
from chatkit_bridge.scoped_store import ScopedStore


class HistoryFirst(ScopedStore):
    """A plain view of a store whose first newest-items read of a thread is a page at hand."""

    def __init__(self, inner: Store[RequestContext], thread_id: str, newest: Page[ThreadItem]):
        """Answer the first read of `thread_id`'s newest items from `newest` (newest first)."""
        super().__init__(inner, "")
        self._first: tuple[str, Page[ThreadItem]] | None = (thread_id, newest)

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: str,
        context: RequestContext,
    ) -> Page[ThreadItem]:
        """Load a page of a thread's items; the first one asked may come from the history."""
        first, self._first = self._first, None  # only the very next read: later ones change
        if first is not None and first[0] == thread_id and after is None and order == "desc":
            newest = first[1]
            limit = max(limit, 1)
            if limit <= len(newest.data) or not newest.has_more:
                data = newest.data[:limit]
                has_more = len(newest.data) > limit or newest.has_more
                return Page(data=data, has_more=has_more, after=data[-1].id if has_more else None)
        return await super().load_thread_items(thread_id, after, limit, order, context)
