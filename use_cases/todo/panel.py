"""The "My todos" panel beside the chat: always in sync, editable directly, bounded.

The panel shows the list a page at a time ("Show more" adds a page), reads it in a worker
thread, and on every change updates only the rows that differ, so a long list costs the
event loop a few rows per tick instead of a full redraw. It draws only while the page's
browser is connected: a page fetched by a script (or a tab gone) costs no rows, and NiceGUI
keeps such a page around for a minute, during which it would otherwise redraw on every change.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from nicegui import background_tasks, core, ui

from use_cases.todo.data import TodoRepository
from use_cases.todo.models import Todo, TodoError
from use_cases.todo.widgets import due_label

# As many rows as the card shows: a screenful. Each row is six elements, and a page load
# drew 50 of them (a third of the app's CPU with one user reloading back to back).
PAGE_ROWS = 20
ROWS_PER_SLICE = 2  # rows drawn between two turns of the event loop
_ICON_BUTTON = {"flat": True, "dense": True, "round": True, "size": "sm"}


@dataclass
class _Row:
    """A todo as last drawn, and its element."""

    todo: Todo
    element: ui.row


class TodoPanel:
    """List, tick, rename, delete (with Undo) and add todos for one user."""

    def __init__(self, repository: TodoRepository, user_id: str, today: Callable[[], date]) -> None:
        self.repository = repository
        self.user_id = user_id
        self.today = today
        self.busy = False
        self.limit = PAGE_ROWS
        self._rows: dict[str, _Row] = {}
        self._dirty = False
        self._updating = False
        with ui.column().classes("w-full gap-2 todo-panel"):
            with ui.row().classes("w-full items-center"):
                ui.label("My todos").classes("text-lg font-medium")
                ui.space()
                self.counts = ui.label().classes("text-grey-7").mark("panel-counts")
            with ui.row().classes("w-full no-wrap items-center gap-1"):
                self.new_title = ui.input(placeholder="Add a todo…").props(
                    'dense outlined aria-label="New todo"'
                )
                self.new_title.classes("grow").on("keydown.enter", self._add)
                self.new_title.mark("panel-new-title")
                self.add_button = ui.button(icon="add", on_click=self._add).props("dense round")
                self.add_button.props('aria-label="Add todo"').mark("panel-add")
            self.undo_bar = ui.row().classes("w-full items-center no-wrap gap-1 panel-undo")
            self.undo_bar.set_visibility(False)
            self.empty = ui.label("Nothing to do yet.").classes("text-grey-6 p-2")
            self.empty.set_visibility(False)
            self.rows = ui.column().classes("w-full gap-0 panel-rows")
            self.more = ui.button("Show more", on_click=self._show_more).props("flat no-caps")
            self.more.mark("panel-more").set_visibility(False)
        self._client = ui.context.client
        self._client.on_connect(self._schedule)  # the first draw, and a redraw after a reconnect
        self._schedule()
        unsubscribe = repository.subscribe(self._changed)
        self._client.on_delete(unsubscribe)

    def _changed(self, user_id: str) -> None:
        """Update when this user's todos change, whichever thread or tab changed them."""
        if user_id == self.user_id and core.loop is not None and not core.loop.is_closed():
            core.loop.call_soon_threadsafe(self._schedule)

    def _schedule(self) -> None:
        """Coalesce a burst of changes into one update, never two at once (order matters)."""
        self._dirty = True
        if self._updating or self.rows.is_deleted or not self._client.has_socket_connection:
            return
        self._updating = True
        background_tasks.create(self._update_while_dirty(), name="todo panel refresh")

    async def _update_while_dirty(self) -> None:
        try:
            while self._dirty and not self.rows.is_deleted and self._client.has_socket_connection:
                self._dirty = False
                await self.refresh()
        finally:
            self._updating = False

    async def refresh(self) -> None:
        """Read the shown page in a worker thread and redraw only the rows that changed."""
        page = await asyncio.to_thread(self.repository.page, self.user_id, self.limit)
        if self.rows.is_deleted:
            return
        self.counts.set_text(f"{page.pending} pending · {page.done} done")
        self.empty.set_visibility(page.total == 0)
        more = page.total - len(page.todos)
        self.more.set_text(f"Show more ({more} left)")
        self.more.set_visibility(more > 0)
        wanted = {todo.id for todo in page.todos}
        for todo_id in [todo_id for todo_id in self._rows if todo_id not in wanted]:
            self._rows.pop(todo_id).element.delete()
        drawn = 0
        for todo in page.todos:
            shown = self._rows.get(todo.id)
            if shown is not None and shown.todo == todo:
                continue
            if shown is not None:
                shown.element.delete()
            with self.rows:
                self._rows[todo.id] = _Row(todo, self._row(todo))
            drawn += 1
            if drawn % ROWS_PER_SLICE == 0:
                # A first build of 50 rows held the event loop for every other user's request:
                # let them in between slices.
                await asyncio.sleep(0)
                if self.rows.is_deleted:
                    return
        self._order([self._rows[todo.id].element for todo in page.todos])

    def _order(self, wanted: list[ui.row]) -> None:
        """Move rows into list order; usually nothing or only the new rows move."""
        current = list(self.rows.default_slot.children)
        for index, element in enumerate(wanted):
            if current[index] is not element:
                element.move(target_index=index)
                current.remove(element)
                current.insert(index, element)

    def _row(self, todo: Todo) -> ui.row:
        """Draw one todo with its controls."""
        with ui.row().classes("w-full items-center no-wrap gap-1 panel-row") as row:
            check = ui.checkbox(
                value=todo.completed,
                on_change=lambda e, todo_id=todo.id: self._set_completed(todo_id, e.value),
            )
            check.props["dense"] = True
            # Set as a value, never parsed from a props string: the title is user text.
            check.props["aria-label"] = f"Done: {todo.title}"
            check.mark(f"panel-check-{todo.id}")
            title = ui.label(todo.title).classes("grow break-words panel-title")
            title.mark(f"panel-title-{todo.id}")
            if todo.completed:
                title.classes("line-through text-grey-6")
            if todo.due is not None:
                color = "negative" if todo.is_overdue(self.today()) else "grey-7"
                ui.badge(due_label(todo.due, self.today()), color=color).props("outline")
            # Named, with the browser's tooltip (no QTooltip element per row); props set as
            # values, not parsed from strings (that parsing was a good part of a row's cost).
            rename = ui.button(icon="edit", on_click=lambda todo=todo: self._rename(todo))
            rename.props.update(_ICON_BUTTON, **{"aria-label": "Rename", "title": "Rename"})
            rename.mark(f"panel-rename-{todo.id}")
            delete = ui.button(icon="delete_outline", on_click=lambda todo=todo: self._delete(todo))
            delete.props.update(_ICON_BUTTON, color="negative")
            delete.props.update({"aria-label": "Delete", "title": "Delete"})
            delete.mark(f"panel-delete-{todo.id}")
        return row

    def _show_more(self) -> None:
        """Show another page of the list."""
        self.limit += PAGE_ROWS
        self._schedule()

    async def _run(self, operation: Callable[..., object], *args: object) -> bool:
        """Apply a change in a worker thread; show a refusal instead of raising."""
        try:
            await asyncio.to_thread(operation, self.user_id, *args)
        except TodoError as error:
            ui.notify(str(error), type="warning")
            self._schedule()
            return False
        return True

    async def _add(self) -> None:
        """Add the typed todo; a second press while adding does nothing."""
        title = self.new_title.value or ""
        if self.busy or not title.strip():
            return
        self.busy = True
        self.add_button.disable()
        try:
            if await self._run(self.repository.add, [title]):
                self.new_title.value = ""
        finally:
            self.busy = False
            self.add_button.enable()

    async def _set_completed(self, todo_id: str, completed: bool) -> None:
        """Tick or untick; the value is explicit, so a double click cannot flip twice."""
        await self._run(self.repository.set_completed, todo_id, completed)

    async def _delete(self, todo: Todo) -> None:
        """Delete a todo and offer to bring it back."""
        if await self._run(self.repository.delete, todo.id):
            self._offer_undo(todo)

    def _offer_undo(self, todo: Todo) -> None:
        """Show "Deleted ... Undo" until the next delete or the Undo."""
        self.undo_bar.clear()

        async def undo() -> None:
            self.undo_bar.set_visibility(False)
            await self._run(self.repository.restore, [todo])

        with self.undo_bar:
            ui.label(f'Deleted "{todo.title}"').classes("grow ellipsis text-grey-8")
            ui.button("Undo", on_click=undo).props("flat dense no-caps").mark("panel-undo")
        self.undo_bar.set_visibility(True)

    def _rename(self, todo: Todo) -> None:
        """Ask for a new title."""
        with ui.dialog() as dialog, ui.card().classes("w-96"):
            ui.label("Rename todo").classes("text-lg")
            field = ui.input("Title", value=todo.title).props("autofocus").classes("w-full")
            field.mark("panel-rename-input")

            async def save() -> None:
                if await self._run(self.repository.rename, todo.id, field.value or ""):
                    dialog.close()

            field.on("keydown.enter", save)
            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Save", on_click=save).mark("panel-rename-save")
        dialog.open()
