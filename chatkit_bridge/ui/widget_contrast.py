"""Readable text whatever colours a widget's author picks: at least 4.5:1 in light and in dark.

ChatKit lets an author colour text and boxes with palette tokens, primitives (`purple-600`),
any CSS colour (`#0ea5e9`) or a `{light, dark}` pair. The palette tokens already meet WCAG's
4.5:1 on ChatKit's surfaces (widget_palette); the rest is the author's choice and often does not
(sky-500 on white is 2.8:1; purple-600 on the dark surface 3.1:1). The renderer therefore:

- keeps every background as the author gave it (a `blue-50` box stays light in dark mode: the
  author chose that colour, and the box is the thing they meant to show);
- works out, per theme, the background each text sits on (the nearest box with a background,
  else the card's surface);
- moves a text colour that falls short towards black (on a light background) or white (on a
  dark one) just far enough to reach the ratio, keeping its hue, separately for light and dark
  (`light-dark()`, which the widget's colour scheme resolves);
- inside a box with its own background, redefines the text tokens the same way, so inherited
  text, captions and secondary text stay readable there too.

This is the rule the palette already follows for its own tokens: accessibility over pixel
fidelity, changed no further than needed. The WCAG formulas are a few lines; a colour library
would add a dependency for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nicegui import ui

from .widget_core import RenderContext
from .widget_palette import PALETTE
from .widget_style import mix, primitive_color

Pair = tuple[str, str]
"""A colour as #rrggbb in the light theme and in the dark theme."""

SURFACE: Pair = PALETTE["surface"]
MIN_CONTRAST = 4.5
_TARGET = 4.6  # a little above the minimum: the browser rounds channel values
_TEXT_TOKENS = [name for name in PALETTE if name.startswith("text")]


def _hex(value: str) -> str | None:
    """Normalise #rgb / #rrggbb to #rrggbb; None for anything else (rgba, oklab, names)."""
    text = value.strip().lower()
    if len(text) == 4 and text.startswith("#"):
        text = "#" + "".join(c * 2 for c in text[1:])
    if len(text) == 7 and text.startswith("#"):
        try:
            int(text[1:], 16)
        except ValueError:
            return None
        return text
    return None


def luminance(color: str) -> float:
    """Return the WCAG relative luminance of a #rrggbb colour."""
    channels = []
    for i in (1, 3, 5):
        c = int(color[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(text: str, background: str) -> str:
    """Move `text` towards black or white just far enough to reach 4.5:1 on `background`."""
    if contrast(text, background) >= _TARGET:
        return text
    end = max(("#000000", "#ffffff"), key=lambda e: contrast(e, background))
    low, high = 0.0, 1.0  # share of `end` in the mix
    for _ in range(16):
        middle = (low + high) / 2
        if contrast(mix(end, text, middle), background) >= _TARGET:
            high = middle
        else:
            low = middle
    return mix(end, text, high)


def pair(value: Any, prefix: str = "") -> Pair | None:
    """Resolve a ChatKit colour to its light and dark #rrggbb values, if it has fixed ones.

    :param value: a token (looked up as `prefix + value`), a primitive, a hex colour, or a
        `{light, dark}` mapping of those
    :param prefix: the token family: "text-" for text colours, "" for backgrounds
    """
    if isinstance(value, Mapping):
        light, dark = pair(value.get("light"), prefix), pair(value.get("dark"), prefix)
        if light is None or dark is None:
            return None
        return light[0], dark[1]
    if not isinstance(value, str) or not value:
        return None
    token = PALETTE.get(prefix + value)
    if token is not None:
        light, dark = _hex(token[0]), _hex(token[1])
        return (light, dark) if light and dark else None
    single = primitive_color(value) or _hex(value)
    return (single, single) if single else None


def _css(colors: Pair) -> str:
    return colors[0] if colors[0] == colors[1] else f"light-dark({colors[0]}, {colors[1]})"


def text_color(value: Any, background: Pair) -> str | None:
    """Return a text colour readable on `background` in both themes; None to keep the default.

    Palette tokens on the card's own surface already meet the ratio and stay CSS variables.
    """
    if isinstance(value, str) and (token := PALETTE.get(f"text-{value}")) is not None:
        return None if background == SURFACE else _css(_token_on(token, background))
    colors = pair(value, "text-")
    if colors is None:
        return None
    return _css((readable(colors[0], background[0]), readable(colors[1], background[1])))


def _token_on(token: Pair, background: Pair) -> Pair:
    """Pick, per theme, the token's light or dark value that suits `background`, made readable."""
    choices = [c for c in map(_hex, token) if c]
    out = []
    for back in background:
        best = max(choices, key=lambda c: contrast(c, back))
        out.append(readable(best, back))
    return out[0], out[1]


def on_background(element: ui.element, value: Any, ctx: RenderContext) -> RenderContext:
    """Make the text inside a box with the author's `background` readable; return its context.

    :param element: the box, already styled with that background
    :param value: the box's `background` property
    :param ctx: the context the box was rendered in
    """
    background = pair(value)
    if background is None or background == ctx.background:
        return ctx
    styles = {}
    for name in _TEXT_TOKENS:
        colors = _token_on(PALETTE[name], background)
        styles[f"--ck-{name}"] = _css(colors)
    styles["color"] = "var(--ck-text)"
    element.style("; ".join(f"{key}: {css}" for key, css in styles.items()))
    return ctx.with_background(background)
