"""Translate ChatKit style tokens (colors, spacing, sizes, borders) into inline CSS."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from nicegui import ui

from .widget_palette import var

Styles = dict[str, str]

# ChatKit spacing values are multiples of a 4px unit; strings pass through as CSS.
SPACING_UNIT_PX = 4

# Only plain CSS values: no ';', ':', quotes or braces, so server-sent values cannot inject rules.
_SAFE_CSS = re.compile(r"^[#\w\s.,%()+\-/]{1,120}$")

TEXT_COLORS = {
    name: var(f"text-{name}")
    for name in (
        "prose",
        "primary",
        "emphasis",
        "secondary",
        "tertiary",
        "success",
        "warning",
        "caution",
        "danger",
        "info",
        "discovery",
    )
}
BACKGROUND_COLORS = {
    name: var(name)
    for name in (
        "surface",
        "surface-secondary",
        "surface-tertiary",
        "surface-elevated",
        "surface-elevated-secondary",
    )
}
BORDER_COLORS = {name: var(f"border-{name}") for name in ("default", "subtle", "strong")}
CHART_COLORS = {
    "blue": "#3b82f6",
    "purple": "#a855f7",
    "orange": "#f97316",
    "green": "#22c55e",
    "red": "#ef4444",
    "yellow": "#eab308",
    "pink": "#ec4899",
}
# Tailwind's 500 shades; other shades are mixed towards white or black (close enough on screen).
PRIMITIVE_HUES = {
    "red": "#ef4444",
    "orange": "#f97316",
    "amber": "#f59e0b",
    "yellow": "#eab308",
    "lime": "#84cc16",
    "green": "#22c55e",
    "emerald": "#10b981",
    "teal": "#14b8a6",
    "cyan": "#06b6d4",
    "sky": "#0ea5e9",
    "blue": "#3b82f6",
    "indigo": "#6366f1",
    "violet": "#8b5cf6",
    "purple": "#a855f7",
    "fuchsia": "#d946ef",
    "pink": "#ec4899",
    "rose": "#f43f5e",
    "slate": "#64748b",
    "gray": "#6b7280",
    "zinc": "#71717a",
    "neutral": "#737373",
    "stone": "#78716c",
}
RADII = {
    "none": "0",
    "2xs": "2px",
    "xs": "4px",
    "sm": "6px",
    "md": "8px",
    "lg": "10px",
    "xl": "12px",
    "2xl": "16px",
    "3xl": "20px",
    "4xl": "24px",
    "full": "9999px",
    "100%": "100%",
}
WEIGHTS = {"normal": "400", "medium": "500", "semibold": "600", "bold": "700"}
TEXT_SIZES = {"xs": "12px", "sm": "14px", "md": "16px", "lg": "18px", "xl": "20px"}
TITLE_SIZES = {
    "sm": "16px",
    "md": "20px",
    "lg": "24px",
    "xl": "28px",
    "2xl": "32px",
    "3xl": "36px",
    "4xl": "42px",
    "5xl": "48px",
}
CAPTION_SIZES = {"sm": "12px", "md": "13px", "lg": "14px"}
ICON_SIZES = {
    "xs": "12px",
    "sm": "14px",
    "md": "16px",
    "lg": "20px",
    "xl": "24px",
    "2xl": "32px",
    "3xl": "40px",
}
CONTROL_FONT_SIZES = {
    "3xs": "10px",
    "2xs": "11px",
    "xs": "12px",
    "sm": "13px",
    "md": "14px",
    "lg": "15px",
    "xl": "16px",
    "2xl": "18px",
    "3xl": "20px",
}
ALIGN = {
    "start": "flex-start",
    "end": "flex-end",
    "center": "center",
    "baseline": "baseline",
    "stretch": "stretch",
}
JUSTIFY = {
    "start": "flex-start",
    "end": "flex-end",
    "center": "center",
    "between": "space-between",
    "around": "space-around",
    "evenly": "space-evenly",
    "stretch": "stretch",
}
TEXT_ALIGN = {"start": "left", "center": "center", "end": "right"}


def safe_css(value: Any) -> str | None:
    """Return the value as CSS text if it is a plain, harmless CSS value."""
    text = str(value).strip()
    return text if _SAFE_CSS.match(text) else None


def length(value: Any) -> str | None:
    """Convert a px number or CSS string into a CSS length."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return f"{value:g}px"
    return safe_css(value)


def space(value: Any) -> str | None:
    """Convert a spacing unit (x4px) or CSS string into a CSS length."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return f"{value * SPACING_UNIT_PX:g}px"
    return safe_css(value)


def mix(hex_color: str, other: str, share: float) -> str:
    """Blend `share` of hex_color with the rest taken from `other` (both #rrggbb)."""
    a = [int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(
        f"{round(x * share + y * (1 - share)):02x}" for x, y in zip(a, b, strict=True)
    )


def primitive_color(token: str) -> str | None:
    """Resolve a primitive token such as `red-100` or `gray-500` to a hex color."""
    hue, _, shade_text = token.rpartition("-")
    if hue not in PRIMITIVE_HUES or not shade_text.isdigit():
        return None
    base, shade = PRIMITIVE_HUES[hue], int(shade_text)
    if shade <= 500:
        return mix(base, "#ffffff", (max(shade, 25) / 500) ** 1.5)
    return mix(base, "#000000", 1 - min(shade - 500, 500) / 500 * 0.75)


def color(value: Any, tokens: Mapping[str, str] = TEXT_COLORS) -> str | None:
    """Resolve a ChatKit color (token, primitive, CSS string or {light, dark}) to CSS."""
    if isinstance(value, Mapping):
        light, dark = color(value.get("light"), tokens), color(value.get("dark"), tokens)
        if light and dark:
            return f"light-dark({light}, {dark})"  # the widget's color-scheme picks one
        return light or dark
    if not isinstance(value, str) or not value:
        return None
    if value in tokens:
        return tokens[value]
    return primitive_color(value) or safe_css(value)


def spacing_styles(prop: str, value: Any) -> Styles:
    """Expand a padding/margin value (unit, CSS string or Spacing dict) into CSS."""
    if isinstance(value, Mapping):
        sides: dict[str, Any] = {}
        for key, targets in (("x", ("left", "right")), ("y", ("top", "bottom"))):
            for side in targets:
                if key in value:
                    sides[side] = value[key]
        for side in ("top", "right", "bottom", "left"):
            if side in value:
                sides[side] = value[side]
        return {f"{prop}-{side}": css for side, v in sides.items() if (css := space(v))}
    css = space(value)
    return {prop: css} if css else {}


def _edge(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}px solid {BORDER_COLORS['default']}"
    if isinstance(value, Mapping):
        size = length(value.get("size", 1)) or "1px"
        style = value.get("style") if value.get("style") in _BORDER_STYLES else "solid"
        edge_color = (
            color(value.get("color") or "default", BORDER_COLORS) or BORDER_COLORS["default"]
        )
        return f"{size} {style} {edge_color}"
    return None


_BORDER_STYLES = {"solid", "dashed", "dotted", "double", "groove", "ridge", "inset", "outset"}


def border_styles(value: Any) -> Styles:
    """Expand a border value (px, Border or Borders dict) into CSS."""
    if isinstance(value, Mapping) and "size" not in value:
        sides: dict[str, Any] = {}
        for key, targets in (("x", ("left", "right")), ("y", ("top", "bottom"))):
            for side in targets:
                if key in value:
                    sides[side] = value[key]
        for side in ("top", "right", "bottom", "left"):
            if side in value:
                sides[side] = value[side]
        return {f"border-{side}": css for side, v in sides.items() if (css := _edge(v))}
    css = _edge(value)
    return {"border": css} if css else {}


def size_styles(node: Mapping[str, Any]) -> Styles:
    """Collect width/height/min/max/size/flex/aspectRatio properties."""
    styles: Styles = {}
    for shorthand, props in (
        ("size", ("width", "height")),
        ("minSize", ("min-width", "min-height")),
        ("maxSize", ("max-width", "max-height")),
    ):
        if (css := length(node.get(shorthand))) is not None:
            styles.update(dict.fromkeys(props, css))
    for key, prop in (
        ("width", "width"),
        ("height", "height"),
        ("minWidth", "min-width"),
        ("minHeight", "min-height"),
        ("maxWidth", "max-width"),
        ("maxHeight", "max-height"),
    ):
        if (css := length(node.get(key))) is not None:
            styles[prop] = css
    if (flex := node.get("flex")) is not None and (css := safe_css(flex)):
        styles["flex"] = css
    if (ratio := node.get("aspectRatio")) is not None and (css := safe_css(ratio)):
        styles["aspect-ratio"] = css
    return styles


def box_styles(node: Mapping[str, Any]) -> Styles:
    """Collect every BoxBase layout property of a container node."""
    styles = size_styles(node)
    if (align := ALIGN.get(node.get("align") or "")) is not None:
        styles["align-items"] = align
    if (justify := JUSTIFY.get(node.get("justify") or "")) is not None:
        styles["justify-content"] = justify
    if node.get("wrap") in {"nowrap", "wrap", "wrap-reverse"}:
        styles["flex-wrap"] = node["wrap"]
    if (gap := space(node.get("gap"))) is not None:
        styles["gap"] = gap
    styles.update(spacing_styles("padding", node.get("padding")))
    styles.update(spacing_styles("margin", node.get("margin")))
    styles.update(border_styles(node.get("border")))
    if (radius := RADII.get(node.get("radius") or "")) is not None:
        styles["border-radius"] = radius
    if (background := color(node.get("background"), BACKGROUND_COLORS)) is not None:
        styles["background"] = background
    return styles


def text_styles(node: Mapping[str, Any], sizes: Mapping[str, str], default_size: str) -> Styles:
    """Collect typography properties shared by Text, Title, Caption and Label."""
    styles: Styles = {"font-size": sizes.get(node.get("size") or default_size, sizes[default_size])}
    if (weight := WEIGHTS.get(node.get("weight") or "")) is not None:
        styles["font-weight"] = weight
    if (text_color := color(node.get("color"))) is not None:
        styles["color"] = text_color
    if (align := TEXT_ALIGN.get(node.get("textAlign") or "")) is not None:
        styles["text-align"] = align
    if node.get("italic"):
        styles["font-style"] = "italic"
    if node.get("lineThrough"):
        styles["text-decoration"] = "line-through"
    if (width := length(node.get("width"))) is not None:
        styles["width"] = width
    if node.get("truncate"):
        styles.update({"overflow": "hidden", "text-overflow": "ellipsis", "white-space": "nowrap"})
    elif isinstance(max_lines := node.get("maxLines"), int) and max_lines > 0:
        styles.update(
            {
                "display": "-webkit-box",
                "-webkit-line-clamp": str(max_lines),
                "-webkit-box-orient": "vertical",
                "overflow": "hidden",
            }
        )
    if isinstance(min_lines := node.get("minLines"), int) and min_lines > 0:
        styles["min-height"] = f"{min_lines * 1.5:g}em"
    return styles


def flush_styles() -> dict[str, str]:
    """Stretch an element over its card's horizontal padding (ChatKit's `flush`)."""
    left, right = "var(--ck-pad-left, 0px)", "var(--ck-pad-right, 0px)"
    return {
        "margin-left": f"calc(-1 * {left})",
        "margin-right": f"calc(-1 * {right})",
        "width": f"calc(100% + {left} + {right})",
        "max-width": "none",
    }


def apply(element: ui.element, styles: Mapping[str, str]) -> ui.element:
    """Apply a style dict to an element as inline CSS."""
    if styles:
        element.style("; ".join(f"{key}: {value}" for key, value in styles.items()))
    return element
