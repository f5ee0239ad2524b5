"""What the todo rules do with a match: build tool calls or a reply (see rules.py)."""

import re
from datetime import date

from chatkit_bridge.interpreter import Groups, Handler, Reply, Step, ToolCall, call
from use_cases.todo import phrases, vocab
from use_cases.todo.dates import parse_date, split_due
from use_cases.todo.matching import stem

UNDO_REFERENCE = "last completed"
QUOTE_CHARS = set('"“”«»')
_NO_DATE = re.compile(r"(?:none|nothing|no date|no due date|no deadline|never|empty|blank)", re.I)
# Subjects that "X is done" must not turn into references ("I'm done", "all done").
_NOT_A_TODO = {"i", "i'm", "im", "i am", "we", "we're", "we are", "you", "all", "it", "that"}
_TASK_STEMS = {stem(verb): verb for verb in sorted(vocab.TASK_VERBS)}
_CHORE_JOIN = re.compile(r",? and |, ", re.IGNORECASE)
# Verbs of commands to this assistant: "I added milk" reports no finished chore.
_COMMAND_STEMS = frozenset(stem(verb) for verb in vocab.NOT_CHORE_VERBS.split())


def reply(text: str) -> Handler:
    """Answer with `text`, whatever matched."""
    return lambda _match, _today: Reply(text)


def tool_call(name: str, **arguments: object) -> Handler:
    """Call one tool with fixed arguments, whatever matched."""
    return lambda _match, _today: call(name, **arguments)


def each(tool: str, loose: bool = False) -> Handler:
    """Call `tool` once per todo the match names; `loose` rules give up on vague subjects."""

    def handle(match: Groups, _today: date) -> Step | None:
        found = phrases.references(match["ref"])
        if loose and (found is None or any(ref.lower() in _NOT_A_TODO for ref in found)):
            return None
        if found is None:
            return Reply(vocab.WHICH_TEXT)
        return tuple(ToolCall(tool, {"reference": ref}) for ref in found)

    return handle


def chore(tool: str, past_only: bool = True) -> Handler:
    """Call `tool` on chores named by their verb ("walked the dog" → "walk the dog").

    Several chores joined by "and" or commas ("walked the dog and bought milk") each get a call
    when every part starts with a chore verb.

    :param past_only: accept only past forms ("walked", "wrote"): a bare "buy milk" is not news.
    """

    def handle(match: Groups, _today: date) -> Step | None:
        text = f"{match['verb']} {phrases.clean(match['ref'])}"
        parts = _CHORE_JOIN.split(text)
        if len(parts) > 1 and not all(_chore_verb(p.split(" ", 1)[0], past_only) for p in parts):
            parts = [text]
        names = []
        for part in parts:
            verb, _, rest = part.partition(" ")
            base = _chore_verb(verb, past_only)
            ref = phrases.reference(f"{base} {rest}") if base and rest.strip() else None
            if ref is None:
                return None
            names.append(ref)
        return refs(tool, *names)

    return handle


def _chore_verb(verb: str, past_only: bool) -> str | None:
    """Return the plain chore verb of a word ("wrote" → "write"), or None if it is none."""
    verb = verb.lower()
    base = vocab.IRREGULAR_PAST.get(verb, verb)
    if past_only and base == verb and not verb.endswith("ed"):
        return None
    if stem(base) not in _TASK_STEMS or stem(base) in _COMMAND_STEMS:
        return None
    return _TASK_STEMS[stem(base)]


def undo(match: Groups, today: date) -> Step | None:
    """Reopen what "undo X" names, or the todo completed last."""
    ref = phrases.reference(match["ref"])
    if ref is None or ref == "last":
        return call("reopen_todo", reference=UNDO_REFERENCE)
    return each("reopen_todo")(match, today)


def set_due(strict: bool) -> Handler:
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
        return call("set_due_date", reference=ref, due=due and due.isoformat())

    return handle


def clear_due(match: Groups, _today: date) -> Step | None:
    """Remove the due date of the todo the match names."""
    ref = phrases.reference(match["ref"])
    if ref is None:
        return Reply(vocab.WHICH_TEXT)
    return call("set_due_date", reference=ref, due=None)


def rename(match: Groups, today: date) -> Step | None:
    """Rename a todo; a new "title" that is a date moves it instead."""
    new_title = phrases.clean(match["new"])
    if parse_date(new_title, today) is not None:  # "change X to friday" moves it
        return set_due(strict=True)(dict(ref=match["ref"], date=new_title), today)
    ref = phrases.reference(match["ref"])
    if ref is None:
        return Reply(vocab.WHICH_TEXT)
    if not new_title:
        return Reply("What should the new title be?")
    return call("rename_todo", reference=ref, new_title=new_title)


def add(match: Groups, today: date) -> Step | None:
    """Add the titles after an add verb, each with its own due date if it names one."""
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
        title, own_due = (title, None) if QUOTE_CHARS & set(payload) else split_due(title, today)
        by_due.setdefault(own_due or due, []).append(title)
    return tuple(
        ToolCall("add_todos", {"titles": group} | ({"due": day.isoformat()} if day else {}))
        for day, group in by_due.items()
    )


def plan_asked(match: Groups, today: date) -> Step | None:
    """Ask what to plan when "plan for <day>" names a day but no todos."""
    when = match["when"]
    if when is not None and parse_date(phrases.clean(when), today) is None:
        return None
    return Reply(vocab.PLAN_TEXT)


def plan(match: Groups, today: date) -> Step | None:
    """Add what is planned for a day ("tomorrow: call mom, buy milk"), due that day."""
    day = parse_date(phrases.clean(match["when"]), today)
    if day is None:
        return None
    titles = phrases.titles(phrases.trim(match["payload"]))
    if not titles:
        return Reply(vocab.PLAN_TEXT)
    return call("add_todos", titles=titles, due=day.isoformat())


def add_call(*titles: str, due: str | None = None) -> tuple[ToolCall, ...]:
    """Build the expected add_todos step of an example."""
    return call("add_todos", titles=list(titles), **({"due": due} if due else {}))


def refs(tool: str, *references: str) -> tuple[ToolCall, ...]:
    """Build one call of `tool` per reference."""
    return tuple(ToolCall(tool, {"reference": ref}) for ref in references)
