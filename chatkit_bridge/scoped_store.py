"""Keep each use case's threads apart in one store: a use case sees only its own threads."""

import functools
from collections.abc import Callable, Collection
from typing import Any

from chatkit.store import Store
from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata, WidgetItem

from chatkit_bridge.context import RequestContext
from chatkit_bridge.newest_widget import find_newest_widget

SCOPE_SEPARATOR = "\x1f"  # a control character: no identity provider puts it in a user id


def durable_thread_writer(
    store: Store[RequestContext], context: RequestContext
) -> Callable[[ThreadMetadata], None] | None:
    """Return the store's blocking durable save of a thread (for worker threads), if it has one.

    See `TinyDBStore.write_thread_now`.
    """
    if isinstance(store, ScopedStore):
        return durable_thread_writer(store.inner, scoped(context, store.scope))
    write = getattr(store, "write_thread_now", None)
    return None if write is None else functools.partial(write, context=context)


def scoped(context: RequestContext, scope: str) -> RequestContext:
    """Return the context the inner store sees: the same user, inside `scope`."""
    if not scope:
        return context
    return RequestContext(f"{context.user_id}{SCOPE_SEPARATOR}{scope}", context.extras)


class ScopedStore(Store[RequestContext]):
    """A view of a store in which a user's threads are those made in one use case.

    The store keys everything by `context.user_id`, so the view stores a use case's threads
    under the user id joined with the scope; an empty scope is the plain user (the todo
    use case keeps the threads it stored before use cases had scopes).
    """

    def __init__(self, inner: Store[RequestContext], scope: str) -> None:
        self.inner = inner
        self.scope = scope

    def __getattr__(self, name: str) -> Any:
        # Extras of the inner store (health checks, limits) that take no context.
        return getattr(self.inner, name)

    def generate_thread_id(self, context: RequestContext) -> str:
        """Return a new thread id from the inner store."""
        return self.inner.generate_thread_id(scoped(context, self.scope))

    def generate_item_id(
        self, item_type: Any, thread: ThreadMetadata, context: RequestContext
    ) -> str:
        """Return a new item id from the inner store."""
        return self.inner.generate_item_id(item_type, thread, scoped(context, self.scope))

    def write_thread_now(self, thread: ThreadMetadata, context: RequestContext) -> None:
        """Save a thread durably in this thread (the inner store must have this method)."""
        self.inner.write_thread_now(thread, scoped(context, self.scope))  # type: ignore[attr-defined]

    async def check_room(self, thread_id: str | None, context: RequestContext) -> None:
        """Raise the inner store's LimitError if a new thread or message would be refused.

        Raise NotFoundError if `thread_id` is not one of the user's threads in this use case.
        """
        check_room = getattr(self.inner, "check_room", None)  # stores without limits have none
        if check_room is not None:
            await check_room(thread_id, scoped(context, self.scope))
        elif thread_id is not None:
            await self.inner.load_thread(thread_id, scoped(context, self.scope))

    async def load_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
        """Load a thread of this use case."""
        return await self.inner.load_thread(thread_id, scoped(context, self.scope))

    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        """Save a thread of this use case."""
        await self.inner.save_thread(thread, scoped(context, self.scope))

    async def load_thread_items(
        self, thread_id: str, after: str | None, limit: int, order: str, context: RequestContext
    ) -> Page[ThreadItem]:
        """Load a page of a thread's items."""
        return await self.inner.load_thread_items(
            thread_id, after, limit, order, scoped(context, self.scope)
        )

    async def find_newest_widget(
        self, thread_id: str, keys: Collection[str], within: int, context: RequestContext
    ) -> WidgetItem | None:
        """Return a thread's newest widget of a kind (see `chatkit_bridge.newest_widget`)."""
        # Explicit: `__getattr__` would hand the inner store's method the unscoped context.
        return await find_newest_widget(
            self.inner, thread_id, keys, within, scoped(context, self.scope)
        )

    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        """Save an attachment."""
        await self.inner.save_attachment(attachment, scoped(context, self.scope))

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        """Load an attachment."""
        return await self.inner.load_attachment(attachment_id, scoped(context, self.scope))

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        """Delete an attachment."""
        await self.inner.delete_attachment(attachment_id, scoped(context, self.scope))

    async def load_threads(
        self, limit: int, after: str | None, order: str, context: RequestContext
    ) -> Page[ThreadMetadata]:
        """List this use case's threads."""
        return await self.inner.load_threads(limit, after, order, scoped(context, self.scope))

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        """Add an item to a thread."""
        await self.inner.add_thread_item(thread_id, item, scoped(context, self.scope))

    async def save_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        """Insert or replace an item."""
        await self.inner.save_item(thread_id, item, scoped(context, self.scope))

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        """Load one item."""
        return await self.inner.load_item(thread_id, item_id, scoped(context, self.scope))

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        """Delete a thread and its items."""
        await self.inner.delete_thread(thread_id, scoped(context, self.scope))

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        """Delete one item."""
        await self.inner.delete_thread_item(thread_id, item_id, scoped(context, self.scope))
