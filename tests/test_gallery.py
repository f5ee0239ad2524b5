"""The gallery renders every example cleanly and its actions report type and merged payload."""

from __future__ import annotations

import logging

import pytest
from nicegui import ElementFilter, ui
from nicegui.testing import User

from chatkit_bridge.ui.gallery import GALLERY, GalleryExample, render_example
from chatkit_bridge.ui.safe_markdown import SafeMarkdown

# One text per example that proves the example rendered (not just its heading).
EXPECTED = {
    "Text": ["Text size xs", "weight bold", "line-through", "end-aligned"],
    "Title, Caption, Markdown": ["Title 5xl", "Caption lg"],
    "Badge": ["discovery outline", "pill"],
    "Button": ["Secondary style", "ghost variant", "Block button"],
    "Icon": ["sparkle-double", "settings-slider"],
    "Layout: Box, Row, Col, Spacer, Divider, Transition": ["pushed right", "Inside a Transition"],
    "Chart and Image": [],
    "Form": ["New task", "Add task", "Urgent"],
    "Controls": ["Checked checkbox", "Input with a default value", "Pick a priority"],
    "ListView": ["Five items, three shown", "List item 3", "Show 2 more"],
    "Card: asForm, confirm/cancel": ["Edit me", "Save", "Discard"],
    "Card: collapsed": ["Show details"],
    "Card: full size": ["size=full, padding=6"],
    "Table": ["Team hours", "Owner", "spans two rows", "Total", "late"],
    "Table wider than the chat": ["January", "August", "70 units"],
    "ChatKit 1.9 properties": ["Large icon", "Email (label tied to its field)", "Check fields"],
    "Theme: light": ["theme=light", "Theme-aware colour"],
    "Theme: dark": ["theme=dark", "Theme-aware colour"],
    "Actions and loading behaviours": ["Loading container", "Client action"],
    "Unknown component type": ["Unsupported component: Carousel"],
    "Template-built widget (dynamic classes)": ["Dynamic button"],
    "Basic root": ["A Basic root with a dynamic Text child"],
    "Text is always text": ["<img src=x onerror=alert(1)>", "<script>alert('x')</script>"],
    "Read-only card": ["Read-only snapshot", "Read-only input"],
}

# Elements that prove components without visible text rendered.
KINDS: dict[str, list[type[ui.element]]] = {
    "Chart and Image": [ui.echart, ui.image],
    "Form": [ui.input, ui.textarea, ui.select, ui.date, ui.radio, ui.checkbox],
    "Controls": [ui.input, ui.textarea, ui.select, ui.date, ui.radio, ui.checkbox],
    "Icon": [ui.icon],
    "ChatKit 1.9 properties": [ui.input, ui.textarea, ui.image],
}


def test_every_example_has_expectations() -> None:
    assert [e.title for e in GALLERY] == list(EXPECTED)


@pytest.mark.parametrize("example", GALLERY, ids=[e.title for e in GALLERY])
async def test_each_example_renders_cleanly(
    user: User, caplog: pytest.LogCaptureFixture, example: GalleryExample
) -> None:
    caplog.set_level(logging.WARNING)

    @ui.page("/example")
    def page() -> None:
        render_example(example)

    await user.open("/example")
    for text in EXPECTED[example.title]:
        await user.should_see(text)
    for kind in KINDS.get(example.title, []):
        await user.should_see(kind=kind)
    await user.should_not_see("failed to render")
    problems = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not problems


async def test_gallery_page_shows_every_example(user: User) -> None:
    await user.open("/gallery")
    await user.should_see("Widget gallery")
    for example in GALLERY:
        await user.should_see(example.title)
    with user:
        # Raw HTML elements only ever hold rendered markdown (typed HTML stays text there).
        assert all(isinstance(e, SafeMarkdown) for e in ElementFilter(kind=ui.html))


async def test_button_action_is_reported(user: User) -> None:
    await user.open("/gallery")
    user.find("Secondary style").click()
    await user.should_see('gallery.button {"name": "secondary"}')


async def test_form_submit_reports_the_merged_payload(user: User) -> None:
    await user.open("/gallery")
    user.find(marker="todo.title").type("Water plants")
    user.find(marker="todo.urgent").click()
    user.find("Add task").click()
    await user.should_see(
        'gallery.form.submit {"source": "gallery", "todo": {"due": "2025-01-31", "notes": "", '
        '"priority": "medium", "size": "s", "title": "Water plants", "urgent": true}}'
    )


async def test_client_action_uses_the_client_handler(user: User) -> None:
    await user.open("/gallery")
    user.find("Client action").click()
    await user.should_see('client: gallery.client {"where": "browser"}')


async def test_read_only_example_sends_nothing(user: User) -> None:
    await user.open("/gallery")
    (button,) = user.find(kind=ui.button, content="Read-only button").elements
    assert not button.enabled, "people cannot press a read-only card's button"
    # The simulated user skips disabled elements: enable it, as a stale browser might send
    # the click anyway, and the renderer must still drop it.
    button.enable()
    user.find(kind=ui.button, content="Read-only button").click()
    user.find("Secondary style").click()  # a click that is reported, after the one that is not
    await user.should_see('gallery.button {"name": "secondary"}')
    await user.should_not_see("gallery.readonly")
