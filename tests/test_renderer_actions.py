"""The ChatKit widget renderer: actions, form payloads, loading."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from chatkit.actions import ActionConfig
from chatkit.widgets import WidgetRoot
from nicegui import ElementFilter, ui
from nicegui.testing import User

from chatkit_bridge.ui.renderer import WidgetView
from tests.polling import stays, until
from tests.renderer_support import RENDERER_LOGGER, Recorder, action, card, show, widget

# ----- actions -------------------------------------------------------------------------------


async def test_button_click_sends_its_action_and_payload(user: User) -> None:
    recorder = Recorder()
    button = {"type": "Button", "label": "Go", "onClickAction": action("go", payload={"id": 7})}
    await show(user, card(button, {"type": "Button", "label": "Inert"}), recorder)
    user.find("Inert").click()
    user.find("Go").click()
    await until(lambda: len(recorder.calls) == 1)
    assert recorder.calls == [("go", {"id": 7})]


def todo_form(**form_props: Any) -> WidgetRoot:
    submit = action("todo.add", payload={"source": "form", "todo": {"notes": "payload wins"}})
    return card(
        {
            "type": "Form",
            "onSubmitAction": submit,
            "children": [
                {"type": "Input", "name": "todo.title", "placeholder": "Title"},
                {"type": "Input", "name": "todo.notes", "defaultValue": "typed notes"},
                {"type": "Input", "name": "source", "defaultValue": "field loses"},
                {"type": "Checkbox", "name": "todo.urgent", "label": "Urgent"},
                {"type": "Button", "label": "Add", "submit": True},
            ],
            **form_props,
        },
        {"type": "Input", "name": "outside", "defaultValue": "not in the form"},
    )


async def test_form_submit_merges_named_fields(user: User) -> None:
    recorder = Recorder()
    await show(user, todo_form(), recorder)
    user.find(marker="todo.title").type("Buy milk")
    user.find(kind=ui.checkbox).click()
    user.find("Add").click()
    await until(lambda: len(recorder.calls) == 1)
    assert recorder.calls[0] == (
        "todo.add",
        {"source": "form", "todo": {"notes": "payload wins", "title": "Buy milk", "urgent": True}},
    )
    # The widget was not replaced: the form is reset for the next entry, other inputs are not.
    await until(lambda: not user.find(marker="todo.title").elements.pop().value)
    await user.should_see("not in the form")


async def test_enter_in_an_input_submits_the_form(user: User) -> None:
    recorder = Recorder()
    await show(user, todo_form(), recorder)
    user.find(marker="todo.title").type("Via enter").trigger("keydown.enter")
    await until(lambda: len(recorder.calls) == 1)
    assert recorder.calls[0][1]["todo"]["title"] == "Via enter"


async def test_form_is_not_reset_when_the_widget_was_replaced(user: User) -> None:
    recorder = Recorder()
    view = await show(user, todo_form(), recorder)
    replacement = card(
        {"type": "Input", "name": "todo.title", "defaultValue": "from server", "placeholder": "New"}
    )
    recorder.during = lambda: view.update(replacement)
    user.find(marker="todo.title").type("x")
    user.find("Add").click()
    await until(lambda: recorder.finished == 1)
    with user:
        assert [i.value for i in ElementFilter(kind=ui.input)] == ["from server"]


async def test_required_fields_block_the_submit(user: User) -> None:
    recorder = Recorder()
    form = {
        "type": "Form",
        "onSubmitAction": action("save"),
        "children": [
            {"type": "Input", "name": "title", "required": True, "placeholder": "Title"},
            {"type": "Button", "label": "Save", "submit": True},
        ],
    }
    await show(user, card(form), recorder)
    user.find("Save").click()
    field = user.find(marker="title").elements.pop()
    await until(lambda: field.props.get("error") is True)
    assert recorder.calls == []
    user.find(marker="title").type("ok")
    user.find("Save").click()
    await until(lambda: recorder.calls == [("save", {"title": "ok"})])


async def test_card_as_form_confirm_and_cancel_carry_the_fields(user: User) -> None:
    recorder = Recorder()
    root = card(
        {"type": "Input", "name": "todo.title", "defaultValue": "Draft"},
        asForm=True,
        confirm={"label": "Save", "action": action("save", payload={"id": "t1"})},
        cancel={"label": "Discard", "action": action("discard", payload={"id": "t1"})},
    )
    await show(user, root, recorder)
    user.find("Discard").click()
    await until(lambda: len(recorder.calls) == 1)
    user.find("Save").click()
    await until(lambda: len(recorder.calls) == 2)
    expected = {"id": "t1", "todo": {"title": "Draft"}}
    assert recorder.calls == [("discard", expected), ("save", expected)]


async def test_change_actions_send_the_control_value(user: User) -> None:
    recorder = Recorder()
    options = [{"value": "a", "label": "Alpha"}, {"value": "b", "label": "Beta"}]
    root = card(
        {
            "type": "Checkbox",
            "name": "todo.done",
            "label": "Done",
            "onChangeAction": action("toggle", payload={"id": "t1"}),
        },
        {"type": "Select", "name": "pick", "options": options, "onChangeAction": action("pick")},
        {
            "type": "RadioGroup",
            "name": "radio",
            "options": options,
            "onChangeAction": action("radio"),
        },
        {"type": "DatePicker", "name": "due", "onChangeAction": action("due")},
    )
    await show(user, root, recorder)
    user.find(kind=ui.checkbox).click()
    await until(lambda: len(recorder.calls) == 1)
    assert recorder.calls[0] == ("toggle", {"id": "t1", "todo": {"done": True}})
    user.find(marker="due").type("2025-0")  # half-typed dates are not a change yet
    with user:
        next(iter(ElementFilter(kind=ui.select))).value = "b"
        next(iter(ElementFilter(kind=ui.radio))).value = "a"
        next(iter(ElementFilter(kind=ui.date))).value = "2025-02-03"  # picked in the calendar
    await until(lambda: len(recorder.calls) == 4)
    assert recorder.calls[1:] == [
        ("pick", {"pick": "b"}),
        ("radio", {"radio": "a"}),
        ("due", {"due": "2025-02-03"}),
    ]


async def test_list_view_items_are_clickable_and_limited(user: User) -> None:
    recorder = Recorder()
    items = [
        {
            "type": "ListViewItem",
            "id": f"item-{n}",
            "onClickAction": action("open", payload={"n": n}),
            "children": [{"type": "Text", "value": f"item {n}"}],
        }
        for n in range(4)
    ]
    await show(user, widget({"type": "ListView", "limit": 2, "children": items}), recorder)
    await user.should_see("item 1")
    await user.should_not_see("item 3")
    user.find("Show 2 more").click()
    await user.should_see("item 3")
    user.find(marker="item-3").trigger("click")
    await until(lambda: recorder.calls == [("open", {"n": 3})])


async def test_client_actions_call_the_registered_handler(
    user: User, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder()
    seen: list[tuple[str, dict[str, Any]]] = []
    buttons = [
        {
            "type": "Button",
            "label": label,
            "onClickAction": action(kind, handler="client", payload={"k": 1}),
        }
        for label, kind in (("Local", "open.url"), ("Unknown", "nobody.handles"))
    ]
    await show(
        user,
        card(*buttons),
        recorder,
        client_actions={"open.url": lambda a, p: seen.append((a.type, p))},
    )
    user.find("Local").click()
    user.find("Unknown").click()
    await until(lambda: seen == [("open.url", {"k": 1})])
    await until(
        lambda: any(
            "nobody.handles" in r.getMessage()
            for r in caplog.records
            if r.levelno == logging.WARNING
        )
    )
    assert recorder.calls == []


async def test_double_click_sends_once_and_shows_loading(user: User) -> None:
    recorder = Recorder()
    recorder.release.clear()
    await show(
        user, card({"type": "Button", "label": "Slow", "onClickAction": action("slow")}), recorder
    )
    button = user.find("Slow").elements.pop()
    user.find("Slow").click()
    await until(lambda: len(recorder.calls) == 1)
    assert button.props.get("loading") is True and not button.enabled
    button.enable()  # a click racing the disable (e.g. from a stale browser) must still be ignored
    user.find("Slow").click()
    await stays(lambda: len(recorder.calls) == 1)
    recorder.release.set()
    await until(lambda: "loading" not in button.props and button.enabled)


async def test_container_loading_dims_the_widget_and_blocks_other_actions(user: User) -> None:
    recorder = Recorder()
    recorder.release.clear()
    root = card(
        {
            "type": "Button",
            "label": "Busy",
            "onClickAction": action("busy", loadingBehavior="container"),
        },
        {"type": "Button", "label": "Other", "onClickAction": action("other")},
    )
    view = await show(user, root, recorder)
    user.find("Busy").click()
    await until(lambda: len(recorder.calls) == 1)
    await user.should_see(kind=ui.spinner)
    assert view.root.default_slot.children[0].style["pointer-events"] == "none"
    user.find("Other").click()
    await stays(lambda: [c[0] for c in recorder.calls] == ["busy"])
    recorder.release.set()
    await user.should_not_see(kind=ui.spinner)
    user.find("Other").click()
    await until(lambda: [c[0] for c in recorder.calls] == ["busy", "other"])


async def test_loading_none_leaves_the_control_alone(user: User) -> None:
    recorder = Recorder()
    recorder.release.clear()
    quiet = {
        "type": "Button",
        "label": "Quiet",
        "onClickAction": action("q", loadingBehavior="none"),
    }
    await show(user, card(quiet), recorder)
    user.find("Quiet").click()
    await until(lambda: len(recorder.calls) == 1)
    button = user.find("Quiet").elements.pop()
    assert button.enabled and "loading" not in button.props
    recorder.release.set()


async def test_a_failing_action_is_logged_and_the_control_recovers(
    user: User, caplog: pytest.LogCaptureFixture
) -> None:
    async def failing(action_: ActionConfig, payload: dict[str, Any]) -> None:
        raise RuntimeError("server down")

    views: list[WidgetView] = []

    @ui.page("/failing")
    def page() -> None:
        views.append(
            WidgetView(
                card({"type": "Button", "label": "Try", "onClickAction": action("t")}),
                on_action=failing,
            )
        )

    await user.open("/failing")
    user.find("Try").click()
    await user.should_see("That action failed. Please try again.")
    assert user.find("Try").elements.pop().enabled
    failures = [
        r for r in caplog.records if r.name == RENDERER_LOGGER and r.levelno == logging.ERROR
    ]
    assert failures and "'t' failed" in failures[0].getMessage()
    caplog.clear()
