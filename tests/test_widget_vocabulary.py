"""Every component and property of ChatKit's 1.9 front end renders and is documented.

The lists come from the copy of `@openai/chatkit`'s `types/widgets.d.ts` in
`tests/chatkit_types/`: a newer copy with a new component or property fails here until the
renderer and `docs/WIDGETS.md` cover it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from chatkit.widgets import DynamicWidgetRoot
from nicegui import ElementFilter, ui
from nicegui.testing import User

from chatkit_bridge.ui.renderer import WidgetView
from tests.chatkit_types.parse import TYPES_FILE, component_types, object_types

ROOT = Path(__file__).resolve().parents[1]
TEXT = TYPES_FILE.read_text(encoding="utf-8")
TEXT_CHILD = {"type": "Text", "value": "inside"}

# The smallest valid instance of each component, rendered inside a Card.
MINIMAL: dict[str, dict[str, Any]] = {
    "Badge": {"type": "Badge", "label": "badge"},
    "Basic": {"type": "Basic", "children": [TEXT_CHILD]},
    "Box": {"type": "Box", "children": [TEXT_CHILD]},
    "Button": {"type": "Button", "label": "button"},
    "Caption": {"type": "Caption", "value": "caption"},
    "Card": {"type": "Card", "children": [TEXT_CHILD]},
    "Checkbox": {"type": "Checkbox", "name": "check", "label": "check"},
    "Col": {"type": "Col", "children": [TEXT_CHILD]},
    "DatePicker": {"type": "DatePicker", "name": "day"},
    "Divider": {"type": "Divider"},
    "Form": {"type": "Form", "children": [TEXT_CHILD]},
    "Icon": {"type": "Icon", "name": "star"},
    "Image": {"type": "Image", "src": "data:image/png;base64,iVBORw0KGgo=", "alt": "dot"},
    "Input": {"type": "Input", "name": "input"},
    "Label": {"type": "Label", "value": "label", "fieldName": "input"},
    "ListView": {"type": "ListView", "children": [{"type": "ListViewItem", "children": []}]},
    "ListViewItem": {"type": "ListViewItem", "children": [TEXT_CHILD]},
    "Markdown": {"type": "Markdown", "value": "**markdown**"},
    "RadioGroup": {
        "type": "RadioGroup",
        "name": "radio",
        "options": [{"label": "a", "value": "a"}],
    },
    "Row": {"type": "Row", "children": [TEXT_CHILD]},
    "Select": {"type": "Select", "name": "select", "options": [{"label": "a", "value": "a"}]},
    "Spacer": {"type": "Spacer"},
    "Table": {
        "type": "Table",
        "children": [{"type": "Table.Row", "children": [{"type": "Table.Cell"}]}],
    },
    "Table.Cell": {"type": "Table.Cell", "children": [TEXT_CHILD]},
    "Table.Row": {"type": "Table.Row", "children": [{"type": "Table.Cell"}]},
    "Text": {"type": "Text", "value": "text"},
    "Textarea": {"type": "Textarea", "name": "notes"},
    "Title": {"type": "Title", "value": "title"},
    "Transition": {"type": "Transition", "children": TEXT_CHILD},
}


def test_types_file_lists_every_component_we_know() -> None:
    types = component_types(TEXT)
    assert "Table.Cell" in types and len(types) >= 29  # the parser still reads the file
    assert sorted(MINIMAL) == types, "a component was added or removed upstream: add it here"


@pytest.mark.parametrize("component", component_types(TEXT))
async def test_component_renders_without_a_placeholder(
    user: User, caplog: pytest.LogCaptureFixture, component: str
) -> None:
    caplog.set_level(logging.INFO, logger="chatkit_bridge.ui.renderer")
    node = MINIMAL[component]
    root = node if node["type"] in {"Card", "Basic"} else {"type": "Card", "children": [node]}

    @ui.page("/component")
    def page() -> None:
        WidgetView(DynamicWidgetRoot.model_validate(root), on_action=_ignore)

    await user.open("/component")
    await user.should_see(kind=ui.card if root["type"] == "Card" else ui.element)
    await user.should_not_see("Unsupported component")
    with user:
        assert not list(ElementFilter(marker="ck-placeholder"))
    assert not [r for r in caplog.records if "No renderer" in r.getMessage()]


async def _ignore(*_: object) -> None:
    return None


def _documented_rows() -> set[tuple[str, str]]:
    doc = (ROOT / "docs" / "WIDGETS.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\w+) \| (\w+) \| (yes|partly|no) \| ", doc, flags=re.MULTILINE)
    return {(kind, prop) for kind, prop, _ in rows}


def test_every_property_has_a_row_in_the_widgets_doc() -> None:
    expected = {
        (kind, prop)
        for kind, props in object_types(TEXT).items()
        for prop in props
        if prop != "type"
    }
    assert len(expected) > 150  # the parser still finds the properties
    missing = sorted(expected - _documented_rows())
    assert not missing, f"add these to docs/WIDGETS.md: {missing}"
