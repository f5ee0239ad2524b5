"""The contract between the generic offline model and a use case's rule-based brain."""

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ToolCall:
    """A tool the interpreter wants the agent to run."""

    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ToolResult:
    """A tool call made earlier in this turn, with the text the tool returned."""

    name: str
    arguments: dict[str, Any]
    output: str


@dataclass(frozen=True)
class Message:
    """An earlier message of the conversation, as plain text."""

    role: str  # "user" or "assistant"
    text: str


@dataclass(frozen=True)
class Turn:
    """What the interpreter sees when the model is asked for its next step."""

    user_text: str
    history: tuple[Message, ...] = ()
    tool_results: tuple[ToolResult, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Reply:
    """The final text of the turn."""

    text: str


Step = Reply | tuple[ToolCall, ...]


class Interpreter(Protocol):
    """Decide the next step of a turn: run tools, or reply with text."""

    def next_step(self, turn: Turn) -> Step:
        """Return tool calls to run, or the reply that ends the turn."""
        ...
