"""Every offline rule's own examples, through the whole todo interpreter."""

import pytest

from chatkit_bridge.interpreter import Reply, Step, Turn, call
from use_cases.todo.interpreter import TodoInterpreter
from use_cases.todo.rules import EXAMPLE_DAY, RULES
from use_cases.todo.tools import TOOLS
from use_cases.todo.use_case import TodoUseCase

EXAMPLES = [
    pytest.param(text, expected, id=f"{rule.name}: {text}")
    for rule in RULES
    for text, expected in rule.examples.items()
]


@pytest.mark.parametrize(("text", "expected"), EXAMPLES)
def test_rule_example(text: str, expected: Step) -> None:
    step = TodoInterpreter(today=lambda: EXAMPLE_DAY).next_step(Turn(user_text=text))
    assert step == expected


def test_every_rule_has_an_example_and_names_only_real_tools() -> None:
    for rule in RULES:
        assert rule.examples, f"rule {rule.name!r} has no example"
        for step in rule.examples.values():
            if not isinstance(step, Reply):
                assert {call.name for call in step} <= set(TOOLS.names), rule.name


def test_rule_names_are_unique() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))


def test_starter_prompts_send_what_their_labels_promise() -> None:
    interpreter = TodoInterpreter(today=lambda: EXAMPLE_DAY)
    steps = {
        starter.label: interpreter.next_step(Turn(user_text=starter.prompt))
        for starter in TodoUseCase.starter_prompts
    }
    plan = steps["Plan for tomorrow"]
    assert not isinstance(plan, Reply)
    assert [(c.name, c.arguments.get("due")) for c in plan] == [("add_todos", "2026-11-27")]
    assert len(plan[0].arguments["titles"]) == 2
    assert not isinstance(steps["Add three tasks"], Reply)
    assert [c.name for c in steps["Show my list"]] == ["list_todos"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    ["I forgot to buy milk, it's not done", "milk never done", "the report, not done"],
)
def test_a_negated_done_never_ticks_a_todo(text: str) -> None:
    step = TodoInterpreter(today=lambda: EXAMPLE_DAY).next_step(Turn(user_text=text))
    assert isinstance(step, Reply) or "complete_todo" not in {call.name for call in step}


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("add bread... I mean add rye bread", ["rye bread"]),
        ("add tea, no wait, add coffee", ["coffee"]),
    ],
)
def test_only_the_correction_counts(text: str, titles: list[str]) -> None:
    step = TodoInterpreter(today=lambda: EXAMPLE_DAY).next_step(Turn(user_text=text))
    assert step == call("add_todos", titles=titles)


def test_a_greeting_or_an_oops_before_a_command_is_ignored() -> None:
    interpreter = TodoInterpreter(today=lambda: EXAMPLE_DAY)
    assert interpreter.next_step(Turn(user_text="yo! what's left?")) == call("list_todos")
    assert interpreter.next_step(Turn(user_text="oops, reopen 2")) == call(
        "reopen_todo", reference="2"
    )
    assert interpreter.next_step(Turn(user_text="oops")) == call(
        "reopen_todo", reference="last completed"
    )
