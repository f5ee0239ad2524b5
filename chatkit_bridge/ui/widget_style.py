"""Translate ChatKit style tokens (colors, spacing, sizes, borders) into inline CSS."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from nicegui import ui

from .widget_tokens import (
    ALIGN,
    BACKGROUND_COLORS,
    BORDER_COLORS,
    JUSTIFY,
    PRIMITIVE_HUES,
    RADII,
    SPACING_UNIT_PX,
    TEXT_ALIGN,
    TEXT_COLORS,
    WEIGHTS,
)

Styles = dict[str, str]

# Only plain CSS values: no ';', ':', quotes or braces, so server-sent values cannot inject rules.
_SAFE_CSS = re.compile(r"^[#\w\s.,%()+\-/]{1,120}$")


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
