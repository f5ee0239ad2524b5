"""The words of the todo interpreter: verbs, fillers, ordinals and its canned replies.

Patterns are regex fragments matched case-insensitively against text whose runs of spaces were
collapsed to one space, so a literal " " stands for any horizontal whitespace.
"""

GREETING = (
    r"(?:hi|hello|hey|hiya|howdy|yo|good (?:morning|afternoon|evening)|greetings|help|help me|"
    r"what can you do|what do you do|what can i (?:say|do|ask)|how does (?:this|it) work|"
    r"how do i use (?:this|you|it)|commands|menu|options|start|who are you)(?: there)?(?: please)?"
)
THANKS = (
    r"(?:thanks|thank you|thx|ty|cheers|great|cool|nice|awesome|perfect|ok|okay|good|got it)"
    r"(?: thanks| thank you)?(?: (?:a lot|so much|very much))?"
)
# Politeness around a command; stripped repeatedly from both ends before the rules run.
POLITE_START = (
    r"(?:please|pls|plz|kindly|hey|hi|hello|hiya|howdy|yo|greetings|good (?:morning|afternoon|"
    r"evening)|(?:oops|whoops|sorry|actually)(?=[ ,!.:]+\S)|"
    r"morning|(?:hi|hello|hey|yo) there|ok|okay|so|also|and|now|oh|um|hmm|well|just|"
    r"could you|can you|would you|will you|would you mind|could you please|can you please|"
    r"i'd like you to|i would like you to|i want you to|go ahead and|quickly)\b[ ,!.:]*"
)
POLITE_END = (
    r"[ ,!.]*\b(?:please|pls|plz|for me|thanks|thanks a lot|thank you|thank you very much|"
    r"thx|ty|cheers|asap)$"
)
# "I'd like to" / "let's" before a command verb ("I'd like to delete milk" → "delete milk").
WANT_PREFIX = (
    r"(?:i'd like to|i would like to|i want to|i wanna|let's|lets|let me|can i|could i|"
    r"may i|help me|i need you to)"
)
COMMAND_VERB = (
    r"(?:add|put|create|show|list|see|view|display|delete|remove|drop|rename|change|mark|"
    r"move|clear|complete|check|tick|reopen|uncheck|set|reschedule|postpone)\b"
)

ADD_VERBS = (
    r"(?:add|put|create|insert|include|append|jot down|jot|write down|note down|note|save|"
    r"make(?: a)?(?: new)? (?:task|todo|to-do|reminder|note)(?: to| for| called| named)?|"
    r"new (?:task|todo|to-do|item|reminder)|todo|to-do|task|schedule|plan|"
    r"remember to|remind me to|remember|i need to|i have to|i've got to|i got to|i gotta|"
    r"gotta|i must|i should|need to|have to|i want to|i'd like to|i would like to|"
    r"(?:don't|dont|do not) (?:let me )?forget to|(?:don't|dont|do not) let me forget)"
)
# What may follow the verb before the titles: "add [three new tasks called]: ...".
ADD_FILLER = (
    r"(?:(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+|these|the following|"
    r"a few|some|a couple of|couple of|several|multiple|few|more) )?(?:new )?"
    r"(?:tasks?|todos?|to-dos?|items?|things?|reminders?|entries|entry)"
    r"(?: (?:called|named|titled|to|for|saying))?|these|the following)(?:[ ]?[:\-—] ?| |$)"
)
LIST_SUFFIX = (
    r"[ ,]+(?:to|on|onto|in|into|for)(?: my| the)?(?: todo| to-do| task| shopping)?"
    r" (?:list|todos|to-dos|tasks)$"
)
LIST_PREFIX = r"(?:to|on|onto|in|into)(?: my| the)?(?: todo| to-do| task)? (?:list|todos)[ ]?:? ?"

# Questions and orders that mean "show my list" (matched against the whole command).
LIST_COMMANDS = (
    r"(?:(?:i (?:need|want|would like|'d like) to|let me|can i|could i|may i) )?"
    r"(?:show|list|display|view|see|print|give|get|read|check|look at|pull up|bring up)"
    r"(?: me| out| up)?(?: (?:all|all of|every|both))?(?: (?:my|the|our|your|current|open|"
    r"pending|remaining|outstanding|completed|finished|done|active|whole|full))*(?: (?:todos?|"
    r"to-dos?|tasks?|items?|list|todo list|to-do list|task list|things|stuff|everything|agenda|"
    r"things to do|reminders))?(?: (?:for|due|on|this|today|tomorrow) ?.*)?",
    r"what(?:'s|s| is| are| do i have| have i got)? (?:on|in) (?:my|the) (?:todo |to-do |task )?"
    r"(?:list|agenda|plate)(?: .+)?",
    r"what(?:'s|s| is| are)? (?:left|remaining|pending|next|outstanding|due|open|up)(?: .+)?",
    r"what (?:do|should|must|can) i (?:have|need|still have|still need|got|do)(?: to do| left)?"
    r"(?: .+)?",
    r"what are my (?:todos?|tasks?|to-dos?|items)(?: .+)?",
    r"(?:(?:my|all|the|all my) )?(?:todos?|to-dos?|tasks?|todo list|to-do list|list|pending|"
    r"agenda)(?: (?:for|due|on|this|today|tomorrow) ?.*)?",
    r"(?:is there )?anything (?:left|pending|to do|due)(?: .+)?",
    r"how many (?:todos|tasks|items|things)(?: .+)?",
)
CLEAR_COMPLETED = (
    r"(?:clear|remove|delete|drop|purge|clean up|clean out|get rid of|archive|hide|trash|erase)"
    r"(?: all)?(?: of)?(?: the| my)? (?:done|completed|finished|checked|checked off|ticked|old)"
    r"(?: ones| todos| tasks| items| to-dos| stuff)?|clean up(?: (?:my|the) (?:list|todos))?"
)
CLEAR_COMPLETED += (
    r"|(?:clear|clear out|clean out|clean up|remove|delete|drop|purge|get rid of|trash|erase"
    r"|archive) (?:all |every )?(?:everything|(?:of )?the ones|ones|those|anything"
    r"|(?:the |my )?(?:todos|tasks|items|to-dos|stuff|things)"
    r"|one)(?: (?:that's|that is|that are|that were|which are|which is|i've|i have|i|we've|we"
    r"|that i've|that i|you've|you))? (?:already |have been |been |now )?(?:done|completed"
    r"|finished|checked off|ticked off|did|marked done|marked as done)"
)
DELETE_ALL = (
    r"(?:clear|delete|remove|empty|wipe|erase|reset)(?: out)?(?: (?:all(?: of)?|the whole|"
    r"my whole|my entire|the entire))?(?: my| the)?(?: todo| to-do| task)? (?:list|todos|"
    r"to-dos|tasks|everything|all)"
)
COMPLETE_VERBS = (
    r"(?:complete|finish|finished|completed|check off|tick off|tick|cross off|cross out|"
    r"strike off|strike|close|done with|finished with|i'm done with|im done with|"
    r"i am done with|i'm finished with|got done with|i got done with)"
)
DONE_WORDS = r"(?:done|complete|completed|finished|checked|checked off|ticked|ticked off)"
NOT_DONE_WORDS = (
    r"(?:not done|undone|not complete|not completed|incomplete|uncompleted|unfinished|"
    r"not finished|open|pending|active|unchecked|not checked|to do|todo)"
)
REOPEN_VERBS = r"(?:reopen|re-open|uncheck|untick|unmark|uncomplete|un-complete|restore|revert)"
# Planning a day: "plan for tomorrow: ..." adds due that day; a bare "plan my day" asks what.
PLAN = (
    r"(?:plan|planning|plans|my plan|the plan|agenda|schedule)(?: out)?(?: (?:my|the|our))?"
    r"(?: (?:day|week|morning|evening))?"
)
UNDO = r"(?:undo|oops|undo that|undo it|undo the last one|undo last|undo the last)"
DELETE_VERBS = (
    r"(?:remove|delete|del|drop|erase|trash|discard|cancel|scratch|get rid of|forget about|"
    r"ditch|nix|axe)"
)
DUE_WORDS = r"(?:due date|due-date|duedate|deadline|due)"

# Words around a reference that carry no meaning for matching ("the call mom task" → "call mom").
REFERENCE_LEAD = r"^(?:the|my|a|an|that|this|those|these|todo|task|item)\b ?"
REFERENCE_TAIL = (
    r"(?: (?:task|todo|to-do|item|one|entry|reminder)s?| (?:from|off|on|in) (?:my|the)"
    r"(?: todo| to-do| task)? (?:list|todos)| too| as well)$"
)
ALL_WORDS = (
    r"(?:all|all of them|all of it|everything|every (?:task|todo|item|one)|everyone|"
    r"them all|all (?:my |the |of my |of the )?(?:todos|tasks|items|to-dos|things))"
)
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3,
    "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8, "9th": 9, "10th": 10,
}  # fmt: skip
PRONOUNS = {"it", "that", "this", "them", "those", "these", "one", "that one", "this one"}
# Verbs that start a new title after "and" when no comma says it is a list.
_TASK_VERB_WORDS = """
    ask book bring buy call cancel check clean cook do draft drop email feed file finish fix
    get go hang help invite learn mail make meet mow order pack pay pick plan post prepare
    print read renew reply return review run schedule see sell send ship sign start study
    submit take talk text update visit walk wash watch water write
"""
TASK_VERBS = frozenset(_TASK_VERB_WORDS.split())
# Past forms that are not the verb plus "ed" ("wrote the summary" names "write summary").
IRREGULAR_PAST = {
    "wrote": "write", "written": "write", "bought": "buy", "paid": "pay", "sent": "send",
    "did": "do", "done": "do", "made": "make", "took": "take", "taken": "take", "went": "go",
    "gone": "go", "ran": "run", "got": "get", "gotten": "get", "read": "read", "fed": "feed",
    "hung": "hang", "met": "meet", "sold": "sell", "saw": "see", "seen": "see", "brought":
    "bring", "mown": "mow", "drew": "draw", "drawn": "draw", "swept": "sweep", "built": "build",
}  # fmt: skip
# Verbs of requests to the assistant: "I added milk" reports no chore done.
NOT_CHORE_VERBS = "add put create delete remove mark rename move clear need want plan note save"

EXAMPLES = (
    '- "Add buy groceries, finish report and call mom"\n'
    '- "I need to call mom tomorrow"\n'
    '- "Show me my todos"\n'
    '- "I finished the groceries" or "Mark the first one as done"\n'
    '- "Rename call mom to call mom and dad"\n'
    '- "Move finish report to friday"\n'
    '- "Remove the call mom task" or "Clear completed"'
)
HELP_TEXT = "Hi! I keep your todo list. You can say things like:\n" + EXAMPLES
FALLBACK_TEXT = "Sorry, I didn't understand that. Here is what I can do:\n" + EXAMPLES
EMPTY_TEXT = "What would you like to do? For example:\n" + EXAMPLES
TOO_LONG_TEXT = "That message is too long for me. Please send one short command at a time."
THANKS_TEXT = "👍 Anything else for your list?"
WHICH_TEXT = 'Which todo do you mean? Name it, e.g. "complete call mom" or "delete the first one".'
PLAN_TEXT = (
    'What is the plan? Tell me the day and the todos, for example: "Plan for tomorrow: call mom, '
    'buy milk".'
)
WHAT_TO_ADD_TEXT = 'What should I add? For example: "Add buy groceries".'
NEVER_MIND_TEXT = "Okay, I left your list as it is."
DONE_TEXT = "Done."
