"""The "My todos" panel beside the chat: always in sync, editable directly."""

import asyncio
from collections.abc import Callable
from datetime import date

from nicegui import core, ui

from use_cases.todo.data import TodoRepository
from use_cases.todo.models import Todo, TodoError
from use_cases.todo.widgets import due_label


class TodoPanel:
    """List, tick, rename, delete and add todos for one user."""

    def __init__(self, repository: TodoRepository, user_id: str, today: Callable[[], date]) -> None:
        self.repository = repository
        self.user_id = user_id
        self.today = today
        self.busy = False
        with ui.column().classes("w-full gap-2 todo-panel"):
            with ui.row().classes("w-full items-center"):
                ui.label("My todos").classes("text-lg font-medium")
                ui.space()
                self.counts = ui.label().classes("text-grey-7").mark("panel-counts")
            with ui.row().classes("w-full no-wrap items-center gap-1"):
                self.new_title = ui.input(placeholder="Add a todo…").props("dense outlined")
                self.new_title.classes("grow").on("keydown.enter", self._add)
                self.new_title.mark("panel-new-title")
                self.add_button = ui.button(icon="add", on_click=self._add).props("dense round")
                self.add_button.mark("panel-add")
            self.rows = ui.column().classes("w-full gap-0 panel-rows")
        self.refresh()
        unsubscribe = repository.subscribe(self._changed)
        ui.context.client.on_delete(unsubscribe)

    def _changed(self, user_id: str) -> None:
        """Redraw when this user's todos change, whichever thread changed them."""
        if user_id == self.user_id and core.loop is not None and not core.loop.is_closed():
            core.loop.call_soon_threadsafe(self.refresh)

    def refresh(self) -> None:
        """Redraw the list from the stored todos."""
        if self.rows.is_deleted:
            return
        todos = self.repository.list(self.user_id)
        done = sum(todo.completed for todo in todos)
        self.counts.set_text(f"{len(todos) - done} pending · {done} done")
        self.rows.clear()
        with self.rows:
            if not todos:
                ui.label("Nothing to do yet.").classes("text-grey-6 p-2")
            for todo in todos:
                self._row(todo)

    def _row(self, todo: Todo) -> None:
        """Show one todo with its controls."""
        with ui.row().classes("w-full items-center no-wrap gap-1 panel-row"):
            ui.checkbox(
                value=todo.completed,
                on_change=lambda e, todo_id=todo.id: self._set_completed(todo_id, e.value),
            ).props("dense").mark(f"panel-check-{todo.id}")
            title = ui.label(todo.title).classes("grow break-words panel-title")
            title.mark(f"panel-title-{todo.id}")
            if todo.completed:
                title.classes("line-through text-grey-6")
            if todo.due is not None:
                color = "negative" if todo.is_overdue(self.today()) else "grey-7"
                ui.badge(due_label(todo.due, self.today()), color=color).props("outline")
            ui.button(icon="edit", on_click=lambda todo=todo: self._rename(todo)).props(
                "flat dense round size=sm"
            ).tooltip("Rename").mark(f"panel-rename-{todo.id}")
            ui.button(
                icon="delete_outline", on_click=lambda todo_id=todo.id: self._delete(todo_id)
            ).props("flat dense round size=sm color=negative").tooltip("Delete").mark(
                f"panel-delete-{todo.id}"
            )

    async def _run(self, operation: Callable[..., object], *args: object) -> bool:
        """Apply a change in a worker thread; show a refusal instead of raising."""
        try:
            await asyncio.to_thread(operation, self.user_id, *args)
        except TodoError as error:
            ui.notify(str(error), type="warning")
            self.refresh()
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

    async def _delete(self, todo_id: str) -> None:
        """Delete a todo."""
        await self._run(self.repository.delete, todo_id)

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
