"""Turn the free text of a command into todo titles and todo references.

Titles keep the user's characters as typed (emoji, quotes, markup); only surrounding blanks and
trailing sentence punctuation go. References are what the todo tools match against: a todo id,
a 1-based position ("1", "last"), "all", or words of a title.
"""

import re
from collections.abc import Iterable

from use_cases.todo import vocab

_FLAGS = re.IGNORECASE
_POLITE_START = re.compile("^" + vocab.POLITE_START, _FLAGS)
_POLITE_END = re.compile(vocab.POLITE_END, _FLAGS)
_SPACES = re.compile(r"[^\S\n]+")
_BULLET = re.compile(r"^(?:[-*•·▪◦‣–—+>]|\d{1,3}[.)]|\[[ xX]?\]) ?")
_QUOTES = {'"': '"', "“": "”", "'": "'", "‘": "’", "«": "»", "`": "`", "„": "“"}
_QUOTED = re.compile(r'"([^"\n]+)"|“([^”\n]+)”|«([^»\n]+)»')
_TRAILING = " \t\n.!?,;:"
_TODO_ID = re.compile(r"\btodo_[0-9a-f]{6}\b", _FLAGS)
_ALL = re.compile(vocab.ALL_WORDS, _FLAGS)
_LEAD = re.compile(vocab.REFERENCE_LEAD, _FLAGS)
_TAIL = re.compile(vocab.REFERENCE_TAIL, _FLAGS)
_NUMBER = re.compile(r"(?:number |no\.? ?|#|item |task |todo |position |nr\.? ?)?(\d{1,4})", _FLAGS)
_ORDINAL = re.compile(r"(" + "|".join(vocab.ORDINALS) + r")(?: one)?", _FLAGS)
_LAST = re.compile(r"(?:very )?(?:last|bottom|final)(?: one)?|last added|newest", _FLAGS)
_TOP = re.compile(r"top(?: one)?", _FLAGS)
_ARTICLE = re.compile(r"(?:the|my) ", _FLAGS)
_COMMA = re.compile(r" ?[,;] ?")
_AND = re.compile(r" (?:and|&|\+|plus) ", _FLAGS)
_LEADING_AND = re.compile(r"^(?:and|&|or|plus) ", _FLAGS)
_COUNTED = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+|few|several)\b", _FLAGS
)


def strip_politeness(text: str) -> str:
    """Take "please", "could you", "thanks" and the like off both ends of a command."""
    previous = None
    while previous != text:
        previous = text
        text = clean(_POLITE_END.sub("", _POLITE_START.sub("", text, count=1)))
    return text


def normalize(text: str) -> str:
    """Collapse blanks inside lines and drop empty lines, keeping line breaks."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def trim(text: str) -> str:
    """Strip blanks and trailing sentence punctuation ("call mom!" → "call mom")."""
    return text.strip().rstrip(_TRAILING).strip()


def clean(text: str) -> str:
    """Strip blanks, trailing sentence punctuation and quotes that wrap the whole text."""
    text = trim(text)
    if len(text) > 2 and _QUOTES.get(text[0]) == text[-1] and text[0] not in text[1:-1]:
        return text[1:-1].strip()
    return text


def is_bullet(line: str) -> bool:
    """Tell whether a line is a list entry: "- milk", "* milk", "1. milk", "[ ] milk"."""
    return bool(_BULLET.match(line)) and bool(_BULLET.sub("", line, count=1).strip())


def strip_bullet(line: str) -> str:
    """Remove list markers from the start of a line ("- [ ] milk" → "milk")."""
    previous = None
    while previous != line:
        previous, line = line, _BULLET.sub("", line, count=1).strip()
    return line


def titles(payload: str, counted: bool = False) -> list[str]:
    """Split what follows "add" into todo titles.

    Lines and quoted strings are always separate titles. Commas and semicolons separate titles,
    as does an "and" after the last comma. Without commas, "and"/"&" split only when it clearly
    is a list: every part is one word ("milk and eggs"), each later part starts with a task verb
    ("buy milk and call mom"), or the user gave a count ("add two tasks: ...").
    """
    if "\n" in payload:
        return _nonempty(strip_bullet(line) for line in payload.split("\n"))
    quoted = _QUOTED.findall(payload)
    if quoted and not _COMMA.sub("", _AND.sub("", _QUOTED.sub("", payload))).strip(" ,;&."):
        return _nonempty("".join(groups) for groups in quoted)
    payload = clean(payload)
    if _COMMA.search(payload):
        *head, last = _COMMA.split(payload)
        parts = [*head, *_AND.split(_LEADING_AND.sub("", last.strip()))]
        return _nonempty(_LEADING_AND.sub("", part.strip()) for part in parts)
    parts = _AND.split(payload)
    if len(parts) > 1 and (
        counted
        or all(" " not in part.strip() for part in parts)
        or all(part.split(" ", 1)[0].lower() in vocab.TASK_VERBS for part in parts[1:])
    ):
        return _nonempty(parts)
    return _nonempty([payload])


def is_counted(filler: str) -> bool:
    """Tell whether an "add" filler announces several titles ("three tasks:")."""
    return bool(_COUNTED.search(filler))


def reference(text: str) -> str | None:
    """Turn the words naming a todo into a tool reference; None for "it"/"that" or nothing."""
    text = clean(text)
    todo_id = _TODO_ID.search(text)
    if todo_id:
        return todo_id.group(0)
    if _ALL.fullmatch(text):
        return "all"
    previous = None
    while previous != text:
        previous = text
        text = clean(_TAIL.sub("", _LEAD.sub("", text, count=1), count=1))
    if _ALL.fullmatch(text):
        return "all"
    if number := _NUMBER.fullmatch(text):
        return str(int(number.group(1))) if int(number.group(1)) > 0 else None
    if ordinal := _ORDINAL.fullmatch(text):
        return str(vocab.ORDINALS[ordinal.group(1).lower()])
    if _LAST.fullmatch(text):
        return "last"
    if _TOP.fullmatch(text):
        return "1"
    if not text or text.lower() in vocab.PRONOUNS:
        return None
    return text


def references(text: str) -> list[str] | None:
    """Split "1 and 3" or "milk, eggs" into references; None if any part names nothing."""
    if "\n" in text:
        parts = [strip_bullet(line) for line in text.split("\n")]
    elif _COMMA.search(text):
        *head, last = _COMMA.split(clean(text))
        parts = [*head, *_AND.split(_LEADING_AND.sub("", last.strip()))]
    else:
        # "1 and 3", "the report and the slides" name several todos; "salt and pepper" one.
        parts = _AND.split(text)
        several = (
            all(_is_position(reference(part)) for part in parts)
            or all(_ARTICLE.match(part) for part in parts[1:])
            or all(_starts_with_task_verb(part) for part in parts)
        )
        if len(parts) > 1 and not several:
            parts = [text]
    refs = [reference(_LEADING_AND.sub("", part.strip())) for part in parts if part.strip()]
    if not refs or any(ref is None for ref in refs):
        return None
    return list(dict.fromkeys(ref for ref in refs if ref is not None))


def opens_quote(text: str) -> bool:
    """Tell whether `text` ends inside a quotation (an opening quote not yet closed)."""
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


def _starts_with_task_verb(part: str) -> bool:
    words = part.strip().split(" ", 1)
    return len(words) == 2 and words[0].lower() in vocab.TASK_VERBS


def _is_position(ref: str | None) -> bool:
    return ref is not None and (ref.isdigit() or ref == "last" or ref.startswith("todo_"))


def _nonempty(parts: Iterable[str]) -> list[str]:
    return [title for title in (clean(part) for part in parts) if title]
