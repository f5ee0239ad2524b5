"""The todo assistant's offline brain: English commands in, todo tool calls out.

Deterministic and rule-based: the first rule of `rules.RULES` whose pattern matches the whole
command decides the tool calls; this module splits a message into commands and joins their
calls. After the tools ran, their sentences become the reply. Text no rule understands gets a
friendly reply with examples, never a call that changes data.

References sent to the tools: a todo id ("todo_1a2b3c"), a 1-based position ("1", "2"),
"last" (the last todo of the list), "all", words of a title ("call mom"), and "last completed"
for a bare "undo": reopen the todo completed most recently.
"""

import logging
import re
from collections.abc import Callable, Iterable
from datetime import date

from chatkit_bridge.interpreter import Reply, Step, ToolCall, ToolResult, Turn, first_step
from use_cases.todo import phrases, vocab
from use_cases.todo.dates import split_due
from use_cases.todo.rules import RULES, UNDO_REFERENCE, add

logger = logging.getLogger(__name__)

MAX_COMMAND_CHARS = 20_000
__all__ = ["MAX_COMMAND_CHARS", "UNDO_REFERENCE", "TodoInterpreter", "summarize"]


_SENTENCE_END = re.compile(r"(?<=[.!?;]) (?=\S)")
# "add bread, then mark milk done": two commands. Split only outside quotes.
_THEN = re.compile(r",? (?:and )?then,? ", re.IGNORECASE)
# "add milk... I mean add oat milk": only what follows the last correction counts.
_CORRECTION = re.compile(r"^.*\b(?:i mean|i meant|no wait|correction)\b[ ,:!.]+(?=\S)", re.I | re.S)
_SMALL_TALK = {vocab.HELP_TEXT, vocab.THANKS_TEXT, vocab.EMPTY_TEXT}
_GREETING = re.compile(vocab.GREETING, re.IGNORECASE)
_THANKS = re.compile(vocab.THANKS, re.IGNORECASE)
_WANT = re.compile("^" + vocab.WANT_PREFIX + " (?=" + vocab.COMMAND_VERB + ")", re.IGNORECASE)


class TodoInterpreter:
    """Turn English todo commands into todo tool calls, and tool results into a reply."""

    def __init__(self, today: Callable[[], date] = date.today) -> None:
        """Read the current date from `today` (injectable for tests)."""
        self.today = today

    def next_step(self, turn: Turn) -> Step:
        """Return the tool calls for the user's text, or the reply once tools have run."""
        if turn.tool_results:
            return summarize(turn.tool_results)
        try:
            return self.parse(turn.user_text)
        except Exception:
            logger.exception("todo interpreter failed on a message")
            return Reply(vocab.FALLBACK_TEXT)

    def parse(self, text: str) -> Step:
        """Return the step for one user message."""
        text = phrases.normalize(text or "")
        if len(text) > MAX_COMMAND_CHARS:
            return Reply(vocab.TOO_LONG_TEXT)
        text = _CORRECTION.sub("", text, count=1)
        if not text.strip(" .!?,;:"):
            return Reply(vocab.EMPTY_TEXT)
        if "\n" in text:
            step = self._parse_lines(text.split("\n"))
            if step is not None:
                return step
        sentences = [
            part
            for sentence in _SENTENCE_END.split(text.replace("\n", " "))
            for part in _split_then(sentence)
        ]
        step = _join([self._parse_line(s) for s in sentences]) if len(sentences) > 1 else None
        return step or self._parse_line(text.replace("\n", " "))

    def _parse_lines(self, lines: list[str]) -> Step | None:
        """Read a bulleted list as titles, a "verb:" line over a list, or one command a line."""
        if all(phrases.is_bullet(line) for line in lines):
            return add(dict(payload="\n".join(lines), filler=""), self.today())
        head, body = lines[0], lines[1:]
        if head.endswith(":") or all(phrases.is_bullet(line) for line in body):
            items = "\n".join(phrases.strip_bullet(line) for line in body)
            return self._parse_line(f"{head.rstrip(':')}: {items}")
        steps = [self._parse_line(line) for line in lines]
        first, rest = steps[0], steps[1:]
        if isinstance(first, tuple) and _is_add(first) and all(isinstance(s, Reply) for s in rest):
            # "Add milk\neggs\nbread": the lines after an add are more titles.
            more = [
                phrases.clean(line)
                for line, s in zip(body, rest, strict=True)
                if not _is_small_talk(s)
            ]
            titles = [*first[0].arguments["titles"], *more]
            return (ToolCall("add_todos", {**first[0].arguments, "titles": titles}),)
        return _join(steps)

    def _parse_line(self, text: str) -> Step:
        """Run the rules on one command, politeness and a leading date taken off."""
        command = phrases.strip_politeness(text)
        for said in (phrases.clean(text), command):
            if _GREETING.fullmatch(said):
                return Reply(vocab.HELP_TEXT)
            if _THANKS.fullmatch(said):
                return Reply(vocab.THANKS_TEXT)
        if not command:
            return Reply(vocab.EMPTY_TEXT)
        today = self.today()
        step = _match_rules(command, today)
        if step is None:
            # "Tomorrow I need to call mom": the date comes first.
            rest, due = split_due(command, today)
            step = _match_rules(rest, today) if due is not None else None
            if isinstance(step, tuple) and _is_add(step) and "due" not in step[0].arguments:
                return (ToolCall("add_todos", {**step[0].arguments, "due": due.isoformat()}),)
            return Reply(vocab.FALLBACK_TEXT)
        return step


def summarize(results: Iterable[ToolResult]) -> Reply:
    """Join the sentences the tools returned into the turn's reply."""
    texts = list(dict.fromkeys(r.output.strip() for r in results if r.output.strip()))
    return Reply(" ".join(texts) or vocab.DONE_TEXT)


def _match_rules(command: str, today: date) -> Step | None:
    for variant in dict.fromkeys((_WANT.sub("", command, count=1), command)):
        step = first_step(RULES, variant, today)
        if step is not None:
            return step
    return None


def _split_then(sentence: str) -> list[str]:
    """Split "do this, then that" into commands, leaving quoted titles whole."""
    parts, start = [], 0
    for match in _THEN.finditer(sentence):
        if not phrases.opens_quote(sentence[: match.start()]):
            parts.append(sentence[start : match.start()])
            start = match.end()
    return [*parts, sentence[start:]]


def _merge_adds(calls: list[ToolCall]) -> tuple[ToolCall, ...]:
    """Merge neighbouring add_todos calls with the same due date into one."""
    merged: list[ToolCall] = []
    for call in calls:
        previous = merged[-1] if merged else None
        same_due = previous and previous.arguments.get("due") == call.arguments.get("due")
        if previous and same_due and previous.name == call.name == "add_todos":
            titles = [*previous.arguments["titles"], *call.arguments["titles"]]
            merged[-1] = ToolCall("add_todos", {**previous.arguments, "titles": titles})
        else:
            merged.append(call)
    return tuple(merged)


def _join(steps: list[Step]) -> Step | None:
    """Join the calls of several commands; None unless each is a command or small talk."""
    calls = [call for step in steps if isinstance(step, tuple) for call in step]
    if not calls or not all(isinstance(s, tuple) or _is_small_talk(s) for s in steps):
        return None
    return _merge_adds(calls)


def _is_add(step: tuple[ToolCall, ...]) -> bool:
    return len(step) == 1 and step[0].name == "add_todos"


def _is_small_talk(step: Step) -> bool:
    return isinstance(step, Reply) and step.text in _SMALL_TALK
