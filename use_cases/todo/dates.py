"""Due-date phrases in English: find them in a sentence and turn them into dates.

Meanings (relative to `today`):
- "today", "tonight", "this evening" → today; "tomorrow" → today + 1; "the day after tomorrow" → +2.
- A weekday ("friday", "on friday", "by next friday") → its next occurrence after today
  (1 to 7 days ahead: said on a Friday, "friday" is a week later). "this"/"next"/"coming"
  all mean that next occurrence.
- "next week" → next Monday; "this weekend" → the coming Saturday (today if it is Saturday);
  "end of the week" → the coming Friday; "next month" → the 1st of next month;
  "end of the month" → its last day.
- "in 3 days", "in a week", "in two weeks", "in a month".
- "2026-12-24"; "Dec 24", "December 24th, 2027", "24 December", "the 24th of Dec":
  without a year, the next such date that is not in the past.
- "the 5th" → the next 5th of a month that is not in the past.
A leading "due", "by", "on", "for", "until", "before" belongs to the phrase.
"""

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3, "few": 3,
}  # fmt: skip

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,? (?P<year>\d{4}))?"
_COUNT = r"(?P<count>\d{1,3}|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + ")"
_PREFIX = (
    r"(?:(?:due(?: date)?|deadline|by|on|for|until|till|before|no later than)"
    r"(?: (?:on|by|is))?:? )?"
)
_Resolver = Callable[[re.Match[str], date], date | None]


def _plus(days: int) -> _Resolver:
    return lambda _match, today: today + timedelta(days=days)


def _weekday(match: re.Match[str], today: date) -> date:
    target = WEEKDAYS.index(match["weekday"].lower())
    return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)


def _on_or_after(weekday: int) -> _Resolver:
    return lambda _match, today: today + timedelta(days=(weekday - today.weekday()) % 7)


def _next_week(_match: re.Match[str], today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _next_month(_match: re.Match[str], today: date) -> date:
    return _add_months(today.replace(day=1), 1)


def _end_of_month(_match: re.Match[str], today: date) -> date:
    return today.replace(day=calendar.monthrange(today.year, today.month)[1])


def _in(match: re.Match[str], today: date) -> date | None:
    count_text = match["count"].lower()
    count = int(count_text) if count_text.isdigit() else NUMBERS[count_text]
    unit = match["unit"].lower()
    if unit.startswith("month"):
        return _add_months(today, count)
    return today + timedelta(days=count * (7 if unit.startswith("week") else 1))


def _iso(match: re.Match[str], today: date) -> date | None:
    return date.fromisoformat(match[0])


def _day_month(match: re.Match[str], today: date) -> date | None:
    month, day = MONTHS[match["month"].lower()], int(match["day"])
    if match["year"]:
        return date(int(match["year"]), month, day)
    candidate = date(today.year, month, day) if _valid(today.year, month, day) else None
    if candidate is None or candidate < today:
        return date(today.year + 1, month, day)
    return candidate


def _day_of_month(match: re.Match[str], today: date) -> date | None:
    day = int(match["day"])
    for months in range(0, 12):
        first = _add_months(today.replace(day=1), months)
        if _valid(first.year, first.month, day) and date(first.year, first.month, day) >= today:
            return date(first.year, first.month, day)
    return None


def _valid(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


_RULES: tuple[tuple[str, _Resolver], ...] = (
    (r"today|tonight|this (?:morning|afternoon|evening)|later today|end of (?:the )?day", _plus(0)),
    (r"(?:the )?day after tomorrow", _plus(2)),
    (r"tomorrow(?: (?:morning|afternoon|evening|night))?|tmrw", _plus(1)),
    (r"(?:(?:this|next|coming|this coming) )?(?P<weekday>" + "|".join(WEEKDAYS) + ")", _weekday),
    (r"next week", _next_week),
    (r"(?:this |the |next )?weekend", _on_or_after(5)),
    (r"(?:the )?end of (?:the |this )?week", _on_or_after(4)),
    (r"next month", _next_month),
    (r"(?:the )?end of (?:the |this )?month", _end_of_month),
    (r"in " + _COUNT + r" (?P<unit>days?|weeks?|months?)", _in),
    (r"\d{4}-\d{2}-\d{2}", _iso),
    (r"(?:the )?" + _DAY + r"(?: of)? " + _MONTH + _YEAR, _day_month),
    (_MONTH + " " + _DAY + _YEAR, _day_month),
    (r"the (?P<day>\d{1,2})(?:st|nd|rd|th)", _day_of_month),
)
_COMPILED = tuple((re.compile(pattern, re.IGNORECASE), resolve) for pattern, resolve in _RULES)
_PHRASE = "(?:" + "|".join(pattern for pattern, _ in _RULES) + ")"
# Named groups repeat across the alternatives: strip them for the combined search patterns.
_PHRASE = re.sub(r"\(\?P<\w+>", "(?:", _PHRASE)
# Searched from a separator to the very end (not "rest, separator, phrase" as one pattern) so a
# long run of spaces cannot make the regex engine backtrack quadratically.
_TIME = r"(?: (?:at|@) (?:\d{1,2}(?:[:.]\d{2})? ?(?:am|pm|a\.m\.|p\.m\.|h)?|noon|midnight))"
_AT_END = re.compile(
    r"[ ,](?P<phrase>" + _PREFIX + _PHRASE + r")(?P<time>" + _TIME + r")?$", re.IGNORECASE
)
_AT_START = re.compile(r"(?P<phrase>" + _PREFIX + _PHRASE + r")[ ,:]", re.IGNORECASE)
_PREFIX_RE = re.compile(_PREFIX, re.IGNORECASE)


def parse_date(text: str, today: date) -> date | None:
    """Return the date a whole phrase like "by friday" or "Dec 24" means, or None."""
    phrase = text.strip().rstrip(".!?").strip()
    phrase = phrase[_PREFIX_RE.match(phrase).end() :]  # type: ignore[union-attr]
    for pattern, resolve in _COMPILED:
        match = pattern.fullmatch(phrase)
        if match:
            try:
                return resolve(match, today)
            except (ValueError, OverflowError):
                return None  # "Feb 30", "9999-99-99": not a date after all
    return None


def split_due(text: str, today: date) -> tuple[str, date | None]:
    """Split a trailing (or leading) due phrase off a title: ("call mom", tomorrow).

    A time after a trailing date stays in the title: "call mom tomorrow at 5pm" gives
    ("call mom at 5pm", tomorrow), since todos have a due day but no due time.
    """
    text = text.strip()
    end, start = _AT_END.search(text), _AT_START.match(text)
    candidates = (
        (end, end and text[: end.start()] + (end["time"] or "")),
        (start, start and text[start.end() :]),
    )
    for match, rest in candidates:
        if match and rest and rest.strip(" ,:"):
            due = parse_date(match["phrase"], today)
            if due is not None:
                return rest.strip(" ,:"), due
    return text, None
