"""The gallery's example widgets: one of every ChatKit component and state.

Read top to bottom as a catalogue when building widgets for a new use case. Every action
uses a `gallery.*` type; the gallery page shows the type and merged payload in a toast.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import NamedTuple

from chatkit.actions import ActionConfig
from chatkit.widgets import (
    Badge,
    BarSeries,
    BasicRoot,
    Box,
    Button,
    Caption,
    Card,
    Chart,
    Checkbox,
    Col,
    DatePicker,
    Divider,
    DynamicWidgetComponent,
    DynamicWidgetRoot,
    Form,
    Icon,
    Image,
    Input,
    Label,
    LineSeries,
    ListView,
    ListViewItem,
    Markdown,
    RadioGroup,
    Row,
    Select,
    Spacer,
    Text,
    Textarea,
    Title,
    Transition,
    WidgetRoot,
)

from .widget_content import ICONS


class GalleryExample(NamedTuple):
    """One gallery entry: a heading, the widget, and whether it renders read-only."""

    title: str
    widget: WidgetRoot
    read_only: bool = False


def act(kind: str, **payload: object) -> ActionConfig:
    """Build a server action of type `gallery.<kind>` with the given payload."""
    return ActionConfig(type=f"gallery.{kind}", payload=payload or None)


# A tiny inline SVG, so the gallery never fetches anything from the network.
IMAGE_SRC = (
    "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='160' height='90'>"
    "<rect width='160' height='90' fill='%23dbeafe'/><circle cx='45' cy='45' r='25' fill='%233b82f6'/>"
    "<rect x='85' y='25' width='50' height='40' rx='6' fill='%2393c5fd'/></svg>"
)
XSS_STRINGS = ["<img src=x onerror=alert(1)>", "<script>alert('x')</script>", "**not bold** & <b>"]
TEXT_COLORS = ["prose", "primary", "emphasis", "secondary", "tertiary", "success", "warning"]
TEXT_COLORS += ["danger", "purple-600", "#0ea5e9"]
BADGE_COLORS = ["secondary", "success", "danger", "warning", "info", "discovery"]
BUTTON_COLORS = ["primary", "secondary", "info", "discovery", "success", "caution", "warning"]
BUTTON_COLORS += ["danger"]
OPTIONS = [
    {"value": "low", "label": "Low"},
    {"value": "medium", "label": "Medium"},
    {"value": "high", "label": "High"},
]


def text_examples() -> Card:
    """Text sizes, weights, colors and decorations."""
    return Card(
        children=[
            Col(
                gap=1,
                children=[
                    Text(value=f"Text size {s}", size=s) for s in ("xs", "sm", "md", "lg", "xl")
                ],
            ),
            Divider(),
            Row(
                gap=3,
                wrap="wrap",
                children=[
                    Text(value=f"weight {w}", weight=w)
                    for w in ("normal", "medium", "semibold", "bold")
                ],
            ),
            Row(gap=3, wrap="wrap", children=[Text(value=c, color=c) for c in TEXT_COLORS]),
            Text(
                value="Theme-aware color {light, dark}",
                color={"light": "#b45309", "dark": "#fcd34d"},
            ),
            Row(
                gap=3,
                children=[
                    Text(value="italic", italic=True),
                    Text(value="line-through", lineThrough=True),
                ],
            ),
            Text(
                value="A long line that is truncated with an ellipsis because it does not fit",
                truncate=True,
                width=260,
            ),
            Text(value="Clamped to two lines. " * 8, maxLines=2),
            Text(value="centered", textAlign="center"),
            Text(value="end-aligned", textAlign="end"),
        ]
    )


def title_examples() -> Card:
    """Title and Caption sizes, plus Markdown."""
    title_sizes = ("sm", "md", "lg", "xl", "2xl", "3xl", "4xl", "5xl")
    return Card(
        children=[
            *[Title(value=f"Title {s}", size=s) for s in title_sizes],
            Title(value="Title bold success", weight="bold", color="success"),
            *[Caption(value=f"Caption {s}", size=s) for s in ("sm", "md", "lg")],
            Caption(value="Caption danger semibold", color="danger", weight="semibold"),
            Markdown(
                value="**Markdown** with a list:\n\n- `code`\n- *emphasis*\n\n| a | b |\n|---|---|\n| 1 | 2 |"
            ),
        ]
    )


def badge_examples() -> Card:
    """Badge colors × variants, sizes and pills."""
    rows = [
        Row(
            gap=2,
            wrap="wrap",
            children=[Badge(label=f"{c} {v}", color=c, variant=v) for c in BADGE_COLORS],
        )
        for v in ("solid", "soft", "outline")
    ]
    sizes = [Badge(label=f"size {s}", size=s, color="info") for s in ("sm", "md", "lg")]
    return Card(
        children=[
            *rows,
            Row(gap=2, children=[*sizes, Badge(label="pill", pill=True, color="success")]),
        ]
    )


def button_examples() -> Card:
    """Button styles, colors, variants, sizes, icons and states."""
    return Card(
        children=[
            Row(
                gap=2,
                wrap="wrap",
                children=[
                    Button(
                        label="Primary style",
                        style="primary",
                        onClickAction=act("button", name="primary"),
                    ),
                    Button(
                        label="Secondary style",
                        style="secondary",
                        onClickAction=act("button", name="secondary"),
                    ),
                    Button(
                        label="Disabled",
                        disabled=True,
                        onClickAction=act("button", name="disabled"),
                    ),
                ],
            ),
            Row(
                gap=2,
                wrap="wrap",
                children=[
                    Button(label=c, color=c, onClickAction=act("button", name=c))
                    for c in BUTTON_COLORS
                ],
            ),
            Row(
                gap=2,
                wrap="wrap",
                children=[
                    Button(
                        label=f"{v} variant",
                        color="info",
                        variant=v,
                        onClickAction=act("button", name=v),
                    )
                    for v in ("solid", "soft", "outline", "ghost")
                ],
            ),
            Row(
                gap=2,
                wrap="wrap",
                children=[
                    Button(label=f"size {s}", size=s, onClickAction=act("button", name=s))
                    for s in ("xs", "sm", "md", "lg", "xl")
                ],
            ),
            Row(
                gap=2,
                wrap="wrap",
                children=[
                    Button(label="Pill", pill=True, onClickAction=act("button", name="pill")),
                    Button(
                        iconStart="plus", uniform=True, onClickAction=act("button", name="uniform")
                    ),
                    Button(
                        label="Icons",
                        iconStart="sparkle",
                        iconEnd="chevron-right",
                        variant="outline",
                        onClickAction=act("button", name="icons"),
                    ),
                ],
            ),
            Button(
                label="Block button",
                block=True,
                color="success",
                onClickAction=act("button", name="block"),
            ),
        ]
    )


def icon_examples() -> Card:
    """Every ChatKit icon name, in a few sizes and colors."""
    names = [n for n in ICONS if ":" not in n][:63]
    cells = [
        Col(
            align="center",
            width=84,
            children=[Icon(name=n, size="xl"), Caption(value=n, size="sm")],
        )
        for n in names
    ]
    sizes = [
        Icon(name="star-filled", size=s, color="warning")
        for s in ("xs", "sm", "md", "lg", "xl", "2xl", "3xl")
    ]
    return Card(
        size="lg",
        children=[Row(align="end", gap=2, children=sizes), Row(wrap="wrap", gap=2, children=cells)],
    )


def layout_examples() -> Card:
    """Box, Row, Col, Spacer, Divider and their spacing/border/background props."""
    cell = {"padding": 2, "radius": "md", "background": "surface-tertiary"}
    return Card(
        children=[
            Row(children=[Text(value="Row with Spacer"), Spacer(), Badge(label="pushed right")]),
            Divider(spacing=2),
            Row(
                gap=4,
                justify="between",
                children=[
                    Box(**cell, children=[Text(value=t)]) for t in ("between", "justified", "row")
                ],
            ),
            Box(
                direction="row",
                gap=2,
                padding={"x": 4, "y": 2},
                border={"size": 1, "style": "dashed", "color": "strong"},
                radius="lg",
                children=[
                    Text(value="Box direction=row, dashed border"),
                    Divider(),
                    Text(value="vertical divider"),
                ],
            ),
            Col(
                gap=1,
                padding=3,
                margin={"top": 1},
                background="blue-50",
                radius="xl",
                border=1,
                children=[
                    Text(value="Col with padding, margin, background blue-50"),
                    Caption(value="radius xl, border 1"),
                ],
            ),
            Row(
                wrap="wrap",
                gap=2,
                children=[
                    Box(**cell, width=120, height=40, children=[Text(value=f"fixed {i}")])
                    for i in range(4)
                ],
            ),
            Transition(children=Text(value="Inside a Transition", color="discovery")),
        ]
    )


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
                name="choice", options=OPTIONS, defaultValue="high", onChangeAction=act("radio")
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


def media_examples() -> Card:
    """Chart and Image."""
    data = [
        {"month": m, "done": d, "open": o}
        for m, d, o in (("Jan", 4, 3), ("Feb", 6, 2), ("Mar", 9, 4))
    ]
    chart = Chart(
        data=data,
        xAxis="month",
        height=200,
        series=[
            BarSeries(label="Done", dataKey="done", color="green"),
            LineSeries(label="Open", dataKey="open", color="orange"),
        ],
    )
    image = Image(src=IMAGE_SRC, alt="Gallery image", width=160, height=90, radius="lg", frame=True)
    return Card(
        children=[Title(value="Chart", size="sm"), chart, Title(value="Image", size="sm"), image]
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
            DynamicWidgetComponent(type="Table", rows=[["a", 1]]),
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


def build_gallery() -> list[GalleryExample]:
    """Build every gallery example (named widget classes warn about deprecation; silence it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return [
            GalleryExample("Text", text_examples()),
            GalleryExample("Title, Caption, Markdown", title_examples()),
            GalleryExample("Badge", badge_examples()),
            GalleryExample("Button", button_examples()),
            GalleryExample("Icon", icon_examples()),
            GalleryExample("Layout: Box, Row, Col, Spacer, Divider, Transition", layout_examples()),
            GalleryExample("Form", form_example()),
            GalleryExample("Controls", control_examples()),
            GalleryExample("ListView", list_view_example()),
            GalleryExample("Chart and Image", media_examples()),
            *card_examples(),
            GalleryExample("Actions and loading behaviours", behaviour_examples()),
            *fallback_examples(),
            read_only_example(),
        ]


GALLERY: list[GalleryExample] = build_gallery()
"""Every gallery example, in page order."""
