"""The drawer of the user's threads: newest first, open, rename, delete, new chat."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from chatkit.store import NotFoundError
from chatkit.types import ThreadMetadata
from nicegui import background_tasks, ui

from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.text import MAX_TITLE_LENGTH
from chatkit_bridge.thread_events import ThreadListEvents
from chatkit_bridge.thread_search import SearchHit, search_threads

ThreadHandler = Callable[[str | None], Awaitable[None]]
CHAT_ACTIONS = "Chat actions"


def relative_time(moment: datetime, now: datetime | None = None) -> str:
    """Say how long ago something happened, in words."""
    now = now or datetime.now(moment.tzinfo)
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count > 1 else ''} ago"
    return "just now"


class ThreadDrawer:
    """List threads, find them by title or text, and let the user open, rename or delete them."""

    def __init__(
        self,
        client: ChatKitClient,
        on_open: ThreadHandler,
        events: ThreadListEvents | None = None,
    ) -> None:
        """Show the user's threads; with `events`, follow changes made in other tabs too."""
        self.client = client
        self.on_open = on_open
        self.current: str | None = None
        self._refreshing: asyncio.Task[None] | None = None
        self._again = False
        with ui.column().classes("w-full gap-2") as self.root:
            ui.button("New chat", icon="add", on_click=lambda: self.on_open(None)).props(
                "unelevated"
            ).classes("w-full new-chat")
            self.search = (
                ui.input(placeholder="Search chats", on_change=self.refresh)
                .props("dense outlined clearable debounce=300 type=search")
                .classes("w-full")
                .mark("thread-search")
            )
            self.search.props["aria-label"] = "Search chats"
            with self.search.add_slot("prepend"):
                ui.icon("search").props("aria-hidden=true")
            self.list = ui.list().props("dense separator").classes("w-full thread-list")
        if events is not None:
            unsubscribe = events.subscribe(client.context.user_id, self.refresh_later)
            ui.context.client.on_delete(unsubscribe)

    @property
    def query(self) -> str:
        """Return what the user is searching for, or "" when not searching."""
        return (self.search.value or "").strip()

    async def refresh(self) -> None:
        """Reload the thread list, or the search results, from the server."""
        if self.query:
            hits = await search_threads(self.client.store, self.client.context, self.query)
            await self._show_hits(hits)
            return
        threads = (await self.client.list_threads(limit=100)).data
        self.list.clear()
        with self.list:
            if not threads:
                ui.label("No chats yet").classes("text-grey-6 p-2")
            for thread in threads:
                self._thread_row(thread)

    def refresh_later(self) -> None:
        """Refresh soon, once per burst of changes (a change in any of the user's tabs)."""
        if self._refreshing is not None and not self._refreshing.done():
            self._again = True
            return
        self._refreshing = background_tasks.create(self._follow(), name="refresh thread list")

    async def _follow(self) -> None:
        """Refresh until no change arrived meanwhile; leave a chat deleted elsewhere."""
        while True:
            self._again = False
            with self.root:
                await self.refresh()
                if self.current is not None and not await self._exists(self.current):
                    ui.notify("This chat was deleted in another tab", type="info")
                    await self.on_open(None)
            if not self._again:
                return

    async def _exists(self, thread_id: str) -> bool:
        """Tell whether a thread still exists."""
        try:
            await self.client.get_thread(thread_id)
        except NotFoundError:
            return False
        return True

    async def _show_hits(self, hits: list[SearchHit]) -> None:
        """Show the threads that match the search, with the matching text."""
        self.list.clear()
        with self.list:
            if not hits:
                ui.label(f"No chats match “{self.query}”").classes("text-grey-6 p-2").mark(
                    "no-search-hits"
                )
            for hit in hits:
                self._thread_row(hit.thread, hit.snippet)

    def _thread_row(self, thread: ThreadMetadata, snippet: str | None = None) -> None:
        """Show one thread with its menu, and the text that matched a search."""
        title = thread.title or "New chat"
        item = ui.item(on_click=lambda: self.on_open(thread.id)).classes("rounded")
        if thread.id == self.current:
            # A translucent tint reads well in light and dark mode alike.
            item.props("active").style("background: rgba(25, 118, 210, 0.14)")
        with item.mark("thread-item", f"thread-{thread.id}"):
            with ui.item_section():
                # The ellipsis of a long title is display-only: the stored title has none.
                ui.item_label(title).classes("ellipsis thread-title")
                if snippet is not None:
                    ui.item_label(snippet).props("caption lines=2").classes("search-snippet")
                ui.item_label(relative_time(thread.created_at)).props("caption")
            with (
                ui.item_section().props("side"),
                ui.button(icon="more_vert")
                .props(f'flat dense round size=sm aria-label="{CHAT_ACTIONS}"')
                .on("click.stop", lambda: None),
                ui.menu(),
            ):
                ui.menu_item("Rename", lambda: self._rename(thread)).mark("rename-thread")
                ui.menu_item("Delete", lambda: self._delete(thread)).mark("delete-thread")

    def _rename(self, thread: ThreadMetadata) -> None:
        """Ask for a new title and save it."""
        # Under the drawer, not the row: a live refresh of the list must not delete the dialog.
        with self.root, ui.dialog() as dialog, ui.card().classes("w-96"):
            ui.label("Rename chat").classes("text-lg")
            field = ui.input("Title", value=thread.title or "").props(
                f"autofocus maxlength={MAX_TITLE_LENGTH}"
            )
            field.classes("w-full").mark("thread-title-input")

            async def save() -> None:
                title = field.value.strip()
                if not title:
                    ui.notify("A title cannot be empty", type="warning")
                    return
                await self.client.rename_thread(thread.id, title)
                dialog.close()
                await self.refresh()

            field.on("keydown.enter", save)
            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Save", on_click=save).mark("thread-title-save")
        dialog.open()

    def _delete(self, thread: ThreadMetadata) -> None:
        """Confirm, then delete the thread."""
        # Under the drawer, not the row: a live refresh of the list must not delete the dialog.
        with self.root, ui.dialog() as dialog, ui.card():
            ui.label(f"Delete “{thread.title or 'New chat'}”?").classes("text-lg")
            ui.label("Its messages are removed for good.").classes("text-grey-7")

            async def confirm() -> None:
                dialog.close()
                if thread.id == self.current:
                    # Leave it first: that stops a reply still streaming into it.
                    await self.on_open(None)
                await self.client.delete_thread(thread.id)
                await self.refresh()

            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Delete", on_click=confirm).props("color=negative").mark(
                    "thread-delete-confirm"
                )
        dialog.open()
