"""English todo commands and the tool calls they mean: the todo interpreter's test tables.

Relative dates are read as on `TODAY`.
"""

from datetime import date
from typing import Any

from use_cases.todo.interpreter import UNDO_REFERENCE

TODAY = date(2026, 11, 26)  # a Thursday


def add(*titles: str, due: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    """Build the expected add_todos call."""
    arguments: dict[str, Any] = {"titles": list(titles)}
    if due is not None:
        arguments["due"] = due
    return [("add_todos", arguments)]


def one(tool: str, reference: str) -> list[tuple[str, dict[str, Any]]]:
    """Build one expected call that takes a reference."""
    return [(tool, {"reference": reference})]


def rename(reference: str, new_title: str) -> list[tuple[str, dict[str, Any]]]:
    """Build the expected rename_todo call."""
    return [("rename_todo", {"reference": reference, "new_title": new_title})]


def due(reference: str, day: str | None) -> list[tuple[str, dict[str, Any]]]:
    """Build the expected set_due_date call."""
    return [("set_due_date", {"reference": reference, "due": day})]


LIST = [("list_todos", {})]
SEED_COMMANDS = [
    ("Add buy groceries to my list", add("buy groceries")),
    ("I need to call mom tomorrow", add("call mom", due="2026-11-27")),
    (
        "Add three tasks: buy groceries, finish report, and call mom",
        add("buy groceries", "finish report", "call mom"),
    ),
    ("Show me my todos", LIST),
    ("Show my todos", LIST),
    ("What's on my list?", LIST),
    ("I finished the grocery shopping", one("complete_todo", "grocery shopping")),
    ("I finished the groceries", one("complete_todo", "groceries")),
    ("Mark todo_abc123 as complete", one("complete_todo", "todo_abc123")),
    ("Remove the call mom task", one("delete_todo", "call mom")),
    ("Delete todo_abc123", one("delete_todo", "todo_abc123")),
]


ADD_VARIANTS = [
    ("add milk", add("milk")),
    ("Create a new task called water the plants", add("water the plants")),
    ("put walk the dog on my list", add("walk the dog")),
    ("remember to water the plants", add("water the plants")),
    ("Remind me to pay rent", add("pay rent")),
    ("I have to pay rent", add("pay rent")),
    ("I've got to renew my passport", add("renew my passport")),
    ("don't let me forget to renew passport", add("renew passport")),
    ("Don't forget to call grandma", add("call grandma")),
    ("new task: book flights", add("book flights")),
    ("todo: call mom", add("call mom")),
    ("I want to learn piano", add("learn piano")),
    ("please add milk", add("milk")),
    ("Could you add milk please?", add("milk")),
    ("Can you please add buy milk for me? Thanks!", add("buy milk")),
    ("hey, add eggs", add("eggs")),
    ("Add to my list: milk, eggs", add("milk", "eggs")),
    ("add milk, eggs, bread", add("milk", "eggs", "bread")),
    ("add milk, eggs and bread", add("milk", "eggs", "bread")),
    ("add milk; eggs", add("milk", "eggs")),
    ("add milk and eggs", add("milk", "eggs")),
    ("Add milk & eggs", add("milk", "eggs")),
    ("add buy milk and call mom", add("buy milk", "call mom")),
    ("add call mom and dad", add("call mom and dad")),
    ("add two tasks: wash and dry the car", add("wash", "dry the car")),
    ('add "buy milk, eggs and bread"', add("buy milk, eggs and bread")),
    ('add "a" and "b"', add("a", "b")),
    ("add “fancy quotes”", add("fancy quotes")),
    ('add buy "organic" milk', add('buy "organic" milk')),
    ("add <script>alert(1)</script>", add("<script>alert(1)</script>")),
    ("Add buy milk 🥛!", add("buy milk 🥛")),
    ("add Call MOM about iPhone.", add("Call MOM about iPhone")),
    ("add קניות", add("קניות")),
    ("- milk\n- eggs", add("milk", "eggs")),
    ("* milk\n* eggs", add("milk", "eggs")),
    ("1. milk\n2. eggs\n3) bread", add("milk", "eggs", "bread")),
    ("- [ ] milk\n- [x] eggs", add("milk", "eggs")),
    ("Add these:\n- milk\n- eggs", add("milk", "eggs")),
    ("Add to my list:\nmilk\neggs", add("milk", "eggs")),
    ("Add milk\neggs", add("milk", "eggs")),
    ("add milk, eggs\r\n", add("milk", "eggs")),
    ("Add milk. Also add eggs.", add("milk", "eggs")),
    ("Hi! Add milk. Thanks!", add("milk")),
    ("Hi\nAdd milk\nThanks", add("milk")),
    ("Add milk\neggs\nthanks", add("milk", "eggs")),
    ("Add call Dr. Smith", add("call Dr. Smith")),
    ("add a reminder to call mom", add("call mom")),
    ("Add 'buy milk' to my list", add("buy milk")),
    ("add mom's birthday", add("mom's birthday")),
    ("ADD MILK", add("MILK")),
]
ADD_WITH_DUE = [
    ("add call mom today", add("call mom", due="2026-11-26")),
    ("add call mom tonight", add("call mom", due="2026-11-26")),
    ("add call mom tomorrow evening", add("call mom", due="2026-11-27")),
    ("remember to water the plants on friday", add("water the plants", due="2026-11-27")),
    ("I have to pay rent by monday", add("pay rent", due="2026-11-30")),
    ("add visit grandma thursday", add("visit grandma", due="2026-12-03")),
    ("add renew passport next week", add("renew passport", due="2026-11-30")),
    ("new task: book flights in 3 days", add("book flights", due="2026-11-29")),
    ("add book flights in two weeks", add("book flights", due="2026-12-10")),
    ("add file taxes 2026-12-24", add("file taxes", due="2026-12-24")),
    ("add buy gift Dec 24", add("buy gift", due="2026-12-24")),
    ("add buy gift by 24 December", add("buy gift", due="2026-12-24")),
    ("add plan party due the 5th", add("plan party", due="2026-12-05")),
    ("add milk, eggs and bread for tomorrow", add("milk", "eggs", "bread", due="2026-11-27")),
    ("add buy milk to my list for tomorrow", add("buy milk", due="2026-11-27")),
    ("Tomorrow I need to call mom", add("call mom", due="2026-11-27")),
    ("add plan friday party", add("plan friday party")),
    ("schedule dentist for friday", add("dentist", due="2026-11-27")),
    ("reschedule the dentist to monday", due("dentist", "2026-11-30")),
    ("add call mom tomorrow at 5pm", add("call mom at 5pm", due="2026-11-27")),
    ("add call mom at 5pm tomorrow", add("call mom at 5pm", due="2026-11-27")),
    ('add "call mom tomorrow"', add("call mom tomorrow")),
    (
        "add buy milk today and call mom on monday",
        add("buy milk", due="2026-11-26") + add("call mom", due="2026-11-30"),
    ),
    ("add milk, call mom tomorrow", add("milk", "call mom", due="2026-11-27")),
]
LIST_VARIANTS = [
    "show", "list", "Show my list", "list my todos", "What's on my list?", "What do I have?",
    "what do I have to do today", "what's left", "what is pending", "my todos", "todos",
    "pending", "I'd like to see my list", "Can you show me all my tasks please?",
    "what are my tasks", "anything left?", "how many todos do I have", "tasks for today",
    "What should I do today?", "hi, what's on my list?", "what's due this week?",
]  # fmt: skip
COMPLETE_VARIANTS = [
    ("done with the report", one("complete_todo", "report")),
    ("I'm done with the report", one("complete_todo", "report")),
    ("finished the report", one("complete_todo", "report")),
    ("I've completed the report", one("complete_todo", "report")),
    ("complete the report", one("complete_todo", "report")),
    ("check off milk", one("complete_todo", "milk")),
    ("check milk off my list", one("complete_todo", "milk")),
    ("tick milk", one("complete_todo", "milk")),
    ("cross off milk", one("complete_todo", "milk")),
    ("mark milk as done", one("complete_todo", "milk")),
    ("mark milk done", one("complete_todo", "milk")),
    ("Mark 'call mom' as finished", one("complete_todo", "call mom")),
    ("milk is done", one("complete_todo", "milk")),
    ("the report is finished", one("complete_todo", "report")),
    ("milk done", one("complete_todo", "milk")),
    ("I bought milk", one("complete_todo", "milk")),
    ("mark the first one as done", one("complete_todo", "1")),
    ("complete the second", one("complete_todo", "2")),
    ("complete the 3rd task", one("complete_todo", "3")),
    ("mark number 4 as done", one("complete_todo", "4")),
    ("complete #2", one("complete_todo", "2")),
    ("complete the last one", one("complete_todo", "last")),
    ("complete all of them", one("complete_todo", "all")),
    ("mark everything as complete", one("complete_todo", "all")),
    ("complete 1 and 3", one("complete_todo", "1") + one("complete_todo", "3")),
    ("complete milk, eggs", one("complete_todo", "milk") + one("complete_todo", "eggs")),
    ("complete salt and pepper", one("complete_todo", "salt and pepper")),
    (
        "complete the report and the slides",
        one("complete_todo", "report") + one("complete_todo", "slides"),
    ),
]
REOPEN_VARIANTS = [
    ("undo", one("reopen_todo", UNDO_REFERENCE)),
    ("undo that", one("reopen_todo", UNDO_REFERENCE)),
    ("undo milk", one("reopen_todo", "milk")),
    ("reopen milk", one("reopen_todo", "milk")),
    ("reopen the first one", one("reopen_todo", "1")),
    ("uncheck milk", one("reopen_todo", "milk")),
    ("mark milk as not done", one("reopen_todo", "milk")),
    ("mark milk as incomplete", one("reopen_todo", "milk")),
    ("milk is not done yet", one("reopen_todo", "milk")),
    ("I didn't finish the report", one("reopen_todo", "report")),
    ("reopen all", one("reopen_todo", "all")),
]
DELETE_VARIANTS = [
    ("delete milk", one("delete_todo", "milk")),
    ("remove milk from my list", one("delete_todo", "milk")),
    ("drop milk", one("delete_todo", "milk")),
    ("get rid of milk", one("delete_todo", "milk")),
    ("cancel the dentist appointment", one("delete_todo", "dentist appointment")),
    ("scratch eggs", one("delete_todo", "eggs")),
    ("take milk off my list", one("delete_todo", "milk")),
    ("please delete the second one", one("delete_todo", "2")),
    ("drop 1 and 3", one("delete_todo", "1") + one("delete_todo", "3")),
    ("delete todo_abc123 and todo_def456",
     one("delete_todo", "todo_abc123") + one("delete_todo", "todo_def456")),
    ("delete all", one("delete_todo", "all")),
    ("delete everything", one("delete_todo", "all")),
    ("remove all of them", one("delete_todo", "all")),
    ("clear my list", one("delete_todo", "all")),
    ("Delete eggs\nAdd milk", one("delete_todo", "eggs") + add("milk")),
    ("I finished the report. Delete the slides.",
     one("complete_todo", "report") + one("delete_todo", "slides")),
]  # fmt: skip
OTHER_COMMANDS = [
    ("clear completed", [("clear_completed", {})]),
    ("remove finished ones", [("clear_completed", {})]),
    ("delete the completed tasks", [("clear_completed", {})]),
    ("clean up my list", [("clear_completed", {})]),
    ("rename call mom to call mom and dad", rename("call mom", "call mom and dad")),
    ("change milk to oat milk", rename("milk", "oat milk")),
    ('rename "go to gym" to "go to the gym"', rename("go to gym", "go to the gym")),
    ("change the title of the first one to buy oat milk", rename("1", "buy oat milk")),
    ("change milk to tomorrow", due("milk", "2026-11-27")),
    ("move finish report to friday", due("finish report", "2026-11-27")),
    ("postpone the report until next week", due("report", "2026-11-30")),
    ("finish report is due friday", due("finish report", "2026-11-27")),
    ("the report is due on Dec 24", due("report", "2026-12-24")),
    ("set due date of finish report to Dec 24", due("finish report", "2026-12-24")),
    ("set the due date of go to gym to the 5th", due("go to gym", "2026-12-05")),
    ("make milk due tomorrow", due("milk", "2026-11-27")),
    ("the report should be done by friday", due("report", "2026-11-27")),
    ("set the due date of the report to none", due("report", None)),
    ("remove the due date from the report", due("report", None)),
    ("the report has no deadline", due("report", None)),
]  # fmt: skip
