"""The drawer of the user's threads: newest first, open, rename, delete, new chat."""

from collections.abc import Awaitable, Callable
from datetime import datetime

from chatkit.types import Thread
from nicegui import ui

from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.http import MAX_TITLE_LENGTH

ThreadHandler = Callable[[str | None], Awaitable[None]]


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
    """List threads and let the user open, rename or delete them."""

    def __init__(self, client: ChatKitClient, on_open: ThreadHandler) -> None:
        self.client = client
        self.on_open = on_open
        self.current: str | None = None
        with ui.column().classes("w-full gap-2"):
            ui.button("New chat", icon="add", on_click=lambda: self.on_open(None)).props(
                "unelevated"
            ).classes("w-full new-chat")
            self.list = ui.list().props("dense separator").classes("w-full thread-list")

    async def refresh(self) -> None:
        """Reload the thread list from the server."""
        threads = (await self.client.list_threads(limit=100)).data
        self.list.clear()
        with self.list:
            if not threads:
                ui.label("No chats yet").classes("text-grey-6 p-2")
            for thread in threads:
                self._thread_row(thread)

    def _thread_row(self, thread: Thread) -> None:
        """Show one thread with its menu."""
        title = thread.title or "New chat"
        item = ui.item(on_click=lambda: self.on_open(thread.id)).classes("rounded")
        if thread.id == self.current:
            # A translucent tint reads well in light and dark mode alike.
            item.props("active").style("background: rgba(25, 118, 210, 0.14)")
        with item.mark("thread-item", f"thread-{thread.id}"):
            with ui.item_section():
                ui.item_label(title).classes("ellipsis thread-title")
                ui.item_label(relative_time(thread.created_at)).props("caption")
            with (
                ui.item_section().props("side"),
                ui.button(icon="more_vert")
                .props("flat dense round size=sm")
                .on("click.stop", lambda: None),
                ui.menu(),
            ):
                ui.menu_item("Rename", lambda: self._rename(thread)).mark("rename-thread")
                ui.menu_item("Delete", lambda: self._delete(thread)).mark("delete-thread")

    def _rename(self, thread: Thread) -> None:
        """Ask for a new title and save it."""
        with ui.dialog() as dialog, ui.card().classes("w-96"):
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

    def _delete(self, thread: Thread) -> None:
        """Confirm, then delete the thread."""
        with ui.dialog() as dialog, ui.card():
            ui.label(f"Delete “{thread.title or 'New chat'}”?").classes("text-lg")
            ui.label("Its messages are removed for good.").classes("text-grey-7")

            async def confirm() -> None:
                await self.client.delete_thread(thread.id)
                dialog.close()
                if thread.id == self.current:
                    await self.on_open(None)
                await self.refresh()

            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Delete", on_click=confirm).props("color=negative").mark(
                    "thread-delete-confirm"
                )
        dialog.open()
