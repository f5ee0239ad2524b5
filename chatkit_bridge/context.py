"""The per-request context shared by the ChatKit server, the store and the tools."""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestContext:
    """Who is asking. The store reads `user_id` and nothing else."""

    user_id: str
    extras: dict[str, Any] = field(default_factory=dict)
