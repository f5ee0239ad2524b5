"""A use case's view of the store scopes every call that names a user."""

import inspect
from datetime import UTC, datetime
from pathlib import Path

import pytest
from chatkit.store import NotFoundError
from chatkit.types import ThreadMetadata

from chatkit_bridge.context import RequestContext
from chatkit_bridge.postgres_store import PostgresStore
from chatkit_bridge.scoped_store import ScopedStore
from chatkit_bridge.store import TinyDBStore


@pytest.mark.parametrize("store_class", [TinyDBStore, PostgresStore])
def test_every_method_that_takes_a_context_is_scoped_not_passed_through(
    store_class: type,
) -> None:
    # ScopedStore.__getattr__ hands anything it does not define to the inner store unscoped;
    # a new store method that takes the user's context would then see every use case's threads.
    taking_context = {
        name
        for name, member in inspect.getmembers(store_class, inspect.isfunction)
        if not name.startswith("_") and "context" in inspect.signature(member).parameters
    }
    assert taking_context, "the store's methods take a context"
    unscoped = {name for name in taking_context if name not in vars(ScopedStore)}
    assert not unscoped, f"ScopedStore passes these through without the scope: {unscoped}"


async def test_room_check_refuses_another_users_thread_even_without_limits(tmp_path: Path) -> None:
    # POST /chatkit relies on check_room alone to answer 404 for a message to a foreign thread.
    class WithoutLimits(TinyDBStore):
        check_room = None  # a store that keeps no limits

    inner = WithoutLimits(tmp_path)
    alice, bob = RequestContext(user_id="alice"), RequestContext(user_id="bob")
    thread = ThreadMetadata(id="thr_alice", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    await inner.save_thread(thread, alice)
    view = ScopedStore(inner, "")
    await view.check_room("thr_alice", alice)
    await view.check_room(None, bob)  # a new thread: nothing to find
    with pytest.raises(NotFoundError):
        await view.check_room("thr_alice", bob)
