"""The private internals chatkit_bridge/compat relies on still exist in the pinned versions."""

import contextlib
import inspect
import threading
import uuid
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from chatkit.actions import ActionConfig
from chatkit.server import ChatKitServer
from chatkit.types import WidgetItem
from chatkit.widgets import (
    Button,
    Card,
    DynamicWidgetComponent,
    DynamicWidgetRoot,
    Row,
    Text,
    WidgetComponentBase,
    WidgetRoot,
)
from nicegui import core
from nicegui.client import Client
from nicegui.element import Element
from nicegui.elements.choice_element import ChoiceElement
from nicegui.observables import ObservableCollection
from nicegui.props import Props

from chatkit_bridge import widget_files
from chatkit_bridge.compat import (
    PAGE_EVENTS,
    SDK_WIDGET_NEWS,
    SDK_WIDGET_SERIALIZER,
    NotPlain,
    build_widgets_without_warnings,
    plain_widget_dump,
    serialize_widgets_once,
)
from chatkit_bridge.item_cache import ITEM, item_record
from chatkit_bridge.ui.gallery import GALLERY
from tests.code_swap import running_code
from use_cases.todo.changes import Undo, change_card
from use_cases.todo.models import Todo, TodoPage
from use_cases.todo.widgets import build_todo_card

ROOT = Path(__file__).resolve().parent.parent


def test_the_private_names_compat_uses_exist() -> None:
    # If one of these fails after an upgrade, adapt chatkit_bridge/compat (and only it).
    assert callable(ChatKitServer._process_streaming)
    assert callable(ChatKitServer._process_non_streaming)
    assert callable(ChoiceElement._update_options)
    # The page-event handlers are wrapped in place; python-socketio keeps them here.
    assert all(callable(core.sio.handlers["/"][name]) for name in PAGE_EVENTS)
    assert callable(core.sio.rooms)
    # The widget serializer's code is swapped; it must still be a plain function.
    assert WidgetComponentBase.serialize.__code__.co_freevars == ()
    # A deleted page's cycles are broken there (compat/nicegui_cycles.py).
    assert callable(Client.remove_elements) and callable(Client.delete)
    assert "ast.literal_eval" in inspect.getsource(Props.parse)
    element_init = inspect.getsource(Element.__init__)
    assert all(name in element_init for name in ("self._props", "self._classes", "self._style"))
    assert "self._change_handlers" in inspect.getsource(ObservableCollection.__init__)
    assert "self._exception_handlers" in inspect.getsource(Client.__init__)


@contextmanager
def sdk_widget_classes() -> Iterator[None]:
    """Build widgets with ChatKit's own (warning) constructors for the duration of the block."""
    current = {widget_class: vars(widget_class)["__new__"] for widget_class in SDK_WIDGET_NEWS}
    for widget_class, new in SDK_WIDGET_NEWS.items():
        widget_class.__new__ = new
    try:
        yield
    finally:
        for widget_class, new in current.items():
            widget_class.__new__ = new


def sdk_widget_serializer() -> AbstractContextManager[None]:
    """Serialize widgets with ChatKit's own code for the duration of the block."""
    return running_code(WidgetComponentBase.serialize, SDK_WIDGET_SERIALIZER)


def todo_card() -> WidgetRoot:
    created = datetime(2026, 11, 1, tzinfo=UTC)
    todos = [
        Todo(id=f"t{n}", title=f"errand {n}", completed=n % 3 == 0, created_at=created)
        for n in range(25)
    ]
    todos[1].due = date(2026, 11, 20)
    page = TodoPage(todos=todos[:20], total=25, done=8)
    undo = ("Deleted errand 4", Undo(remove=["t4"]).action())
    return build_todo_card(page, date(2026, 11, 26), draft="milk", undo=undo)


def none_in_payloads() -> WidgetRoot:
    # None inside an action payload (not a widget) must go, as ChatKit drops it.
    action = ActionConfig(type="x", payload={"keep": 1, "gone": None, "list": [None, {"a": None}]})
    return Card(children=[Row(children=[Text(value="a"), Button(label="b", onClickAction=action)])])


def dynamic_without_children() -> WidgetRoot:
    # A dynamic component keeps "children": null, as ChatKit keeps it.
    leaf = DynamicWidgetComponent(type="Text", value="x", extra={"gone": None})
    return DynamicWidgetRoot(type="Card", children=[leaf])


def template_widgets() -> list[WidgetRoot]:
    found = sorted((ROOT / "use_cases").glob("*/*.widget"))
    assert found, "no .widget file to check"
    return [widget_files.load(path).preview_widget() for path in found]


def every_widget() -> list[WidgetRoot]:
    widgets = [example.widget for example in GALLERY]
    widgets += [todo_card(), change_card("add", "Added x", Undo(remove=["t1"])), none_in_payloads()]
    widgets.append(dynamic_without_children())
    widgets += template_widgets()
    # Reloaded from storage, widgets come back as other classes (dynamic components).
    reloaded = []
    for widget in widgets:
        item = WidgetItem(id="w", thread_id="t", created_at=datetime(2026, 1, 1), widget=widget)
        reloaded.append(ITEM.validate_python(item.model_dump(mode="json")).widget)
    return widgets + reloaded


def dumps(widget: WidgetRoot) -> tuple[object, ...]:
    item = WidgetItem(id="w", thread_id="t", created_at=datetime(2026, 1, 1), widget=widget)
    return (
        widget.model_dump(mode="json"),
        widget.model_dump(),
        widget.model_dump(mode="json", exclude_none=True),
        widget.model_dump_json(),
        item.model_dump(mode="json"),
        item.model_dump_json(),
    )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_widgets_serialize_exactly_as_chatkit_serializes_them() -> None:
    serialize_widgets_once()
    widgets = every_widget()
    ours = [dumps(widget) for widget in widgets]
    with sdk_widget_serializer():
        sdk = [dumps(widget) for widget in widgets]
    assert len(widgets) > 40
    for widget, mine, theirs in zip(widgets, ours, sdk, strict=True):
        assert mine == theirs, widget


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_widget_item_is_stored_as_chatkit_dumps_it() -> None:
    # The store walks plain widgets itself (faster); the record must be ChatKit's dump.
    serialize_widgets_once()
    odd = [
        Card(children=[Button(label="b", onClickAction=ActionConfig(type="x", payload=payload))])
        for payload in ODD
    ]
    widgets = [*every_widget(), *odd]
    with sdk_widget_serializer():
        sdk = [widget_item(widget).model_dump(mode="json") for widget in widgets]
    walked = 0
    for widget, theirs in zip(widgets, sdk, strict=True):
        assert item_record(widget_item(widget)) == theirs, widget
        with contextlib.suppress(NotPlain):
            plain_widget_dump(widget)
            walked += 1
    # All but those holding a date (four of the gallery's) and the odd ones.
    assert walked == len(widgets) - 4 - len(odd), "cards, the gallery and reloaded widgets"
    for widget in odd:
        with pytest.raises(NotPlain):
            plain_widget_dump(widget)  # dumped by pydantic instead


def test_rows_a_card_shares_with_an_earlier_one_are_stored_from_its_dump(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Rows unchanged since the last card are the same objects (use_cases/todo/widgets.py):
    # their store dump is the earlier card's, and the records are still ChatKit's dumps.
    from chatkit_bridge.compat import widget_dump

    serialize_widgets_once()
    created = datetime(2026, 11, 1, tzinfo=UTC)
    fresh = uuid.uuid4().hex[:8]  # rows no earlier test built (and dumped)
    todos = [Todo(id=f"r{n}{fresh}", title=f"errand {n}", created_at=created) for n in range(20)]
    today = date(2026, 11, 26)
    first = build_todo_card(TodoPage(todos=todos, total=20, done=0), today)
    todos[3] = todos[3].model_copy(update={"title": "changed", "completed": True})
    second = build_todo_card(TodoPage(todos=todos, total=20, done=1), today)
    walks: list[int] = []
    walk_fields = widget_dump._walk_fields

    def counted(fields: Any, *args: Any, **kwargs: Any) -> Any:
        walks[-1] += 1
        return walk_fields(fields, *args, **kwargs)

    monkeypatch.setattr(widget_dump, "_walk_fields", counted)
    records = []
    for card in (first, second):
        walks.append(0)
        records.append(item_record(widget_item(card)))
    monkeypatch.undo()
    with sdk_widget_serializer():
        assert records == [widget_item(c).model_dump(mode="json") for c in (first, second)]
    # The second card walked its own nodes and the changed row's, not the 19 others.
    assert walks[1] * 5 < walks[0], walks


ODD = [{"when": date(2026, 1, 1)}, {"far": float("inf")}]
"""Values pydantic turns into other JSON than their Python value (a string, null)."""


def widget_item(widget: WidgetRoot) -> WidgetItem:
    return WidgetItem(id="w", thread_id="t", created_at=datetime(2026, 1, 1), widget=widget)


def test_cached_change_handler_signatures_answer_as_nicegui_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nicegui import helpers

    from chatkit_bridge.compat import cache_change_handler_signatures

    class Handlers:
        def plain(self) -> None: ...
        def one(self, event: object) -> None: ...
        def optional(self, event: object = None, *args: object, **kwargs: object) -> None: ...

    handlers = Handlers()
    cases = [handlers.plain, handlers.one, handlers.optional, lambda event: None, lambda: None]
    cache_change_handler_signatures()
    patched = helpers.expects_arguments
    assert getattr(patched, "caches_bound_methods", False)  # NiceGUI's observables call this
    assert [patched(case) for case in cases] == [False, True, False, True, False]

    # Elements of one class share the answer: asked again for another instance's method,
    # nothing is inspected (a page of 50 todo rows asked ~1,000 times; the split of compat
    # into a package once lost the cache and with it half the speed of element creation).
    # Refused in this thread only: another test's leftover thread may still inspect meanwhile.
    inspect_signature, tester = inspect.signature, threading.get_ident()

    def refused(*args: Any, **kwargs: Any) -> inspect.Signature:
        assert threading.get_ident() != tester, "inspected again"
        return inspect_signature(*args, **kwargs)

    monkeypatch.setattr(inspect, "signature", refused)
    assert [patched(Handlers().one), patched(Handlers().plain)] == [True, False]


def test_props_read_as_nicegui_reads_them_without_leaving_cycles() -> None:
    import ast
    import gc

    from nicegui.props import Props

    from chatkit_bridge.compat import free_deleted_pages_without_collector
    from chatkit_bridge.compat.nicegui_cycles import literal_value

    values = ['"Send"', "'it''s'", '"it\'s"', "'say \"hi\"'", '""', "'tab\\there'", '"a\\\\b"']
    values += ["'é ✓ 🙂'", '"\\u00e9"', "[1, 'a', None]", "{'a': [1, 2]}", "{}", "'\\n'"]
    for text in values:
        assert literal_value(text) == ast.literal_eval(text), text
    for broken in ["'a\nb'", "'\0'", "'a' + 'b'"]:
        with pytest.raises((SyntaxError, ValueError)):
            literal_value(broken)

    free_deleted_pages_without_collector()
    text = 'aria-label="Completed: buy milk" role=status title=\'x\' :options="[1, 2]" dense'
    # Until nothing is left: finalizers run by one collection (a closed socket or client of an
    # earlier test) may leave new garbage for the next.
    while gc.collect():
        pass
    gc.disable()
    try:
        parsed = Props.parse(text)
        # A cycle-free parse of plain quoted text allocates no container left for the collector:
        # ast.literal_eval left a function, a cell and a tuple per quoted value.
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert parsed == {
        "aria-label": "Completed: buy milk",
        "role": "status",
        "title": "x",
        ":options": "[1, 2]",
        "dense": True,
    }


def test_widgets_are_built_as_chatkit_builds_them_without_a_warning_each() -> None:
    todos = [
        Todo(id=f"todo_{n}", title=f"task {n}", completed=n == 2, created_at=datetime(2026, 1, 1))
        for n in range(3)
    ]
    page = TodoPage(todos=todos, total=3, done=1)
    with sdk_widget_classes(), warnings.catch_warnings(record=True) as before:
        warnings.simplefilter("always")
        sdk_card = build_todo_card(page, date(2026, 11, 30))
    assert any(issubclass(w.category, DeprecationWarning) for w in before)
    assert {Card, Row, Text, Button} <= SDK_WIDGET_NEWS.keys()

    build_widgets_without_warnings()
    with warnings.catch_warnings(record=True) as after:
        warnings.simplefilter("always")
        card = build_todo_card(page, date(2026, 11, 30))
        plain = Row(children=[Text(value="x"), Button(label="Go")])
    assert after == []
    assert type(card) is Card and type(plain.children[1]) is Button
    assert card.model_dump(mode="json") == sdk_card.model_dump(mode="json")
