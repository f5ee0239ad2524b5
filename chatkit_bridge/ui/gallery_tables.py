"""Gallery examples, part 3: what ChatKit's 1.9 front end added (Table, flush, themes, ...).

The Python SDK has no classes for Table yet, so these examples are JSON, exactly as a
widget template or a `DynamicWidgetComponent` sends them.
"""

from __future__ import annotations

from typing import Any

from chatkit.widgets import DynamicWidgetRoot

from .gallery_widgets import IMAGE_SRC, GalleryExample


def _card(*children: dict[str, Any], **props: Any) -> DynamicWidgetRoot:
    return DynamicWidgetRoot.model_validate({"type": "Card", "children": list(children), **props})


def _text(value: str, **props: Any) -> dict[str, Any]:
    return {"type": "Text", "value": value, **props}


def _cell(*children: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"type": "Table.Cell", "children": list(children), **props}


def _row(*cells: dict[str, Any], header: bool = False) -> dict[str, Any]:
    return {"type": "Table.Row", "header": header, "children": list(cells)}


def table_example() -> DynamicWidgetRoot:
    """A table with a header row, spans, alignment, column sizes and a badge in a cell."""
    badge = {"type": "Badge", "label": "late", "color": "danger"}
    table = {
        "type": "Table",
        "children": [
            _row(
                _cell(_text("Task"), colSize="lg"),
                _cell(_text("Owner"), colSize="sm"),
                _cell(_text("Hours"), align="end", colSize="xs"),
                header=True,
            ),
            _row(
                _cell(_text("Write the report")),
                _cell(_text("Ana")),
                _cell(_text("6"), align="end"),
            ),
            _row(
                _cell(_text("Review"), {"type": "Caption", "value": "spans two rows"}, rowSpan=2),
                _cell(_text("Ben"), badge, vAlign="center"),
                _cell(_text("2"), align="end"),
            ),
            _row(_cell(_text("Chi")), _cell(_text("1"), align="end")),
            _row(
                _cell(_text("Total", weight="semibold"), colSpan=2, align="end"),
                _cell(_text("9", weight="semibold"), align="end", padding={"x": 3, "y": 2}),
            ),
        ],
    }
    return _card({"type": "Title", "value": "Team hours", "size": "sm"}, table)


def wide_table_example() -> DynamicWidgetRoot:
    """A table wider than the chat: it scrolls inside its card, the page never does."""
    months = ["January", "February", "March", "April", "May", "June", "July", "August"]
    header = _row(*[_cell(_text(m), width=140) for m in months], header=True)
    body = _row(*[_cell(_text(f"{n * 10} units"), align="center") for n in range(len(months))])
    return _card(
        _text("Eight columns of 140 px: scroll sideways inside the card."),
        {"type": "Table", "children": [header, body]},
    )


def property_examples() -> DynamicWidgetRoot:
    """Properties ChatKit 1.9 defines that older renderers ignored."""
    return _card(
        {"type": "Title", "value": "Flush divider and image", "size": "sm"},
        {"type": "Divider", "flush": True},
        {"type": "Image", "src": IMAGE_SRC, "alt": "Flush image", "flush": True, "height": 90},
        {
            "type": "Row",
            "gap": 2,
            "children": [
                {"type": "Button", "label": "Large icon", "iconStart": "sparkle", "iconSize": "xl"},
                {"type": "Button", "label": "Soft info", "color": "info", "variant": "soft"},
            ],
        },
        {
            "type": "Form",
            "gap": 2,
            "onSubmitAction": {"type": "gallery.properties"},
            "children": [
                {"type": "Label", "value": "Email (label tied to its field)", "fieldName": "email"},
                {
                    "type": "Input",
                    "name": "email",
                    "inputType": "email",
                    "gutterSize": "lg",
                    "autoComplete": "email",
                },
                {"type": "Label", "value": "Notes (at most 4 rows)", "fieldName": "notes"},
                {"type": "Textarea", "name": "notes", "autoResize": True, "maxRows": 4},
                {"type": "Label", "value": "A day in January 2025", "fieldName": "day"},
                {
                    "type": "DatePicker",
                    "name": "day",
                    "min": "2025-01-01",
                    "max": "2025-01-31",
                    "side": "top",
                    "align": "end",
                },
                {"type": "Button", "label": "Check fields", "submit": True},
            ],
        },
        border={"size": 2, "color": "info", "style": "dashed"},
    )


def theme_examples() -> list[GalleryExample]:
    """The same card forced light and forced dark, whatever the page's mode."""

    def themed(theme: str) -> DynamicWidgetRoot:
        return _card(
            {"type": "Title", "value": f"theme={theme}", "size": "sm"},
            _text("Secondary text", color="secondary"),
            _text("Theme-aware colour", color={"light": "blue-700", "dark": "blue-300"}),
            {
                "type": "Row",
                "gap": 2,
                "children": [
                    {"type": "Badge", "label": "success", "color": "success"},
                    {"type": "Button", "label": "Primary"},
                    {"type": "Button", "label": "Outline", "variant": "outline"},
                ],
            },
            theme=theme,
        )

    return [
        GalleryExample("Theme: light", themed("light")),
        GalleryExample("Theme: dark", themed("dark")),
    ]


def new_in_1_9_examples() -> list[GalleryExample]:
    """Every example of this module in page order."""
    return [
        GalleryExample("Table", table_example()),
        GalleryExample("Table wider than the chat", wide_table_example()),
        GalleryExample("ChatKit 1.9 properties", property_examples()),
        *theme_examples(),
    ]
