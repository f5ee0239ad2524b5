"""Run a dependency's own code in place of the compat module's shortcut, for one block.

The compat tests compare a shortcut (chatkit_bridge/compat/) with the code it replaces: they
call the same function object twice, once with the shortcut's code and once with the
dependency's original code (kept by the compat module), so every caller sees the swap.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import CodeType
from typing import Any


@contextmanager
def running_code(target: Callable[..., Any], code: CodeType) -> Iterator[None]:
    """Give `target` the code `code` for the duration of the block, then restore its own.

    :param target: the function whose code is swapped (shared with every caller)
    :param code: the code to run meanwhile, e.g. the dependency's original
    """
    current = target.__code__
    # Swapping a function's code for itself would compare the dependency with itself.
    assert current is not code, f"{target.__qualname__} already runs that code: is the shortcut on?"
    target.__code__ = code
    try:
        yield
    finally:
        target.__code__ = current
