"""The agent's todo tools: each changes or reads the list; a change is confirmed in one line."""

import asyncio
from collections.abc import Callable
from datetime import date

from agents import FunctionTool, RunContextWrapper, function_tool
from chatkit.agents import AgentContext
from chatkit.types import ProgressUpdateEvent

from chatkit_bridge.context import RequestContext
from chatkit_bridge.toolset import Toolset
from chatkit_bridge.turn_effects import record_undo
from use_cases.todo.changes import ChangeKind, undo_for
from use_cases.todo.data import TodoRepository
from use_cases.todo.models import Todo, TodoError
from use_cases.todo.presenter import TodoCardPresenter, turn_origin
from use_cases.todo.references import Resolved, resolve
from use_cases.todo.widgets import due_label

Ctx = RunContextWrapper[AgentContext[RequestContext]]


def parse_due(due: str | None) -> date | None:
    """Parse an ISO due date; raise TodoError with a sentence for the user if it is bad."""
    if due is None or not due.strip():
        return None
    try:
        return date.fromisoformat(due.strip())
    except ValueError:
        raise TodoError(f'"{due}" is not a date I understand; use YYYY-MM-DD.') from None


def _titles(todos: list[Todo]) -> str:
    return ", ".join(todo.title for todo in todos)


def _count(n: int) -> str:
    return f"{n} todo" if n == 1 else f"{n} todos"


class TodoTools:
    """What every todo tool shares: the repository, today's date and the card presenter."""

    def __init__(self, repository: TodoRepository, today: Callable[[], date]) -> None:
        self.repository = repository
        self.today = today
        self.presenter = TodoCardPresenter(repository, today)

    @staticmethod
    def user(ctx: Ctx) -> str:
        """Return the id of the user the tool runs for."""
        return ctx.context.request_context.user_id

    async def find(self, ctx: Ctx, reference: str, *, allow_all: bool) -> Resolved | str:
        """Resolve a reference to todos, or return why it cannot be."""
        return await asyncio.to_thread(
            resolve, self.repository, self.user(ctx), reference, allow_all=allow_all
        )

    async def set_completed(self, ctx: Ctx, reference: str, completed: bool) -> str:
        """Tick or untick the todos a reference names, and say what changed."""
        found = await self.find(ctx, reference, allow_all=True)
        if isinstance(found, str):
            return found
        user_id = self.user(ctx)
        try:
            if found.everything:
                # One change of the whole list, however long (not one save per todo).
                pairs = await asyncio.to_thread(
                    self.repository.set_completed_many, user_id, None, completed
                )
                changing, changed = [b for b, _ in pairs], [a for _, a in pairs]
            else:
                changing = [todo for todo in found.todos if todo.completed != completed]
                changed = [
                    await asyncio.to_thread(
                        self.repository.set_completed, user_id, todo.id, completed
                    )
                    for todo in changing
                ]
        except TodoError as error:  # deleted meanwhile, e.g. from the card
            return str(error)
        state = "done" if completed else "open"
        if found.everything:
            if not changing:
                return f"All {_count(found.total)} were already {state}."
            text = (
                f"Marked all {_count(found.total)} as done."
                if completed
                else f"Reopened all {_count(found.total)}."
            )
        else:
            todo = found.todos[0]
            if not changing:
                return f'"{todo.title}" was already {state}.'
            text = f'Marked "{todo.title}" as done.' if completed else f'Reopened "{todo.title}".'
        kind: ChangeKind = "complete" if completed else "reopen"
        return await self.done(ctx, kind, text, changing, changed)

    async def done(
        self, ctx: Ctx, kind: ChangeKind, text: str, before: list[Todo], after: list[Todo]
    ) -> str:
        """Confirm a change in the thread, register its undo for edits, and return `text`."""
        undo = undo_for(kind, before, after)
        if undo is not None:
            # Edit-and-resend reverts the replaced answer's changes through this action.
            record_undo(undo.action())
        await self.presenter.confirm(ctx.context, kind, text, undo)
        return text


TOOLS = Toolset[TodoTools]()


@TOOLS.tool
def add_todos(deps: TodoTools) -> FunctionTool:
    """Build the tool that adds todos."""

    @function_tool
    async def add_todos(ctx: Ctx, titles: list[str], due: str | None = None) -> str:
        """Add one or more todos to the user's list.

        Args:
            titles: The titles of the new todos, one entry per todo.
            due: Optional due date for all of them, as YYYY-MM-DD.
        """
        # The chat shows this while the tool works (ChatKit progress event).
        await ctx.context.stream(ProgressUpdateEvent(text=f"Adding {_count(len(titles))}…"))
        try:
            due_date = parse_due(due)
            cleaned = [title.strip() for title in titles]
            if not cleaned:
                raise TodoError("Give at least one title.")
            origin = await turn_origin(ctx.context)
            added = await asyncio.to_thread(
                deps.repository.add, deps.user(ctx), cleaned, due_date, origin
            )
        except TodoError as error:
            return f"Nothing was added: {error}"
        when = f" ({due_label(due_date, deps.today())})" if due_date else ""
        if len(added) == 1:
            text = f'Added "{added[0].title}"{when}.'
        else:
            text = f"Added {len(added)} todos{when}: {_titles(added)}."
        return await deps.done(ctx, "add", text, [], added)

    return add_todos


@TOOLS.tool(read_only=True)
def list_todos(deps: TodoTools) -> FunctionTool:
    """Build the tool that shows the list."""

    @function_tool
    async def list_todos(ctx: Ctx) -> str:
        """Show the user's todo list."""
        page = await deps.presenter.show(ctx.context)
        if not page.total:
            return "Your todo list is empty."
        return f"You have {_count(page.total)}: {page.pending} pending, {page.done} done."

    return list_todos


@TOOLS.tool
def complete_todo(deps: TodoTools) -> FunctionTool:
    """Build the tool that ticks todos."""

    @function_tool
    async def complete_todo(ctx: Ctx, reference: str) -> str:
        """Mark a todo as done.

        Args:
            reference: A todo id, a position like "2", "last", "all", or words from its title.
        """
        return await deps.set_completed(ctx, reference, True)

    return complete_todo


@TOOLS.tool
def reopen_todo(deps: TodoTools) -> FunctionTool:
    """Build the tool that unticks todos."""

    @function_tool
    async def reopen_todo(ctx: Ctx, reference: str) -> str:
        """Mark a done todo as not done again (also used to undo a completion).

        Args:
            reference: A todo id, a position, "last", "last completed", "all", or title words.
        """
        return await deps.set_completed(ctx, reference, False)

    return reopen_todo


@TOOLS.tool
def delete_todo(deps: TodoTools) -> FunctionTool:
    """Build the tool that deletes todos."""

    @function_tool
    async def delete_todo(ctx: Ctx, reference: str) -> str:
        """Delete a todo from the list.

        Args:
            reference: A todo id, a position like "2", "last", "all", or words from its title.
        """
        found = await deps.find(ctx, reference, allow_all=True)
        if isinstance(found, str):
            return found
        # "all" is one change of the whole list (one write per chunk file, not per todo).
        ids = None if found.everything else [todo.id for todo in found.todos]
        removed = await asyncio.to_thread(deps.repository.delete_many, deps.user(ctx), ids)
        if not removed:
            return f"No todo with id {found.todos[0].id}" if found.todos else "Your list is empty."
        if found.everything:
            text = f"Deleted all {_count(len(removed))}."
        else:
            text = f'Deleted "{removed[0].title}".'
        return await deps.done(ctx, "delete", text, removed, [])

    return delete_todo


@TOOLS.tool
def rename_todo(deps: TodoTools) -> FunctionTool:
    """Build the tool that renames a todo."""

    @function_tool
    async def rename_todo(ctx: Ctx, reference: str, new_title: str) -> str:
        """Change the title of a todo.

        Args:
            reference: A todo id, a position like "2", "last", or words from its title.
            new_title: The new title.
        """
        found = await deps.find(ctx, reference, allow_all=False)
        if isinstance(found, str):
            return found
        todo = found.todos[0]
        try:
            renamed = await asyncio.to_thread(
                deps.repository.rename, deps.user(ctx), todo.id, new_title
            )
        except TodoError as error:
            return f'"{todo.title}" was not renamed: {error}'
        text = f'Renamed "{todo.title}" to "{renamed.title}".'
        return await deps.done(ctx, "rename", text, [todo], [renamed])

    return rename_todo


@TOOLS.tool
def set_due_date(deps: TodoTools) -> FunctionTool:
    """Build the tool that sets or removes a due date."""

    @function_tool
    async def set_due_date(ctx: Ctx, reference: str, due: str | None) -> str:
        """Set or remove the due date of a todo.

        Args:
            reference: A todo id, a position like "2", "last", or words from its title.
            due: The due date as YYYY-MM-DD, or null to remove it.
        """
        try:
            due_date = parse_due(due)
        except TodoError as error:
            return f"The due date was not changed: {error}"
        found = await deps.find(ctx, reference, allow_all=False)
        if isinstance(found, str):
            return found
        todo = found.todos[0]
        try:
            changed = await asyncio.to_thread(
                deps.repository.set_due, deps.user(ctx), todo.id, due_date
            )
        except TodoError as error:
            return str(error)
        if due_date is None:
            text = f'Removed the due date from "{todo.title}".'
        else:
            text = f'"{todo.title}" is now {due_label(due_date, deps.today())}.'
        return await deps.done(ctx, "due", text, [todo], [changed])

    return set_due_date


@TOOLS.tool
def clear_completed(deps: TodoTools) -> FunctionTool:
    """Build the tool that deletes the done todos."""

    @function_tool
    async def clear_completed(ctx: Ctx) -> str:
        """Delete every todo that is done."""
        cleared = await asyncio.to_thread(deps.repository.clear_completed, deps.user(ctx))
        if not cleared:
            return "There are no completed todos to clear."
        text = f"Cleared {_count(len(cleared))} that were done: {_titles(cleared)}."
        return await deps.done(ctx, "clear", text, cleared, [])

    return clear_completed


TOOL_NAMES = TOOLS.names


def build_tools(
    repository: TodoRepository, today: Callable[[], date] = date.today
) -> list[FunctionTool]:
    """Build the todo tools over `repository`."""
    return TOOLS.build(TodoTools(repository, today))
