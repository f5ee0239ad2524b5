"""Types of widget action handlers, shared by use cases and the pages that render widgets."""

from collections.abc import Awaitable, Callable
from typing import Any

from chatkit.actions import ActionConfig

ClientActionHandler = Callable[[ActionConfig, dict[str, Any]], Awaitable[None] | None]
"""Client action handler (`handler="client"`), looked up by action type; may be sync or async."""
