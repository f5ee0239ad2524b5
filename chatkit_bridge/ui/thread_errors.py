"""Errors shown in a thread, kept in its metadata so a reload shows them where they happened.

ChatKit streams errors but never stores them; without this, an error vanished on the next
message or reload and the user could not tell why a reply was missing.
"""

from typing import Any

from chatkit.store import Store
from chatkit.types import ThreadMetadata
from pydantic import BaseModel, TypeAdapter, ValidationError

ERRORS_KEY = "ui_errors"
MAX_KEPT = 20


class ThreadError(BaseModel):
    """One error: its text, whether retrying can help, and the item it followed."""

    message: str
    allow_retry: bool
    after: str | None = None


_errors = TypeAdapter(list[ThreadError])


def errors_of(thread: ThreadMetadata) -> list[ThreadError]:
    """Return a thread's stored errors, oldest first (unreadable entries are ignored)."""
    try:
        return _errors.validate_python(thread.metadata.get(ERRORS_KEY, []))
    except ValidationError:
        return []


async def remember_error(
    store: Store[Any], thread_id: str, context: Any, error: ThreadError
) -> None:
    """Add an error to the thread's metadata, keeping the newest few."""
    thread = await store.load_thread(thread_id, context)
    kept = [*errors_of(thread), error][-MAX_KEPT:]
    thread.metadata = {**thread.metadata, ERRORS_KEY: _errors.dump_python(kept, mode="json")}
    await store.save_thread(thread, context)


async def forget_errors_after(
    store: Store[Any], thread_id: str, context: Any, item_ids: set[str]
) -> None:
    """Drop the errors that followed items a retry replaces."""
    thread = await store.load_thread(thread_id, context)
    errors = errors_of(thread)
    kept = [error for error in errors if error.after not in item_ids]
    if len(kept) != len(errors):
        thread.metadata = {**thread.metadata, ERRORS_KEY: _errors.dump_python(kept, mode="json")}
        await store.save_thread(thread, context)
