"""Gallery examples, part 1: helpers and the display components (text, badges, layout, media).

Read top to bottom as a catalogue when building widgets for a new use case. Every action
uses a `gallery.*` type; the gallery page shows the type and merged payload in a toast.
"""

from __future__ import annotations

from typing import NamedTuple

from chatkit.actions import ActionConfig
from chatkit.widgets import (
    Badge,
    BarSeries,
    Box,
    Caption,
    Card,
    Chart,
    Col,
    Divider,
    Image,
    LineSeries,
    Markdown,
    Row,
    Spacer,
    Text,
    Title,
    Transition,
    WidgetRoot,
)


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
    "<rect width='160' height='90' fill='%23dbeafe'/>"
    "<circle cx='45' cy='45' r='25' fill='%233b82f6'/>"
    "<rect x='85' y='25' width='50' height='40' rx='6' fill='%2393c5fd'/></svg>"
)
XSS_STRINGS = ["<img src=x onerror=alert(1)>", "<script>alert('x')</script>", "**not bold** & <b>"]
TEXT_COLORS = ["prose", "primary", "emphasis", "secondary", "tertiary", "success", "warning"]
TEXT_COLORS += ["danger", "purple-600", "#0ea5e9"]
BADGE_COLORS = ["secondary", "success", "danger", "warning", "info", "discovery"]
MARKDOWN_SAMPLE = (
    "**Markdown** with a list:\n\n- `code`\n- *emphasis*\n\n| a | b |\n|---|---|\n| 1 | 2 |"
)
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
            Markdown(value=MARKDOWN_SAMPLE),
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
