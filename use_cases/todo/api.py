"""`/api/todos`: the caller's todos as JSON, for scripts and other front ends.

`GET /api/todos` answers one page: `{"todos": [...], "next": cursor or null, "total", "done"}`;
`GET /api/todos?after=<next>` continues. `limit` (1-1000, default 500) sets the page size.
"""

import asyncio
from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from chatkit_bridge.http import error_response, storage_error_response
from chatkit_bridge.identity import UnauthenticatedError, user_id_of
from chatkit_bridge.jsonfiles import StorageError
from use_cases.todo.data import TodoRepository
from use_cases.todo.models import Todo, TodoError, TodoLimitError, TodoNotFoundError, TodoPage

PAGE_SIZE = 500
MAX_PAGE_SIZE = 1000


class NewTodos(BaseModel):
    """Titles to add, with an optional due date."""

    titles: list[str] = Field(min_length=1, max_length=100)
    due: date | None = None


class TodoChange(BaseModel):
    """Fields of a todo to change; absent fields stay as they are."""

    title: str | None = None
    completed: bool | None = None
    due: date | None = None


def todo_json(todo: Todo) -> dict[str, Any]:
    """Serialise a todo for the API."""
    # Where a todo came from (a thread's turn) is bookkeeping for retries, not API data.
    return todo.model_dump(mode="json", exclude={"origin"})


def todo_router(repository: TodoRepository, auth_mode: str) -> APIRouter:
    """Build the router for `/api/todos`."""
    router = APIRouter(prefix="/api/todos")

    async def run(request: Request, operation: Any, *args: Any) -> Any:
        """Run a repository operation as the caller, in a worker thread."""
        user_id = user_id_of(request, auth_mode)
        return await asyncio.to_thread(operation, user_id, *args)

    @router.get("")
    async def list_todos(
        request: Request,
        limit: int = Query(default=PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
        after: str | None = Query(default=None, max_length=80),
    ) -> JSONResponse:
        """List one page of the caller's todos in their order, with a cursor to the next."""

        def listing(user_id: str) -> JSONResponse:
            # Encoded in the worker thread too: 500 todos to JSON is work the event loop
            # (every other user's requests) should not wait for.
            return page_response(repository.page(user_id, limit, after))

        return await answer(lambda: run(request, listing))

    @router.post("")
    async def add_todos(request: Request, body: NewTodos) -> JSONResponse:
        """Add one or several todos."""
        return await answer(lambda: run(request, repository.add, body.titles, body.due), True, 201)

    @router.patch("/{todo_id}")
    async def change_todo(request: Request, todo_id: str, body: TodoChange) -> JSONResponse:
        """Rename, tick or reschedule one todo."""

        def change(user_id: str) -> Todo:
            todo = repository.get(user_id, todo_id)
            if body.title is not None:
                todo = repository.rename(user_id, todo_id, body.title)
            if body.completed is not None:
                todo = repository.set_completed(user_id, todo_id, body.completed)
            if "due" in body.model_fields_set:
                todo = repository.set_due(user_id, todo_id, body.due)
            return todo

        return await answer(lambda: run(request, change))

    @router.delete("/{todo_id}")
    async def delete_todo(request: Request, todo_id: str) -> JSONResponse:
        """Delete one todo."""
        return await answer(lambda: run(request, repository.delete, todo_id))

    return router


def page_response(page: TodoPage) -> JSONResponse:
    """Return one page of todos with its cursor and the whole list's counts."""
    body = {"todos": [todo_json(todo) for todo in page.todos], "next": page.next}
    return JSONResponse({**body, "total": page.total, "done": page.done})


async def answer(call: Any, many: bool = False, status: int = 200) -> JSONResponse:
    """Turn a repository result or refusal into a JSON response."""
    try:
        result = await call()
    except UnauthenticatedError as error:
        return error_response(401, f"Not signed in: {error}.")
    except TodoNotFoundError as error:
        return error_response(404, str(error))
    except TodoLimitError as error:
        return error_response(409, str(error))
    except TodoError as error:
        return error_response(400, str(error))
    except StorageError as error:
        return storage_error_response(error)
    if isinstance(result, JSONResponse):
        return result
    if many:
        return JSONResponse({"todos": [todo_json(todo) for todo in result]}, status_code=status)
    return JSONResponse({"todo": todo_json(result)}, status_code=status)
