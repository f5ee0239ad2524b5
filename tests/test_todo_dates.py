"""Due dates in todo commands: phrases read as days, and a date split off a title."""

from datetime import date

import pytest

from tests.todo_commands import TODAY
from use_cases.todo.dates import parse_date, split_due


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("today", date(2026, 11, 26)),
        ("tomorrow", date(2026, 11, 27)),
        ("the day after tomorrow", date(2026, 11, 28)),
        ("on friday", date(2026, 11, 27)),
        ("by monday", date(2026, 11, 30)),
        ("thursday", date(2026, 12, 3)),  # today is Thursday: the next one
        ("next friday", date(2026, 11, 27)),
        ("next week", date(2026, 11, 30)),
        ("this weekend", date(2026, 11, 28)),
        ("end of the week", date(2026, 11, 27)),
        ("next month", date(2026, 12, 1)),
        ("end of the month", date(2026, 11, 30)),
        ("in 3 days", date(2026, 11, 29)),
        ("in a week", date(2026, 12, 3)),
        ("in a couple of days", date(2026, 11, 28)),
        ("in 2 months", date(2027, 1, 26)),
        ("2026-12-24", date(2026, 12, 24)),
        ("Dec 24", date(2026, 12, 24)),
        ("December 24th, 2027", date(2027, 12, 24)),
        ("24 December", date(2026, 12, 24)),
        ("the 24th of Dec", date(2026, 12, 24)),
        ("Nov 1", date(2027, 11, 1)),  # already past this year
        ("the 5th", date(2026, 12, 5)),
        ("due on friday", date(2026, 11, 27)),
        ("Feb 30", None),
        ("2026-13-45", None),
        ("soonish", None),
    ],
)
def test_parse_date(phrase: str, expected: date | None) -> None:
    assert parse_date(phrase, TODAY) == expected


def test_split_due_keeps_dates_inside_titles() -> None:
    assert split_due("call mom tomorrow", TODAY) == ("call mom", date(2026, 11, 27))
    assert split_due("tomorrow: call mom", TODAY) == ("call mom", date(2026, 11, 27))
    assert split_due("plan friday party", TODAY) == ("plan friday party", None)
    assert split_due("tomorrow", TODAY) == ("tomorrow", None)
