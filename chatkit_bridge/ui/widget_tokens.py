"""ChatKit's style tokens (colors, radii, sizes, alignments) and the CSS each one stands for."""

from __future__ import annotations

from .widget_palette import var

# ChatKit spacing values are multiples of a 4px unit; strings pass through as CSS.
SPACING_UNIT_PX = 4

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
