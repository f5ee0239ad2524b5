"""The todo agent's instructions name today's date, and a new day's run gets the new date."""

from datetime import date

from use_cases.todo.agent import todo_instructions


def test_the_instructions_follow_the_date_from_one_day_to_the_next() -> None:
    days = [date(2026, 11, 30)]
    instructions = todo_instructions(lambda: days[-1])

    first = instructions(None, None)  # type: ignore[arg-type]  # neither is read
    assert "Today is Monday 2026-11-30; tomorrow is 2026-12-01." in first
    assert instructions(None, None) is first  # type: ignore[arg-type]  # written once a day

    days.append(date(2026, 12, 1))
    second = instructions(None, None)  # type: ignore[arg-type]
    assert "Today is Tuesday 2026-12-01; tomorrow is 2026-12-02." in second
    assert "2026-11-30" not in second
