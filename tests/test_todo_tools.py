"""The todo tools, run by a real agent with a scripted model, a real store and repository."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from agents import RunContextWrapper, Runner, set_tracing_disabled
from agents.testing import ScriptedModel, assistant_message, function_call
from chatkit.actions import Action
from chatkit.agents import AgentContext, stream_agent_response
from chatkit.types import (
    InferenceOptions,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
)

from chatkit_bridge.context import RequestContext
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.use_case import ActionRequest
from tests.test_todo_actions import component, handle_and_store
from use_cases.todo.agent import todo_state
from use_cases.todo.changes import CHANGE_CARD_KEY
from use_cases.todo.data import TodoRepository
from use_cases.todo.tools import TOOL_NAMES
from use_cases.todo.use_case import TodoUseCase
from use_cases.todo.widgets import is_live_todo_card, is_todo_card

TODAY = date(2025, 11, 28)
Call = tuple[str, dict[str, Any]]

set_tracing_disabled(True)


@dataclass
class TurnResult:
    """What one agent turn produced."""

    outputs: list[str]
    events: list[ThreadStreamEvent]

    @property
    def text(self) -> str:
        assert len(self.outputs) == 1
        return self.outputs[0]

    def changes(self) -> list[WidgetItem]:
        """Return the one-line change confirmations added in this turn."""
        return [
            event.item
            for event in self.events
            if isinstance(event, ThreadItemDoneEvent)
            and isinstance(event.item, WidgetItem)
            and getattr(event.item.widget, "key", None) == CHANGE_CARD_KEY
        ]

    def cards(self) -> list[WidgetItem]:
        """Return the todo cards streamed (added or replaced) in this turn, in order."""
        return [
            event.item
            for event in self.events
            if isinstance(event, ThreadItemDoneEvent | ThreadItemReplacedEvent)
            and isinstance(event.item, WidgetItem)
            and is_live_todo_card(event.item.widget)
        ]


class Harness:
    """A todo use case over temp folders, and a way to run scripted agent turns."""

    def __init__(self, tmp_path: Path, user_id: str = "alice") -> None:
        self.repo = TodoRepository(tmp_path / "todos")
        self.store = TinyDBStore(tmp_path / "store")
        self.use_case = TodoUseCase(self.repo, today=lambda: TODAY)
        self.context = RequestContext(user_id=user_id)
        self.thread = ThreadMetadata(id="thr_tools", created_at=datetime.now())
        self.turns = 0

    async def turn(self, *steps: list[Call] | Call) -> TurnResult:
        """Run one turn whose model calls the given tools (a list = parallel calls)."""
        script: list[Any] = []
        for n, step in enumerate(steps):
            calls = step if isinstance(step, list) else [step]
            script.append(
                [
                    function_call(name, args, call_id=f"call_{n}_{i}")
                    for i, (name, args) in enumerate(calls)
                ]
            )
        self.turns += 1
        script.append([assistant_message("ok", item_id=f"msg_reply_{self.turns}")])
        model = ScriptedModel(script)
        context = AgentContext(thread=self.thread, store=self.store, request_context=self.context)
        result = Runner.run_streamed(self.use_case.build_agent(model), "hi", context=context)
        events = []
        async for event in stream_agent_response(context, result):
            # Persist like ChatKitServer does, so later turns see earlier cards.
            if isinstance(event, ThreadItemDoneEvent):
                await self.store.add_thread_item(self.thread.id, event.item, self.context)
            elif isinstance(event, ThreadItemReplacedEvent):
                await self.store.save_item(self.thread.id, event.item, self.context)
            events.append(event)
        model.assert_complete()
        outputs = [item.output for item in result.new_items if item.type == "tool_call_output_item"]
        return TurnResult([str(output) for output in outputs], events)

    async def user_says(self, text: str) -> None:
        """Store a user message, as ChatKit does before the turn that answers it."""
        self.turns += 1
        message = UserMessageItem(
            id=f"msg_user_{self.turns}",
            thread_id=self.thread.id,
            created_at=datetime.now(),
            content=[UserMessageTextContent(text=text)],
            inference_options=InferenceOptions(),
        )
        await self.store.add_thread_item(self.thread.id, message, self.context)

    async def click_undo(self, change: WidgetItem) -> list[ThreadStreamEvent]:
        """Press Undo on a confirmation, persisting the events like ChatKitServer."""
        button = component(change.widget, "todo-change-undo")
        assert button is not None
        action: Action[str, Any] = Action(
            type=button["onClickAction"]["type"], payload=button["onClickAction"]["payload"]
        )
        request = ActionRequest(self.thread, action, change, self.context, self.store)
        return await handle_and_store(self.use_case, request)

    async def stored_cards(self) -> list[WidgetItem]:
        """Return the todo cards stored in the thread, oldest first."""
        page = await self.store.load_thread_items(self.thread.id, None, 100, "asc", self.context)
        return [i for i in page.data if isinstance(i, WidgetItem) and is_todo_card(i.widget)]

    def titles(self, done: bool | None = None) -> list[str]:
        """Return the titles on the list, optionally only done or open ones."""
        return [
            t.title for t in self.repo.list(self.context.user_id) if done in (None, t.completed)
        ]


@pytest.fixture
async def h(tmp_path: Path) -> Harness:
    harness = Harness(tmp_path)
    await harness.store.save_thread(harness.thread, harness.context)
    return harness


async def seed(h: Harness, *titles: str) -> None:
    h.repo.add(h.context.user_id, list(titles))


async def test_add_todos_adds_and_shows_the_card(h: Harness) -> None:
    titles = ["buy groceries", "finish report", "call mom"]
    result = await h.turn(("add_todos", {"titles": titles}))
    assert result.text == "Added 3 todos: buy groceries, finish report, call mom."
    assert h.titles() == titles
    (card,) = result.cards()
    assert "3. ⬜ call mom" in (card.copy_text or "")
    assert [c.id for c in await h.stored_cards()] == [card.id]


async def test_add_one_todo_with_a_due_date(h: Harness) -> None:
    result = await h.turn(("add_todos", {"titles": ["call mom"], "due": "2025-11-29"}))
    assert result.text == 'Added "call mom" (due Sat 29 Nov).'
    assert h.repo.list("alice")[0].due == date(2025, 11, 29)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"titles": ["ok", "  "]}, "Nothing was added: A todo needs a title"),
        ({"titles": ["x" * 501]}, "Nothing was added: A todo title can be at most 500"),
        ({"titles": []}, "Nothing was added: Give at least one title."),
        ({"titles": ["ok"], "due": "next-ish"}, 'Nothing was added: "next-ish" is not a date'),
    ],
)
async def test_bad_input_changes_nothing(h: Harness, args: dict[str, Any], expected: str) -> None:
    result = await h.turn(("add_todos", args))
    assert result.text.startswith(expected)
    assert h.titles() == [] and result.cards() == []


async def test_list_todos_summarises_and_shows_the_card(h: Harness) -> None:
    assert (await h.turn(("list_todos", {}))).text == "Your todo list is empty."
    await seed(h, "a", "b", "c")
    h.repo.set_completed("alice", h.repo.list("alice")[0].id, True)
    result = await h.turn(("list_todos", {}))
    assert result.text == "You have 3 todos: 2 pending, 1 done."
    assert len(result.cards()) == 1


@pytest.mark.parametrize("reference", ["2", "#2", "finish the report", "last"])
async def test_complete_by_position_words_or_last(h: Harness, reference: str) -> None:
    await seed(h, "buy groceries", "finish report")
    result = await h.turn(("complete_todo", {"reference": reference}))
    assert result.text == 'Marked "finish report" as done.'
    assert h.titles(done=True) == ["finish report"]
    assert "✅ finish report" in (result.cards()[0].copy_text or "")


async def test_complete_by_id_and_again(h: Harness) -> None:
    await seed(h, "buy groceries")
    todo_id = h.repo.list("alice")[0].id
    assert (await h.turn(("complete_todo", {"reference": todo_id}))).text == (
        'Marked "buy groceries" as done.'
    )
    again = await h.turn(("complete_todo", {"reference": todo_id}))
    assert again.text == '"buy groceries" was already done.'


async def test_ambiguous_reference_changes_nothing_and_names_candidates(h: Harness) -> None:
    await seed(h, "buy milk", "buy bread", "call mom")
    ids = {t.title: t.id for t in h.repo.list("alice")}
    for tool in ("complete_todo", "delete_todo"):
        result = await h.turn((tool, {"reference": "buy"}))
        assert f'"buy milk" ({ids["buy milk"]})' in result.text
        assert f'"buy bread" ({ids["buy bread"]})' in result.text
        assert "Which one" in result.text and result.cards() == []
    assert h.titles() == ["buy milk", "buy bread", "call mom"] and h.titles(done=True) == []


async def test_a_reference_tying_many_todos_names_a_few(h: Harness) -> None:
    await seed(h, *(f"buy thing {n}" for n in range(300)), "call mom")
    result = await h.turn(("complete_todo", {"reference": "buy"}))
    first = h.repo.page("alice", 6).todos
    assert all(f'"{todo.title}" ({todo.id})' in result.text for todo in first[:5])
    assert first[5].id not in result.text
    assert result.text.endswith("or more. Which one do you mean?")
    assert h.titles(done=True) == []


async def test_unknown_reference_says_so(h: Harness) -> None:
    await seed(h, "buy milk")
    result = await h.turn(("delete_todo", {"reference": "walk the dog"}))
    assert result.text == 'I couldn\'t find a todo matching "walk the dog".'
    assert (await h.turn(("complete_todo", {"reference": "7"}))).text.startswith("I couldn't")
    assert h.titles() == ["buy milk"]


async def test_all_completes_reopens_and_deletes_everything(h: Harness) -> None:
    await seed(h, "a", "b", "c")
    assert (await h.turn(("complete_todo", {"reference": "all"}))).text == (
        "Marked all 3 todos as done."
    )
    assert h.titles(done=False) == []
    assert (await h.turn(("reopen_todo", {"reference": "all"}))).text == "Reopened all 3 todos."
    assert h.titles(done=True) == []
    assert (await h.turn(("delete_todo", {"reference": "all"}))).text == "Deleted all 3 todos."
    assert h.titles() == []
    rename = await h.turn(("rename_todo", {"reference": "all", "new_title": "x"}))
    assert rename.text.startswith("Please name one todo")


async def test_all_is_one_change_of_the_list_however_long(h: Harness) -> None:
    await seed(h, *(f"chore {n}" for n in range(450)))
    heard: list[str] = []
    h.repo.subscribe(heard.append)
    for reference, tool, text in [
        ("everything", "complete_todo", "Marked all 450 todos as done."),
        ("all", "reopen_todo", "Reopened all 450 todos."),
        ("all todos", "delete_todo", "Deleted all 450 todos."),
    ]:
        heard.clear()
        assert (await h.turn((tool, {"reference": reference}))).text == text
        # One saved change per command (a save per todo would be heard 450 times).
        assert heard == ["alice"], (tool, len(heard))
    assert h.titles() == []
    assert (await h.turn(("delete_todo", {"reference": "all"}))).text == "Your todo list is empty."


async def test_undo_reopens_the_last_completed(h: Harness) -> None:
    await seed(h, "a", "b", "c")
    await h.turn(("complete_todo", {"reference": "c"}), ("complete_todo", {"reference": "a"}))
    result = await h.turn(("reopen_todo", {"reference": "last completed"}))
    assert result.text == 'Reopened "a".'
    assert h.titles(done=True) == ["c"]
    await h.turn(("reopen_todo", {"reference": "last completed"}))
    nothing = await h.turn(("reopen_todo", {"reference": "last completed"}))
    assert nothing.text == "No todo has been completed yet."


async def test_rename_todo(h: Harness) -> None:
    await seed(h, "buy milk")
    result = await h.turn(("rename_todo", {"reference": "milk", "new_title": " buy oat milk "}))
    assert result.text == 'Renamed "buy milk" to "buy oat milk".'
    refused = await h.turn(("rename_todo", {"reference": "1", "new_title": ""}))
    assert refused.text.startswith('"buy oat milk" was not renamed: A todo needs a title')
    assert h.titles() == ["buy oat milk"] and refused.cards() == []


async def test_set_and_remove_due_date(h: Harness) -> None:
    await seed(h, "pay rent")
    result = await h.turn(("set_due_date", {"reference": "rent", "due": "2025-11-28"}))
    assert result.text == '"pay rent" is now due today.'
    assert h.repo.list("alice")[0].due == TODAY
    bad = await h.turn(("set_due_date", {"reference": "rent", "due": "soonish"}))
    assert bad.text.startswith("The due date was not changed") and bad.cards() == []
    removed = await h.turn(("set_due_date", {"reference": "rent", "due": None}))
    assert removed.text == 'Removed the due date from "pay rent".'
    assert h.repo.list("alice")[0].due is None


async def test_clear_completed(h: Harness) -> None:
    await seed(h, "a", "b", "c")
    assert (await h.turn(("clear_completed", {}))).text == "There are no completed todos to clear."
    await h.turn(("complete_todo", {"reference": "a"}), ("complete_todo", {"reference": "c"}))
    result = await h.turn(("clear_completed", {}))
    assert result.text == "Cleared 2 todos that were done: a, c."
    assert h.titles() == ["b"]


async def test_one_live_card_per_thread_updated_in_place(h: Harness) -> None:
    await seed(h, "a", "b")
    first = (await h.turn(("list_todos", {}))).cards()[0]
    result = await h.turn(("complete_todo", {"reference": "a"}))
    # The change is confirmed in one line; the list card above follows it in place.
    assert [c.id for c in result.cards()] == [first.id]
    (change,) = result.changes()
    assert component(change.widget, "todo-change-text")["value"] == 'Marked "a" as done.'
    assert component(change.widget, "todo-change-undo")["label"] == "Undo"
    stored = await h.stored_cards()
    assert [c.id for c in stored] == [first.id]
    assert "✅ a" in (stored[0].copy_text or "")
    # Asking for the list again moves it down; the old card keeps counts and no controls.
    second = (await h.turn(("list_todos", {}))).cards()[0]
    stored = await h.stored_cards()
    assert [c.id for c in stored] == [first.id, second.id]
    assert [is_live_todo_card(c.widget) for c in stored] == [False, True]
    assert component(stored[0].widget, "todo-done-count")["label"] == "1 done"
    assert not [n for n in stored[0].widget.model_dump_json().split('"') if n == "Checkbox"]


async def test_several_tools_in_one_turn_share_one_card(h: Harness) -> None:
    await h.turn(("list_todos", {}))
    result = await h.turn(
        ("add_todos", {"titles": ["a", "b"]}),
        [
            ("complete_todo", {"reference": "a"}),
            ("rename_todo", {"reference": "b", "new_title": "B"}),
        ],
    )
    assert len({card.id for card in result.cards()}) == 1
    assert len(result.changes()) == 3
    stored = await h.stored_cards()
    assert [is_live_todo_card(c.widget) for c in stored] == [True]
    assert stored[0].copy_text and "✅ a" in stored[0].copy_text and "⬜ B" in stored[0].copy_text


async def test_undo_on_a_confirmation_reverts_once(h: Harness) -> None:
    await seed(h, "keep")
    await h.turn(("list_todos", {}))
    (change,) = (await h.turn(("add_todos", {"titles": ["buy milk"]}))).changes()
    assert h.titles() == ["keep", "buy milk"]
    events = await h.click_undo(change)
    assert h.titles() == ["keep"]
    undone, card = [e.item for e in events if isinstance(e, ThreadItemReplacedEvent)]
    assert undone.id == change.id and component(undone.widget, "todo-change-undo") is None
    assert component(undone.widget, "todo-change-undone")["value"] == "Undone"
    assert is_live_todo_card(card.widget) and "buy milk" not in (card.copy_text or "")
    await h.click_undo(change)  # the old button, pressed again, changes nothing
    assert h.titles() == ["keep"]

    (change,) = (await h.turn(("delete_todo", {"reference": "keep"}))).changes()
    assert h.titles() == []
    await h.click_undo(change)
    await h.click_undo(change)
    assert h.titles() == ["keep"]


async def test_a_retried_turn_adds_nothing_twice(h: Harness) -> None:
    await h.user_says("add buy milk")
    await h.turn(("add_todos", {"titles": ["buy milk"]}))
    # A retry or regenerate answers the same user message again.
    result = await h.turn(("add_todos", {"titles": ["buy milk", "bread"]}))
    assert result.text == "Added 2 todos: buy milk, bread."
    assert h.titles() == ["buy milk", "bread"]
    # A new message asking again is a new wish.
    await h.user_says("add buy milk")
    await h.turn(("add_todos", {"titles": ["buy milk"]}))
    assert h.titles() == ["buy milk", "bread", "buy milk"]


async def test_users_see_only_their_own_todos(h: Harness, tmp_path: Path) -> None:
    await seed(h, "alice's secret")
    bob = Harness(tmp_path, user_id="bob")
    await bob.store.save_thread(bob.thread, bob.context)
    result = await bob.turn(("complete_todo", {"reference": "secret"}))
    assert result.text.startswith("I couldn't find")
    assert h.titles(done=False) == ["alice's secret"]


async def test_agent_instructions_state_today_and_tools_are_complete(h: Harness) -> None:
    model = ScriptedModel([])
    agent = h.use_case.build_agent(model)
    context = AgentContext(thread=h.thread, store=h.store, request_context=h.context)
    prompt = await agent.get_system_prompt(RunContextWrapper(context))
    assert prompt is not None and "Friday 2025-11-28" in prompt and "2025-11-29" in prompt
    assert [tool.name for tool in agent.tools] == list(TOOL_NAMES)
    assert h.use_case.name == "todo" and h.use_case.title == "ChatKit Todo"
    assert "What's on my list?" in [p.prompt for p in h.use_case.starter_prompts]


async def test_the_model_sees_the_first_todos_and_the_true_totals(h: Harness) -> None:
    await seed(h, *[f"task {n}" for n in range(1, 61)])
    state = await todo_state(h.repo, h.context.user_id)
    assert "50. ⬜ task 50" in state and "task 51" not in state
    assert "…and 10 more" in state and "Total: 60 items (0 completed, 60 pending)" in state
