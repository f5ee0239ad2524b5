"""The todo assistant's offline commands, one `Rule` each: pattern, handler and examples.

The first rule (in `RULES` order) whose pattern matches the whole command and whose handler
accepts decides the tool calls. Every rule's examples run in tests/test_todo_rules.py with
today = `EXAMPLE_DAY`. A new command is one tool in tools.py plus one rule here.
"""

import re
from datetime import date

from chatkit_bridge.interpreter import Groups, Handler, Reply, Rule, Step, ToolCall, call
from use_cases.todo import phrases, vocab
from use_cases.todo.data import stem
from use_cases.todo.dates import parse_date, split_due

EXAMPLE_DAY = date(2026, 11, 26)  # a Thursday: "tomorrow" is 2026-11-27, "friday" too
UNDO_REFERENCE = "last completed"
QUOTE_CHARS = set('"“”«»')
_NO_DATE = re.compile(r"(?:none|nothing|no date|no due date|no deadline|never|empty|blank)", re.I)
# Subjects that "X is done" must not turn into references ("I'm done", "all done").
_NOT_A_TODO = {"i", "i'm", "im", "i am", "we", "we're", "we are", "you", "all", "it", "that"}
_TASK_STEMS = {stem(verb): verb for verb in sorted(vocab.TASK_VERBS)}
_CHORE_JOIN = re.compile(r",? and |, ", re.IGNORECASE)
# Verbs of commands to this assistant: "I added milk" reports no finished chore.
_COMMAND_STEMS = frozenset(stem(verb) for verb in vocab.NOT_CHORE_VERBS.split())


def _reply(text: str) -> Handler:
    return lambda _match, _today: Reply(text)


def _call(name: str, **arguments: object) -> Handler:
    return lambda _match, _today: call(name, **arguments)


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


def _chore(tool: str, past_only: bool = True) -> Handler:
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
        refs = []
        for part in parts:
            verb, _, rest = part.partition(" ")
            base = _chore_verb(verb, past_only)
            ref = phrases.reference(f"{base} {rest}") if base and rest.strip() else None
            if ref is None:
                return None
            refs.append(ref)
        return _refs(tool, *refs)

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


def _undo(match: Groups, today: date) -> Step | None:
    ref = phrases.reference(match["ref"])
    if ref is None or ref == "last":
        return call("reopen_todo", reference=UNDO_REFERENCE)
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
        return call("set_due_date", reference=ref, due=due and due.isoformat())

    return handle


def _clear_due(match: Groups, _today: date) -> Step | None:
    ref = phrases.reference(match["ref"])
    if ref is None:
        return Reply(vocab.WHICH_TEXT)
    return call("set_due_date", reference=ref, due=None)


def _rename(match: Groups, today: date) -> Step | None:
    new_title = phrases.clean(match["new"])
    if parse_date(new_title, today) is not None:  # "change X to friday" moves it
        return _set_due(strict=True)(dict(ref=match["ref"], date=new_title), today)
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


def _plan_asked(match: Groups, today: date) -> Step | None:
    """Ask what to plan when "plan for <day>" names a day but no todos."""
    when = match["when"]
    if when is not None and parse_date(phrases.clean(when), today) is None:
        return None
    return Reply(vocab.PLAN_TEXT)


def _plan(match: Groups, today: date) -> Step | None:
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


def _refs(tool: str, *references: str) -> tuple[ToolCall, ...]:
    return tuple(ToolCall(tool, {"reference": ref}) for ref in references)


_REF = r"(?P<ref>.+?)"
_IS = r"(?:'s| is| are| was| were| has been| have been)"
V = vocab
LIST = call("list_todos")
RULES: tuple[Rule, ...] = (
    Rule("never mind", r"never ?mind|forget it|cancel(?: that| it)?|nothing|no|nope|stop",
         _reply(V.NEVER_MIND_TEXT), {"never mind": Reply(V.NEVER_MIND_TEXT)}),
    Rule("show the list", "|".join(f"(?:{pattern})" for pattern in V.LIST_COMMANDS),
         _call("list_todos"), {"What's on my list?": LIST, "show me my todos": LIST,
                               "could you show me my list?": LIST}),
    Rule("plan a day, no plan given", V.PLAN + r"(?: (?:for |on )?(?P<when>.+))?",
         _plan_asked, {"plan for tomorrow": Reply(V.PLAN_TEXT),
                       "plan my day": Reply(V.PLAN_TEXT), "plan friday": Reply(V.PLAN_TEXT)}),
    Rule("plan a day", r"(?:" + V.PLAN + r" )?(?:for |on )?(?P<when>[^:]+?) ?(?::|-|—) ?"
         r"(?P<payload>.+)", _plan,
         {"Plan for tomorrow: call the plumber and buy bread":
              add_call("call the plumber", "buy bread", due="2026-11-27"),
          "friday: dentist, gym": add_call("dentist", "gym", due="2026-11-27")}),
    # Undo, bulk operations
    Rule("undo the last completion", V.UNDO, _call("reopen_todo", reference=UNDO_REFERENCE),
         {"undo": call("reopen_todo", reference=UNDO_REFERENCE)}),
    Rule("undo a completion", r"undo " + _REF, _undo,
         {"undo milk": call("reopen_todo", reference="milk")}),
    Rule("clear completed", V.CLEAR_COMPLETED, _call("clear_completed"),
         {"clear completed": call("clear_completed"),
          "can you remove everything that's done?": call("clear_completed"),
          "delete all the ones I finished": call("clear_completed"),
          "clean out the things I finished": call("clear_completed")}),
    Rule("delete all", V.DELETE_ALL, _call("delete_todo", reference="all"),
         {"clear my list": call("delete_todo", reference="all")}),
    # Due dates
    Rule("remove a due date", r"(?:remove|clear|delete|drop|unset|reset|take off|get rid of) "
         r"(?:the |its )?" + V.DUE_WORDS + r" (?:of|from|for|on) " + _REF, _clear_due,
         {"remove the due date of milk": call("set_due_date", reference="milk", due=None)}),
    Rule("no due date", _REF + r" (?:has|have|needs) no " + V.DUE_WORDS + r"(?: anymore)?",
         _clear_due, {"milk has no deadline": call("set_due_date", reference="milk", due=None)}),
    Rule("set the due date of", r"(?:set|change|update|make|put|move|push|give) (?:the |a )?"
         + V.DUE_WORDS + r" (?:of|for|on) (?P<ref>.+) (?:to|as|for|on|at) (?P<date>.+)",
         _set_due(strict=True),
         {"set the due date of milk to friday":
              call("set_due_date", reference="milk", due="2026-11-27")}),
    Rule("set X's due date", r"(?:set|change|update|make|give) " + _REF + r"(?:'s|s')? "
         + V.DUE_WORDS + r"(?: (?:to|as|for|on|at|=)|:)? (?P<date>.+)", _set_due(strict=True),
         {"set milk's deadline to tomorrow":
              call("set_due_date", reference="milk", due="2026-11-27")}),
    Rule("X is due", r"(?P<ref>.+) (?:is|are) (?:now |actually )?due (?P<date>.+)",
         _set_due(strict=True),
         {"milk is due friday": call("set_due_date", reference="milk", due="2026-11-27")}),
    Rule("X should be done by", _REF + r" (?:should|must|needs to|has to) be (?:done|finished|"
         r"completed) (?P<date>.+)", _set_due(strict=False),
         {"the report should be done by friday":
              call("set_due_date", reference="report", due="2026-11-27")}),
    Rule("move X to a day", r"(?:move|postpone|push|push back|reschedule|defer|delay|shift|bump"
         r"|change) (?P<ref>.+) (?:to|until|till|for|on|by) (?P<date>.+)", _set_due(strict=False),
         {"move finish report to friday":
              call("set_due_date", reference="finish report", due="2026-11-27")}),
    # Renaming
    Rule("rename a quoted todo", r"(?:rename|retitle|reword|relabel|rephrase|change|edit|update"
         r"|modify|correct|fix|replace) (?P<ref>\"[^\"]+\"|“[^”]+”|'[^']+') (?:to|into|as|with"
         r"|->|→|=>) (?P<new>.+)", _rename,
         {'rename "milk to go" to oat milk':
              call("rename_todo", reference="milk to go", new_title="oat milk")}),
    Rule("change the title of", r"(?:change|update|set|edit|fix) (?:the )?(?:name|title|text"
         r"|wording) (?:of|for) " + _REF + r" (?:to|into|as) (?P<new>.+)", _rename,
         {"change the title of 2 to call dad":
              call("rename_todo", reference="2", new_title="call dad")}),
    Rule("rename", r"(?:rename|retitle|reword|relabel|rephrase|change|edit|update|modify|correct"
         r"|fix|replace) " + _REF + r" (?:to|into|as|with|->|→|=>) (?P<new>.+)", _rename,
         {"rename call mom to call mom and dad":
              call("rename_todo", reference="call mom", new_title="call mom and dad")}),
    # Reopening (before completing: "mark X as not done" must not read as "mark X as done")
    Rule("reopen", V.REOPEN_VERBS + " " + _REF, _each("reopen_todo"),
         {"reopen 2": _refs("reopen_todo", "2")}),
    Rule("mark X not done", r"mark " + _REF + r" (?:as )?" + V.NOT_DONE_WORDS,
         _each("reopen_todo"),
         {"please mark milk as not done": _refs("reopen_todo", "milk")}),
    Rule("X is not done", _REF + r"(?:'s| is| are| was)? (?:not|isn't|isnt|aren't|wasn't) "
         r"(?:done|finished|complete|completed)(?: yet| after all)?", _each("reopen_todo", True),
         {"milk isn't done": _refs("reopen_todo", "milk")}),
    Rule("I didn't finish X", r"(?:(?:i|we) )?(?:didn't|did not|didnt|haven't|have not|havent"
         r"|never) (?:actually |really )?(?:finish|finished|complete|completed|do|done) " + _REF
         + r"(?: yet| after all)?", _each("reopen_todo"),
         {"I didn't finish the report": _refs("reopen_todo", "report")}),
    Rule("I haven't done the chore", r"(?:(?:i|we) )?(?:didn't|did not|didnt|haven't|have not"
         r"|havent|never) (?:actually |really )?(?P<verb>[a-z]+) " + _REF
         + r"(?: yet| after all| at all)?", _chore("reopen_todo", past_only=False),
         {"I haven't called the bank yet": call("reopen_todo", reference="call the bank"),
          "we didn't pay rent after all": call("reopen_todo", reference="pay rent")}),
    # Completing
    Rule("mark X done", r"mark " + _REF + r" (?:as )?" + V.DONE_WORDS, _each("complete_todo"),
         {"mark 1 and 3 as done": _refs("complete_todo", "1", "3")}),
    Rule("check X off", r"(?:check|tick|cross|strike) " + _REF + r" off(?: (?:my|the) list)?",
         _each("complete_todo"), {"check milk off": _refs("complete_todo", "milk")}),
    Rule("complete X", V.COMPLETE_VERBS + " " + _REF, _each("complete_todo"),
         {"complete buy milk": _refs("complete_todo", "buy milk"),
          "tick off walk the dog": _refs("complete_todo", "walk the dog")}),
    Rule("I finished X", r"(?:(?:i|we)(?:'ve| have|'m| am)?(?: just| already| finally| now)* )?"
         r"(?:finished|completed|done with|did|bought|paid|sent)(?: with)? " + _REF,
         _each("complete_todo"),
         {"I finished the groceries": _refs("complete_todo", "groceries")}),
    Rule("X is done", _REF + _IS + r" (?:now |already |all |finally )?(?:done|finished|completed"
         r"|complete|checked off|taken care of|sorted)", _each("complete_todo", True),
         {"milk is done": _refs("complete_todo", "milk")}),
    # Not after a negation: "..., it's not done" must never tick anything.
    Rule("X done", _REF + r"(?<! not)(?<!n't)(?<! never) (?:done|finished|completed)",
         _each("complete_todo", True), {"milk done": _refs("complete_todo", "milk")}),
    Rule("done: X", r"done:? " + _REF, _each("complete_todo"),
         {"done: milk": _refs("complete_todo", "milk")}),
    # Deleting
    Rule("take X off the list", r"take " + _REF + r" off (?:my|the) (?:todo |to-do )?list",
         _each("delete_todo"), {"take milk off my list": _refs("delete_todo", "milk")}),
    Rule("delete X", V.DELETE_VERBS + " " + _REF, _each("delete_todo"),
         {"Remove the call mom task": _refs("delete_todo", "call mom"),
          "remove pay rent and email Sam": _refs("delete_todo", "pay rent", "email Sam")}),
    Rule("X is not needed", _REF + r" (?:is|are) (?:no longer needed|not needed(?: anymore)?"
         r"|cancell?ed)", _each("delete_todo", loose=True),
         {"milk is no longer needed": _refs("delete_todo", "milk")}),
    Rule("a verb without a todo", r"(?:" + "|".join((V.DELETE_VERBS, V.COMPLETE_VERBS,
         V.REOPEN_VERBS)) + r"|mark|rename)", _reply(V.WHICH_TEXT),
         {"delete": Reply(V.WHICH_TEXT)}),
    # Adding
    Rule("add", V.ADD_VERBS + r"(?:(?::? |:)(?P<filler>" + V.ADD_FILLER
         + r")?(?P<payload>.*))?", add,
         {"Add three tasks: buy groceries, finish report, and call mom":
              add_call("buy groceries", "finish report", "call mom"),
          "I need to call mom tomorrow": add_call("call mom", due="2026-11-27"),
          'add "read chapter 3" and "write summary"':
              add_call("read chapter 3", "write summary")}),
    # Chores reported done, after adding: "I've got to X" is an add
    Rule("I did the chore", r"(?:(?:i|we)(?:'ve| have)? )?(?:(?:just|already|finally|also) )*"
         r"(?P<verb>[a-z]+) " + _REF + r"(?: today| already| just now| at last)?",
         _chore("complete_todo"),
         {"walked the dog": call("complete_todo", reference="walk the dog"),
          "we just emailed the landlord": call("complete_todo", reference="email the landlord"),
          "wrote the invitation": call("complete_todo", reference="write the invitation"),
          "washed the car and paid the rent":
              _refs("complete_todo", "wash the car", "pay the rent")}),
    Rule("the chore has been done", _REF + r" (?:has|have|is|are|was|were)(?: just| now| already"
         r"| finally)?(?: been)? (?P<verb>[a-z]+)", lambda m, today: _chore("complete_todo")(
             dict(verb=m["verb"], ref=m["ref"]), today),
         {"the plants have been watered": call("complete_todo", reference="water the plants"),
          "the car is washed": call("complete_todo", reference="wash the car")}),
)  # fmt: skip
