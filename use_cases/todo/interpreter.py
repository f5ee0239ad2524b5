"""The todo assistant's offline brain: English commands in, todo tool calls out.

Deterministic and rule-based: the first rule of `RULES` whose pattern matches the whole command
decides the tool calls. After the tools ran, their sentences become the reply. Text no rule
understands gets a friendly reply with examples, never a call that changes data.

References sent to the tools: a todo id ("todo_1a2b3c"), a 1-based position ("1", "2"),
"last" (the last todo of the list), "all", words of a title ("call mom"), and "last completed"
for a bare "undo": reopen the todo completed most recently.
"""

import logging
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, Protocol

from chatkit_bridge.interpreter import Reply, Step, ToolCall, ToolResult, Turn
from use_cases.todo import phrases, vocab
from use_cases.todo.dates import parse_date, split_due

logger = logging.getLogger(__name__)

MAX_COMMAND_CHARS = 20_000
UNDO_REFERENCE = "last completed"


class Groups(Protocol):
    """The named parts of a command: a regex match, or a dict when one handler calls another."""

    def __getitem__(self, name: str, /) -> Any:
        """Return the text of one named part (None when it did not take part)."""
        ...


Handler = Callable[[Groups, date], Step | None]
_SENTENCE_END = re.compile(r"(?<=[.!?;]) (?=\S)")
_SMALL_TALK = {vocab.HELP_TEXT, vocab.THANKS_TEXT, vocab.EMPTY_TEXT}
_QUOTE_CHARS = set('"“”«»')
_NO_DATE = re.compile(r"(?:none|nothing|no date|no due date|no deadline|never|empty|blank)", re.I)
# Subjects that "X is done" must not turn into references ("I'm done", "all done").
_NOT_A_TODO = {"i", "i'm", "im", "i am", "we", "we're", "we are", "you", "all", "it", "that"}


def _reply(text: str) -> Handler:
    return lambda _match, _today: Reply(text)


def _call(name: str, **arguments: object) -> Handler:
    return lambda _match, _today: (ToolCall(name, dict(arguments)),)


def _each(tool: str, loose: bool = False) -> Handler:
    """Call `tool` once per todo the match names; `loose` rules give up on vague subjects."""

    def handle(match: Groups, _today: date) -> Step | None:
        refs = phrases.references(match["ref"])
        if loose and (refs is None or any(ref.lower() in _NOT_A_TODO for ref in refs)):
            return None
        if refs is None:
            return Reply(vocab.WHICH_TEXT)
        return tuple(ToolCall(tool, {"reference": ref}) for ref in refs)

    return handle


def _undo(match: Groups, today: date) -> Step | None:
    ref = phrases.reference(match["ref"])
    if ref is None or ref == "last":
        return (ToolCall("reopen_todo", {"reference": UNDO_REFERENCE}),)
    return _each("reopen_todo")(match, today)


def _set_due(strict: bool) -> Handler:
    """Set a due date; `strict` rules (that said "due") explain a date they cannot read."""

    def handle(match: Groups, today: date) -> Step | None:
        words = phrases.clean(match["date"])
        due = None if _NO_DATE.fullmatch(words) else parse_date(words, today)
        if due is None and not _NO_DATE.fullmatch(words):
            if not strict:
                return None
            return Reply(f'I couldn\'t read the date "{words}". Try "tomorrow", "friday", '
                         '"Dec 24" or "2026-12-24".')  # fmt: skip
        ref = phrases.reference(match["ref"])
        if ref is None:
            return Reply(vocab.WHICH_TEXT)
        return (ToolCall("set_due_date", {"reference": ref, "due": due and due.isoformat()}),)

    return handle


def _clear_due(match: Groups, _today: date) -> Step | None:
    ref = phrases.reference(match["ref"])
    if ref is None:
        return Reply(vocab.WHICH_TEXT)
    return (ToolCall("set_due_date", {"reference": ref, "due": None}),)


def _rename(match: Groups, today: date) -> Step | None:
    new_title = phrases.clean(match["new"])
    if parse_date(new_title, today) is not None:  # "change X to friday" moves it
        return _set_due(strict=True)(dict(ref=match["ref"], date=new_title), today)
    ref = phrases.reference(match["ref"])
    if ref is None:
        return Reply(vocab.WHICH_TEXT)
    if not new_title:
        return Reply("What should the new title be?")
    return (ToolCall("rename_todo", {"reference": ref, "new_title": new_title}),)


def _add(match: Groups, today: date) -> Step | None:
    payload = re.sub(r"^" + vocab.LIST_PREFIX, "", match["payload"] or "", flags=re.I)
    payload = re.sub(vocab.LIST_SUFFIX, "", phrases.trim(payload), flags=re.I)
    payload, due = split_due(payload, today)
    payload = re.sub(vocab.LIST_SUFFIX, "", payload, flags=re.I)
    titles = phrases.titles(payload, counted=phrases.is_counted(match["filler"] or ""))
    if not titles:
        return Reply(vocab.WHAT_TO_ADD_TEXT)
    # A date inside one title of a list is that title's own ("milk tomorrow, call mom friday");
    # quoted titles are taken literally.
    by_due: dict[date | None, list[str]] = {}
    for title in titles:
        title, own_due = (title, None) if _QUOTE_CHARS & set(payload) else split_due(title, today)
        by_due.setdefault(own_due or due, []).append(title)
    return tuple(
        ToolCall("add_todos", {"titles": group} | ({"due": day.isoformat()} if day else {}))
        for day, group in by_due.items()
    )


_REF = r"(?P<ref>.+?)"
_IS = r"(?:'s| is| are| was| were| has been| have been)"
V = vocab
RULES: tuple[tuple[str, Handler], ...] = (
    (r"never ?mind|forget it|cancel(?: that| it)?|nothing|no|nope|stop", _reply(V.NEVER_MIND_TEXT)),
    # Listing
    *((pattern, _call("list_todos")) for pattern in V.LIST_COMMANDS),
    # Undo, bulk operations
    (V.UNDO, _call("reopen_todo", reference=UNDO_REFERENCE)),
    (r"undo " + _REF, _undo),
    (V.CLEAR_COMPLETED, _call("clear_completed")),
    (V.DELETE_ALL, _call("delete_todo", reference="all")),
    # Due dates
    (r"(?:remove|clear|delete|drop|unset|reset|take off|get rid of) (?:the |its )?"
     + V.DUE_WORDS + r" (?:of|from|for|on) " + _REF, _clear_due),
    (_REF + r" (?:has|have|needs) no " + V.DUE_WORDS + r"(?: anymore)?", _clear_due),
    (r"(?:set|change|update|make|put|move|push|give) (?:the |a )?" + V.DUE_WORDS
     + r" (?:of|for|on) (?P<ref>.+) (?:to|as|for|on|at) (?P<date>.+)", _set_due(strict=True)),
    (r"(?:set|change|update|make|give) " + _REF + r"(?:'s|s')? " + V.DUE_WORDS
     + r"(?: (?:to|as|for|on|at|=)|:)? (?P<date>.+)", _set_due(strict=True)),
    (r"(?P<ref>.+) (?:is|are) (?:now |actually )?due (?P<date>.+)", _set_due(strict=True)),
    (_REF + r" (?:should|must|needs to|has to) be (?:done|finished|completed) (?P<date>.+)",
     _set_due(strict=False)),
    (r"(?:move|postpone|push|push back|reschedule|defer|delay|shift|bump|change)"
     r" (?P<ref>.+) (?:to|until|till|for|on|by) (?P<date>.+)", _set_due(strict=False)),
    # Renaming
    (r"(?:rename|retitle|reword|relabel|rephrase|change|edit|update|modify|correct|fix|replace)"
     r" (?P<ref>\"[^\"]+\"|“[^”]+”|'[^']+') (?:to|into|as|with|->|→|=>) (?P<new>.+)", _rename),
    (r"(?:change|update|set|edit|fix) (?:the )?(?:name|title|text|wording) (?:of|for) " + _REF
     + r" (?:to|into|as) (?P<new>.+)", _rename),
    (r"(?:rename|retitle|reword|relabel|rephrase|change|edit|update|modify|correct|fix|replace) "
     + _REF + r" (?:to|into|as|with|->|→|=>) (?P<new>.+)", _rename),
    # Reopening (before completing: "mark X as not done" must not read as "mark X as done")
    (V.REOPEN_VERBS + " " + _REF, _each("reopen_todo")),
    (r"mark " + _REF + r" (?:as )?" + V.NOT_DONE_WORDS, _each("reopen_todo")),
    (_REF + r"(?:'s| is| are| was)? (?:not|isn't|isnt|aren't|wasn't) (?:done|finished|complete|"
     r"completed)(?: yet| after all)?", _each("reopen_todo", loose=True)),
    (r"i (?:didn't|did not|didnt|haven't|have not|havent) (?:actually )?(?:finish|finished|"
     r"complete|completed|do|done) " + _REF + r"(?: yet| after all)?", _each("reopen_todo")),
    # Completing
    (r"mark " + _REF + r" (?:as )?" + V.DONE_WORDS, _each("complete_todo")),
    (r"(?:check|tick|cross|strike) " + _REF + r" off(?: (?:my|the) list)?", _each("complete_todo")),
    (V.COMPLETE_VERBS + " " + _REF, _each("complete_todo")),
    (r"(?:(?:i|we)(?:'ve| have|'m| am)?(?: just| already| finally| now)* )?(?:finished|completed|"
     r"done with|did|bought|paid|sent)(?: with)? " + _REF, _each("complete_todo")),
    (_REF + _IS + r" (?:now |already |all |finally )?(?:done|finished|completed|complete|checked"
     r" off|taken care of|sorted)", _each("complete_todo", loose=True)),
    (_REF + r" (?:done|finished|completed)", _each("complete_todo", loose=True)),
    (r"done:? " + _REF, _each("complete_todo")),
    # Deleting
    (r"take " + _REF + r" off (?:my|the) (?:todo |to-do )?list", _each("delete_todo")),
    (V.DELETE_VERBS + " " + _REF, _each("delete_todo")),
    (_REF + r" (?:is|are) (?:no longer needed|not needed(?: anymore)?|cancell?ed)",
     _each("delete_todo", loose=True)),
    (r"(?:" + "|".join((V.DELETE_VERBS, V.COMPLETE_VERBS, V.REOPEN_VERBS)) + r"|mark|rename)",
     _reply(V.WHICH_TEXT)),
    # Adding
    (V.ADD_VERBS + r"(?:(?::? |:)(?P<filler>" + V.ADD_FILLER + r")?(?P<payload>.*))?", _add),
)  # fmt: skip
_COMPILED = tuple((re.compile(p, re.IGNORECASE | re.DOTALL), h) for p, h in RULES)
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
        if not text.strip(" .!?,;:"):
            return Reply(vocab.EMPTY_TEXT)
        if "\n" in text:
            step = self._parse_lines(text.split("\n"))
            if step is not None:
                return step
        sentences = _SENTENCE_END.split(text.replace("\n", " "))
        step = _join([self._parse_line(s) for s in sentences]) if len(sentences) > 1 else None
        return step or self._parse_line(text.replace("\n", " "))

    def _parse_lines(self, lines: list[str]) -> Step | None:
        """Read a bulleted list as titles, a "verb:" line over a list, or one command a line."""
        if all(phrases.is_bullet(line) for line in lines):
            return _add(dict(payload="\n".join(lines), filler=""), self.today())
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
        for pattern, handler in _COMPILED:
            match = pattern.fullmatch(variant)
            if match:
                step = handler(match, today)
                if step is not None:
                    return step
    return None


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
