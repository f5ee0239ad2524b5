"""A use case's view of the store scopes every call that names a user."""

import inspect

import pytest

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
