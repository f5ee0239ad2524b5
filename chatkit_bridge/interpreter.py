"""The contract between the generic offline model and a use case's rule-based brain."""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
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
    history: Sequence[Message] = ()
    """What was said before, oldest first (a tuple, or a sequence read when first used)."""
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


class Groups(Protocol):
    """The named parts of a command: a regex match, or a dict when one handler calls another."""

    def __getitem__(self, name: str, /) -> Any:
        """Return the text of one named part (None when it did not take part)."""
        ...


Handler = Callable[..., Step | None]
"""Turn a rule's match (and whatever the use case passes along, e.g. today's date) into a step;
None lets the next rule try."""


@dataclass(frozen=True)
class Rule:
    """One command of an offline interpreter, declared once.

    :param name: what the command is, for tests and logs.
    :param pattern: a regular expression the whole (cleaned) message must match, case-insensitive;
        its named groups reach the handler.
    :param handler: builds the tool calls or the reply from the match.
    :param examples: phrasings with the step they must produce; tests run every one.
    :param verbose: read `pattern` in `re.VERBOSE` mode (blanks and `#` comments ignored).
    """

    name: str
    pattern: str
    handler: Handler
    examples: Mapping[str, Step] = field(default_factory=dict)
    verbose: bool = False

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """Return the compiled pattern."""
        flags = re.IGNORECASE | re.DOTALL | (re.VERBOSE if self.verbose else 0)
        return re.compile(self.pattern, flags)

    def apply(self, text: str, *args: Any) -> Step | None:
        """Return the step for `text` if the pattern matches all of it and the handler accepts."""
        match = self.regex.fullmatch(text)
        return None if match is None else self.handler(match, *args)


def first_step(rules: Iterable[Rule], text: str, *args: Any) -> Step | None:
    """Return the step of the first rule that accepts `text`, or None."""
    for rule in rules:
        step = rule.apply(text, *args)
        if step is not None:
            return step
    return None


def call(name: str, **arguments: Any) -> tuple[ToolCall, ...]:
    """Build the step of one tool call (handy in rules and their examples)."""
    return (ToolCall(name, dict(arguments)),)
