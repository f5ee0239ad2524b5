"""Gallery examples, part 2: forms, controls, lists, cards, actions and fallbacks."""

from __future__ import annotations

from datetime import datetime

from chatkit.actions import ActionConfig
from chatkit.widgets import (
    Badge,
    BasicRoot,
    Button,
    Card,
    Checkbox,
    DatePicker,
    DynamicWidgetComponent,
    DynamicWidgetRoot,
    Form,
    Icon,
    Input,
    Label,
    ListView,
    ListViewItem,
    RadioGroup,
    Row,
    Select,
    Spacer,
    Text,
    Textarea,
    Title,
)

from .gallery_widgets import OPTIONS, XSS_STRINGS, GalleryExample, act


def form_example() -> Card:
    """A Form whose named fields (dotted names nest) are merged into onSubmitAction."""
    return Card(
        children=[
            Title(value="New task", size="sm"),
            Form(
                gap=3,
                onSubmitAction=act("form.submit", source="gallery"),
                children=[
                    Label(value="Title", fieldName="todo.title"),
                    Input(name="todo.title", placeholder="What needs doing?", required=True),
                    Textarea(name="todo.notes", placeholder="Notes", rows=2),
                    Row(
                        gap=3,
                        children=[
                            Select(
                                name="todo.priority",
                                options=OPTIONS,
                                defaultValue="medium",
                                placeholder="Priority",
                            ),
                            DatePicker(
                                name="todo.due",
                                defaultValue=datetime(2025, 1, 31),
                                placeholder="Due date",
                            ),
                        ],
                    ),
                    RadioGroup(
                        name="todo.size",
                        options=[
                            {"value": "s", "label": "Small"},
                            {"value": "l", "label": "Large"},
                        ],
                        defaultValue="s",
                        direction="row",
                    ),
                    Checkbox(name="todo.urgent", label="Urgent"),
                    Button(label="Add task", submit=True, style="primary"),
                ],
            ),
        ]
    )


def control_examples() -> Card:
    """Controls outside a form: defaults, change actions and disabled states."""
    return Card(
        children=[
            Checkbox(
                name="done",
                label="Checked checkbox",
                defaultChecked=True,
                onChangeAction=act("checkbox", id="a"),
            ),
            Checkbox(
                name="done", label="Unchecked checkbox", onChangeAction=act("checkbox", id="b")
            ),
            Checkbox(name="locked", label="Disabled checkbox", defaultChecked=True, disabled=True),
            Input(name="filled", defaultValue="Input with a default value"),
            Input(name="secret", inputType="password", defaultValue="hunter2", variant="soft"),
            Input(name="off", placeholder="Disabled input", disabled=True),
            Textarea(name="essay", defaultValue="Textarea default\nsecond line", autoResize=True),
            Select(
                name="priority",
                options=OPTIONS,
                placeholder="Pick a priority",
                clearable=True,
                onChangeAction=act("select"),
            ),
            RadioGroup(
                name="choice",
                options=[
                    *OPTIONS,
                    {"value": "never", "label": "Never (disabled)", "disabled": True},
                ],
                defaultValue="high",
                onChangeAction=act("radio"),
            ),
            DatePicker(name="when", placeholder="Pick a date", onChangeAction=act("date")),
        ]
    )


def list_view_example() -> ListView:
    """A ListView with a status header, clickable items and a limit of 3."""
    items = [
        ListViewItem(
            onClickAction=act("item", index=i),
            gap=3,
            children=[
                Icon(
                    name="check-circle-filled" if i % 2 else "empty-circle",
                    color="success" if i % 2 else "tertiary",
                ),
                Text(value=f"List item {i}", lineThrough=bool(i % 2)),
                Spacer(),
                Badge(label="done" if i % 2 else "open", color="success" if i % 2 else "secondary"),
            ],
        )
        for i in range(1, 6)
    ]
    return ListView(
        limit=3, status={"text": "Five items, three shown", "icon": "notebook"}, children=items
    )


def card_examples() -> list[GalleryExample]:
    """Card features: status, asForm with confirm/cancel, collapsed, sizes, backgrounds."""
    as_form = Card(
        asForm=True,
        status={"text": "Card with status, asForm, confirm and cancel", "icon": "write"},
        confirm={"label": "Save", "action": act("card.confirm", id="card-1")},
        cancel={"label": "Discard", "action": act("card.cancel", id="card-1")},
        children=[Input(name="title", defaultValue="Edit me", required=True)],
    )
    collapsed = Card(
        collapsed=True,
        size="sm",
        background="surface-secondary",
        children=[Text(value="Collapsed body")],
    )
    sized = Card(
        size="full",
        padding=6,
        background={"light": "#f0fdf4", "dark": "#052e16"},
        children=[Text(value="size=full, padding=6")],
    )
    return [
        GalleryExample("Card: asForm, confirm/cancel", as_form),
        GalleryExample("Card: collapsed", collapsed),
        GalleryExample("Card: full size", sized),
    ]


def behaviour_examples() -> Card:
    """Action handlers and loading behaviours (the gallery handler waits `delay` seconds)."""
    slow = {"delay": 1.5}
    return Card(
        children=[
            Row(
                gap=2,
                wrap="wrap",
                children=[
                    Button(
                        label=f"Loading {b}",
                        onClickAction=ActionConfig(
                            type="gallery.slow", payload={**slow, "behavior": b}, loadingBehavior=b
                        ),
                    )
                    for b in ("auto", "self", "container", "none")
                ],
            ),
            Button(
                label="Client action",
                style="secondary",
                onClickAction=ActionConfig(
                    type="gallery.client", handler="client", payload={"where": "browser"}
                ),
            ),
        ]
    )


def fallback_examples() -> list[GalleryExample]:
    """Unknown components, template-built (dynamic) widgets and text that looks like HTML."""
    unknown = Card(
        children=[
            Text(value="The next component has a type this renderer does not know:"),
            DynamicWidgetComponent(type="Carousel", slides=[["a", 1]]),
        ]
    )
    dynamic = DynamicWidgetRoot.model_validate(
        {
            "type": "Card",
            "children": [
                {
                    "type": "Text",
                    "value": "Built from JSON like a widget template",
                    "weight": "semibold",
                },
                {
                    "type": "Button",
                    "label": "Dynamic button",
                    "onClickAction": {"type": "gallery.dynamic", "payload": {"from": "json"}},
                },
            ],
        }
    )
    xss = Card(
        children=[
            *[Text(value=s) for s in XSS_STRINGS],
            Title(value=XSS_STRINGS[0], size="sm"),
            Row(
                gap=2,
                children=[
                    Badge(label=XSS_STRINGS[1]),
                    Button(label=XSS_STRINGS[0], onClickAction=act("xss")),
                ],
            ),
        ]
    )
    basic = BasicRoot(
        children=[
            DynamicWidgetComponent(type="Text", value="A Basic root with a dynamic Text child")
        ]
    )
    return [
        GalleryExample("Unknown component type", unknown),
        GalleryExample("Template-built widget (dynamic classes)", dynamic),
        GalleryExample("Basic root", basic),
        GalleryExample("Text is always text", xss),
    ]


def read_only_example() -> GalleryExample:
    """An old snapshot: same look, controls disabled, no actions."""
    card = Card(
        status={"text": "Read-only snapshot", "icon": "clock"},
        confirm={"label": "Save", "action": act("readonly.confirm")},
        children=[
            Checkbox(
                name="done",
                label="Read-only checkbox",
                defaultChecked=True,
                onChangeAction=act("readonly.checkbox"),
            ),
            Input(name="title", defaultValue="Read-only input"),
            Button(label="Read-only button", onClickAction=act("readonly.button")),
        ],
    )
    return GalleryExample("Read-only card", card, read_only=True)
