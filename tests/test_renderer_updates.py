"""The ChatKit widget renderer: updates in place and redrawing only what changed."""

from __future__ import annotations

from chatkit.widgets import DynamicWidgetRoot, WidgetRoot
from nicegui import ElementFilter, ui
from nicegui.testing import User

from chatkit_bridge.ui.safe_markdown import SafeMarkdown
from tests.polling import stays, until
from tests.renderer_support import Recorder, action, card, show, widget

# ----- updates -------------------------------------------------------------------------------


async def test_update_replaces_the_content_in_place(user: User) -> None:
    view = await show(user, card({"type": "Text", "value": "before"}))
    root = view.root
    with user:
        view.update(card({"type": "Text", "value": "after"}))
    await user.should_see("after")
    await user.should_not_see("before")
    assert view.root is root and not root.is_deleted


async def test_an_identical_update_keeps_what_the_user_typed(user: User) -> None:
    root = card({"type": "Input", "name": "title", "defaultValue": ""})
    view = await show(user, root)
    user.find(marker="title").type("half-typed")
    with user:
        view.update(card({"type": "Input", "name": "title", "defaultValue": ""}))
    assert user.find(marker="title").elements.pop().value == "half-typed"


async def test_text_deltas_append_to_the_component(user: User) -> None:
    view = await show(
        user,
        card(
            {"type": "Text", "id": "t", "value": "Hel", "streaming": True},
            {"type": "Markdown", "id": "m", "value": ""},
        ),
    )
    with user:
        view.apply_text_delta("t", "lo", done=False)
        view.apply_text_delta("t", " world", done=True)
        view.apply_text_delta("m", "**bold**", done=True)
        view.apply_text_delta("missing", "ignored", done=True)
    await user.should_see("Hello world")
    with user:
        assert next(iter(ElementFilter(kind=SafeMarkdown))).markdown == "**bold**"
        view.update(card({"type": "Text", "id": "t", "value": "fresh"}))
    await user.should_see("fresh")


async def test_replace_component_swaps_one_component_by_id(user: User) -> None:
    view = await show(
        user,
        card(
            {"type": "Text", "value": "first"},
            {"type": "Badge", "id": "status", "label": "open"},
            {"type": "Text", "value": "last"},
        ),
    )
    with user:
        view.replace_component(
            widget(
                {"type": "Card", "children": [{"type": "Badge", "id": "status", "label": "done"}]}
            ).children[0]
        )
    await user.should_see("done")
    await user.should_not_see("open")
    with user:
        body = next(iter(ElementFilter(kind=ui.label, content="first"))).parent_slot.children
        assert [getattr(e, "text", None) for e in body] == ["first", "done", "last"]
    with user:  # an unknown id leaves the widget untouched
        view.replace_component(
            widget(
                {"type": "Card", "children": [{"type": "Text", "id": "nope", "value": "x"}]}
            ).children[0]
        )
    await user.should_see("done")


async def test_read_only_disables_controls_and_actions(user: User) -> None:
    recorder = Recorder()
    root = card(
        {"type": "Button", "label": "Press", "onClickAction": action("press")},
        {"type": "Checkbox", "name": "c", "label": "Tick", "onChangeAction": action("tick")},
        {"type": "Input", "name": "i", "defaultValue": "frozen"},
        confirm={"label": "OK", "action": action("ok")},
    )
    await show(user, root, recorder, read_only=True)
    await user.should_see("frozen")
    with user:
        controls = [
            *ElementFilter(kind=ui.button),
            *ElementFilter(kind=ui.checkbox),
            *ElementFilter(kind=ui.input),
        ]
        assert controls and not any(c.enabled for c in controls)
    user.find("Press").click()
    user.find("OK").click()
    user.find(kind=ui.checkbox).click()
    await stays(lambda: recorder.calls == [])


async def test_disabled_options_are_marked(user: User) -> None:
    options = [{"value": "a", "label": "A"}, {"value": "b", "label": "B", "disabled": True}]
    await show(
        user,
        card(
            {"type": "RadioGroup", "name": "r", "options": options},
            {"type": "Select", "name": "s", "options": options},
        ),
    )
    with user:
        for kind in (ui.radio, ui.select):
            element = next(iter(ElementFilter(kind=kind)))
            assert [o.get("disable", False) for o in element.props["options"]] == [False, True]


async def test_typed_fields_send_change_actions_on_blur(user: User) -> None:
    recorder = Recorder()
    # Input has no onChangeAction in the SDK's schema; template-built (dynamic) widgets may.
    field = {"type": "Input", "name": "q", "defaultValue": "a", "onChangeAction": action("search")}
    await show(
        user, DynamicWidgetRoot.model_validate({"type": "Card", "children": [field]}), recorder
    )
    user.find(marker="q").type("bc")
    await stays(lambda: recorder.calls == [])
    user.find(marker="q").trigger("blur").trigger("blur")
    await until(lambda: recorder.calls == [("search", {"q": "abc"})])


async def test_card_status_and_collapsed_body(user: User) -> None:
    root = card(
        {"type": "Text", "value": "hidden body"},
        collapsed=True,
        status={"text": "Saved 2 todos", "icon": "check"},
    )
    await show(user, root)
    await user.should_see("Saved 2 todos")
    await user.should_not_see("hidden body")
    user.find("Show details").click()
    await user.should_see("hidden body")
    user.find("Hide details").click()
    await user.should_not_see("hidden body")


async def test_editable_text_is_a_form_field(user: User) -> None:
    recorder = Recorder()
    editable = {"type": "Text", "value": "Old title", "editable": {"name": "todo.title"}}
    form = {"type": "Form", "onSubmitAction": action("rename", payload={"id": "t1"})}
    await show(user, card({**form, "children": [editable]}), recorder)
    field = user.find(kind=ui.input)
    field.type(" (edited)").trigger("keydown.enter")
    await until(
        lambda: (
            recorder.calls == [("rename", {"id": "t1", "todo": {"title": "Old title (edited)"}})]
        )
    )


# ----- updates redraw only what changed --------------------------------------------------------


def todo_rows(*rows: tuple[str, str, bool]) -> WidgetRoot:
    """A card like the todo card: a form to add, then a row per todo (checkbox beside a title)."""
    return card(
        {
            "type": "Form",
            "id": "add",
            "onSubmitAction": action("add"),
            "children": [
                {"type": "Input", "id": "add-title", "name": "title"},
                {"type": "Button", "id": "add-button", "label": "Add", "submit": True},
            ],
        },
        {
            "type": "Col",
            "id": "list",
            "children": [
                {
                    "type": "Row",
                    "id": f"row-{key}",
                    "children": [
                        {
                            "type": "Checkbox",
                            "id": f"check-{key}",
                            "name": "completed",
                            "defaultChecked": done,
                            "onChangeAction": action("toggle", payload={"id": key}),
                        },
                        {"type": "Caption", "id": f"pos-{key}", "value": "1."},
                        {"type": "Text", "id": f"title-{key}", "value": title, "lineThrough": done},
                    ],
                }
                for key, title, done in rows
            ],
        },
    )


def elements_by_marker(*markers: str) -> list[ui.element]:
    return [next(iter(ElementFilter(marker=marker))) for marker in markers]


async def test_an_update_redraws_only_the_components_that_changed(user: User) -> None:
    recorder = Recorder()
    rows = [("a", "buy milk", False), ("b", "call mom", False), ("c", "walk dog", False)]
    view = await show(user, todo_rows(*rows), recorder)
    with user:
        before = elements_by_marker("check-a", "title-a", "check-b", "title-b", "check-c", "add")
    user.find(marker="check-b").click()  # the user ticks "call mom"; the server confirms it
    await until(lambda: recorder.calls == [("toggle", {"id": "b", "completed": True})])
    with user:
        view.update(todo_rows(rows[0], ("b", "call mom", True), rows[2]))
        after = elements_by_marker("check-a", "title-a", "check-b", "title-b", "check-c", "add")
        # Only the struck-through title is new; the ticked box and every other row stay, so
        # a click already on its way to one of them still lands.
        assert [a is b for a, b in zip(before, after, strict=True)] == [
            True, True, True, False, True, True
        ]  # fmt: skip
        assert before[3].is_deleted and after[3].style.get("text-decoration") == "line-through"
        assert after[2].value is True
        view.update(todo_rows(rows[0], rows[2]))  # a row goes: the list is redrawn, not the form
        assert elements_by_marker("add")[0] is before[5]
        assert [e.text for e in ElementFilter(kind=ui.label)] == [
            "1.",
            "buy milk",
            "1.",
            "walk dog",
        ]


async def test_a_form_the_server_kept_starts_afresh_after_its_submit_changed_the_widget(
    user: User,
) -> None:
    recorder = Recorder()
    view = await show(user, todo_rows(), recorder)
    recorder.during = lambda: view.update(todo_rows(("a", "buy milk", False)))
    user.find(marker="add-title").type("buy milk")
    user.find("Add").click()
    await until(lambda: recorder.finished == 1)
    await user.should_see("buy milk", kind=ui.label)
    await until(lambda: user.find(marker="add-title").elements.pop().value == "")


async def test_unlabeled_checkboxes_are_named_after_the_text_beside_them(user: User) -> None:
    await show(user, todo_rows(("a", "buy milk", False), ("b", "call mom", True)))
    with user:
        names = [box.props.get("aria-label") for box in ElementFilter(kind=ui.checkbox)]
    assert names == ["Completed: buy milk", "Completed: call mom"]
