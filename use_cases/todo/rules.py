"""The todo assistant's offline commands, one `Rule` each: pattern, handler and examples.

The first rule (in `RULES` order) whose pattern matches the whole command and whose handler
accepts decides the tool calls. Every rule's examples run in tests/test_todo_rules.py with
today = `EXAMPLE_DAY`. A new command is one tool in tools.py plus one rule here (handlers in
handlers.py).
"""

from datetime import date

from chatkit_bridge.interpreter import Reply, Rule, call
from use_cases.todo import vocab
from use_cases.todo.handlers import (
    UNDO_REFERENCE,
    add,
    add_call,
    chore,
    clear_due,
    each,
    plan,
    plan_asked,
    refs,
    rename,
    reply,
    set_due,
    tool_call,
    undo,
)

__all__ = ["EXAMPLE_DAY", "RULES", "UNDO_REFERENCE", "add"]

EXAMPLE_DAY = date(2026, 11, 26)  # a Thursday: "tomorrow" is 2026-11-27, "friday" too
_REF = r"(?P<ref>.+?)"
_IS = r"(?:'s| is| are| was| were| has been| have been)"
V = vocab
LIST = call("list_todos")
RULES: tuple[Rule, ...] = (
    Rule("never mind", r"never ?mind|forget it|cancel(?: that| it)?|nothing|no|nope|stop",
         reply(V.NEVER_MIND_TEXT), {"never mind": Reply(V.NEVER_MIND_TEXT)}),
    Rule("show the list", "|".join(f"(?:{pattern})" for pattern in V.LIST_COMMANDS),
         tool_call("list_todos"), {"What's on my list?": LIST, "show me my todos": LIST,
                               "could you show me my list?": LIST}),
    Rule("plan a day, no plan given", V.PLAN + r"(?: (?:for |on )?(?P<when>.+))?",
         plan_asked, {"plan for tomorrow": Reply(V.PLAN_TEXT),
                       "plan my day": Reply(V.PLAN_TEXT), "plan friday": Reply(V.PLAN_TEXT)}),
    Rule("plan a day", r"(?:" + V.PLAN + r" )?(?:for |on )?(?P<when>[^:]+?) ?(?::|-|—) ?"
         r"(?P<payload>.+)", plan,
         {"Plan for tomorrow: call the plumber and buy bread":
              add_call("call the plumber", "buy bread", due="2026-11-27"),
          "friday: dentist, gym": add_call("dentist", "gym", due="2026-11-27")}),
    # Undo, bulk operations
    Rule("undo the last completion", V.UNDO, tool_call("reopen_todo", reference=UNDO_REFERENCE),
         {"undo": call("reopen_todo", reference=UNDO_REFERENCE)}),
    Rule("undo a completion", r"undo " + _REF, undo,
         {"undo milk": call("reopen_todo", reference="milk")}),
    Rule("clear completed", V.CLEAR_COMPLETED, tool_call("clear_completed"),
         {"clear completed": call("clear_completed"),
          "can you remove everything that's done?": call("clear_completed"),
          "delete all the ones I finished": call("clear_completed"),
          "clean out the things I finished": call("clear_completed")}),
    Rule("delete all", V.DELETE_ALL, tool_call("delete_todo", reference="all"),
         {"clear my list": call("delete_todo", reference="all")}),
    # Due dates
    Rule("remove a due date", r"(?:remove|clear|delete|drop|unset|reset|take off|get rid of) "
         r"(?:the |its )?" + V.DUE_WORDS + r" (?:of|from|for|on) " + _REF, clear_due,
         {"remove the due date of milk": call("set_due_date", reference="milk", due=None)}),
    Rule("no due date", _REF + r" (?:has|have|needs) no " + V.DUE_WORDS + r"(?: anymore)?",
         clear_due, {"milk has no deadline": call("set_due_date", reference="milk", due=None)}),
    Rule("set the due date of", r"(?:set|change|update|make|put|move|push|give) (?:the |a )?"
         + V.DUE_WORDS + r" (?:of|for|on) (?P<ref>.+) (?:to|as|for|on|at) (?P<date>.+)",
         set_due(strict=True),
         {"set the due date of milk to friday":
              call("set_due_date", reference="milk", due="2026-11-27")}),
    Rule("set X's due date", r"(?:set|change|update|make|give) " + _REF + r"(?:'s|s')? "
         + V.DUE_WORDS + r"(?: (?:to|as|for|on|at|=)|:)? (?P<date>.+)", set_due(strict=True),
         {"set milk's deadline to tomorrow":
              call("set_due_date", reference="milk", due="2026-11-27")}),
    Rule("X is due", r"(?P<ref>.+) (?:is|are) (?:now |actually )?due (?P<date>.+)",
         set_due(strict=True),
         {"milk is due friday": call("set_due_date", reference="milk", due="2026-11-27")}),
    Rule("X should be done by", _REF + r" (?:should|must|needs to|has to) be (?:done|finished|"
         r"completed) (?P<date>.+)", set_due(strict=False),
         {"the report should be done by friday":
              call("set_due_date", reference="report", due="2026-11-27")}),
    Rule("move X to a day", r"(?:move|postpone|push|push back|reschedule|defer|delay|shift|bump"
         r"|change) (?P<ref>.+) (?:to|until|till|for|on|by) (?P<date>.+)", set_due(strict=False),
         {"move finish report to friday":
              call("set_due_date", reference="finish report", due="2026-11-27")}),
    # Renaming
    Rule("rename a quoted todo", r"(?:rename|retitle|reword|relabel|rephrase|change|edit|update"
         r"|modify|correct|fix|replace) (?P<ref>\"[^\"]+\"|“[^”]+”|'[^']+') (?:to|into|as|with"
         r"|->|→|=>) (?P<new>.+)", rename,
         {'rename "milk to go" to oat milk':
              call("rename_todo", reference="milk to go", new_title="oat milk")}),
    Rule("change the title of", r"(?:change|update|set|edit|fix) (?:the )?(?:name|title|text"
         r"|wording) (?:of|for) " + _REF + r" (?:to|into|as) (?P<new>.+)", rename,
         {"change the title of 2 to call dad":
              call("rename_todo", reference="2", new_title="call dad")}),
    Rule("rename", r"(?:rename|retitle|reword|relabel|rephrase|change|edit|update|modify|correct"
         r"|fix|replace) " + _REF + r" (?:to|into|as|with|->|→|=>) (?P<new>.+)", rename,
         {"rename call mom to call mom and dad":
              call("rename_todo", reference="call mom", new_title="call mom and dad")}),
    # Reopening (before completing: "mark X as not done" must not read as "mark X as done")
    Rule("reopen", V.REOPEN_VERBS + " " + _REF, each("reopen_todo"),
         {"reopen 2": refs("reopen_todo", "2")}),
    Rule("mark X not done", r"mark " + _REF + r" (?:as )?" + V.NOT_DONE_WORDS,
         each("reopen_todo"),
         {"please mark milk as not done": refs("reopen_todo", "milk")}),
    Rule("X is not done", _REF + r"(?:'s| is| are| was)? (?:not|isn't|isnt|aren't|wasn't) "
         r"(?:done|finished|complete|completed)(?: yet| after all)?", each("reopen_todo", True),
         {"milk isn't done": refs("reopen_todo", "milk")}),
    Rule("I didn't finish X", r"(?:(?:i|we) )?(?:didn't|did not|didnt|haven't|have not|havent"
         r"|never) (?:actually |really )?(?:finish|finished|complete|completed|do|done) " + _REF
         + r"(?: yet| after all)?", each("reopen_todo"),
         {"I didn't finish the report": refs("reopen_todo", "report")}),
    Rule("I haven't done the chore", r"(?:(?:i|we) )?(?:didn't|did not|didnt|haven't|have not"
         r"|havent|never) (?:actually |really )?(?P<verb>[a-z]+) " + _REF
         + r"(?: yet| after all| at all)?", chore("reopen_todo", past_only=False),
         {"I haven't called the bank yet": call("reopen_todo", reference="call the bank"),
          "we didn't pay rent after all": call("reopen_todo", reference="pay rent")}),
    # Completing
    Rule("mark X done", r"mark " + _REF + r" (?:as )?" + V.DONE_WORDS, each("complete_todo"),
         {"mark 1 and 3 as done": refs("complete_todo", "1", "3")}),
    Rule("check X off", r"(?:check|tick|cross|strike) " + _REF + r" off(?: (?:my|the) list)?",
         each("complete_todo"), {"check milk off": refs("complete_todo", "milk")}),
    Rule("complete X", V.COMPLETE_VERBS + " " + _REF, each("complete_todo"),
         {"complete buy milk": refs("complete_todo", "buy milk"),
          "tick off walk the dog": refs("complete_todo", "walk the dog")}),
    Rule("I finished X", r"(?:(?:i|we)(?:'ve| have|'m| am)?(?: just| already| finally| now)* )?"
         r"(?:finished|completed|done with|did|bought|paid|sent)(?: with)? " + _REF,
         each("complete_todo"),
         {"I finished the groceries": refs("complete_todo", "groceries")}),
    Rule("X is done", _REF + _IS + r" (?:now |already |all |finally )?(?:done|finished|completed"
         r"|complete|checked off|taken care of|sorted)", each("complete_todo", True),
         {"milk is done": refs("complete_todo", "milk")}),
    # Not after a negation: "..., it's not done" must never tick anything.
    Rule("X done", _REF + r"(?<! not)(?<!n't)(?<! never) (?:done|finished|completed)",
         each("complete_todo", True), {"milk done": refs("complete_todo", "milk")}),
    Rule("done: X", r"done:? " + _REF, each("complete_todo"),
         {"done: milk": refs("complete_todo", "milk")}),
    # Deleting
    Rule("take X off the list", r"take " + _REF + r" off (?:my|the) (?:todo |to-do )?list",
         each("delete_todo"), {"take milk off my list": refs("delete_todo", "milk")}),
    Rule("delete X", V.DELETE_VERBS + " " + _REF, each("delete_todo"),
         {"Remove the call mom task": refs("delete_todo", "call mom"),
          "remove pay rent and email Sam": refs("delete_todo", "pay rent", "email Sam")}),
    Rule("X is not needed", _REF + r" (?:is|are) (?:no longer needed|not needed(?: anymore)?"
         r"|cancell?ed)", each("delete_todo", loose=True),
         {"milk is no longer needed": refs("delete_todo", "milk")}),
    Rule("a verb without a todo", r"(?:" + "|".join((V.DELETE_VERBS, V.COMPLETE_VERBS,
         V.REOPEN_VERBS)) + r"|mark|rename)", reply(V.WHICH_TEXT),
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
         chore("complete_todo"),
         {"walked the dog": call("complete_todo", reference="walk the dog"),
          "we just emailed the landlord": call("complete_todo", reference="email the landlord"),
          "wrote the invitation": call("complete_todo", reference="write the invitation"),
          "washed the car and paid the rent":
              refs("complete_todo", "wash the car", "pay the rent")}),
    Rule("the chore has been done", _REF + r" (?:has|have|is|are|was|were)(?: just| now| already"
         r"| finally)?(?: been)? (?P<verb>[a-z]+)", lambda m, today: chore("complete_todo")(
             dict(verb=m["verb"], ref=m["ref"]), today),
         {"the plants have been watered": call("complete_todo", reference="water the plants"),
          "the car is washed": call("complete_todo", reference="wash the car")}),
)  # fmt: skip
