"""Gallery examples: buttons (styles, colors, variants, sizes, icons, states) and icons."""

from __future__ import annotations

from chatkit.widgets import Button, Caption, Card, Col, Icon, Row

from .gallery_widgets import act
from .widget_content import ICONS

BUTTON_COLORS = ["primary", "secondary", "info", "discovery", "success", "caution", "warning"]
BUTTON_COLORS += ["danger"]


def button_examples() -> Card:
    """Button styles, colors, variants, sizes, icons and states."""
    return Card(
        children=[
            *_style_and_color_rows(),
            *_shape_rows(),
            Button(
                label="Block button",
                block=True,
                color="success",
                onClickAction=act("button", name="block"),
            ),
        ]
    )


def _style_and_color_rows() -> list[Row]:
    """Styles and the disabled state, then every color."""
    return [
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
                Button(label=c, color=c, onClickAction=act("button", name=c)) for c in BUTTON_COLORS
            ],
        ),
    ]


def _shape_rows() -> list[Row]:
    """Variants, sizes, pill, uniform (icon only) and icons around a label."""
    return [
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
                Button(iconStart="plus", uniform=True, onClickAction=act("button", name="uniform")),
                Button(
                    label="Icons",
                    iconStart="sparkle",
                    iconEnd="chevron-right",
                    variant="outline",
                    onClickAction=act("button", name="icons"),
                ),
            ],
        ),
    ]


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
