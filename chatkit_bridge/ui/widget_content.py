"""Renderers for content components: Text, Title, Caption, Label, Markdown, Badge, Icon, Image."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement

from . import widget_style as st
from . import widget_tokens as tokens
from .safe_markdown import safe_markdown
from .widget_contrast import text_color
from .widget_core import FormField, Node, RenderContext, field_id, placeholder, renders
from .widget_palette import var
from .widget_validation import validator

# ChatKit icon names -> Material icon ligatures shipped with NiceGUI (offline).
ICONS = {
    "agent": "smart_toy",
    "analytics": "analytics",
    "atom": "science",
    "batch": "layers",
    "bolt": "bolt",
    "book-open": "menu_book",
    "book-closed": "book",
    "book-clock": "history_edu",
    "bug": "bug_report",
    "calendar": "calendar_today",
    "chart": "bar_chart",
    "check": "check",
    "check-circle": "check_circle_outline",
    "check-circle-filled": "check_circle",
    "chevron-left": "chevron_left",
    "chevron-right": "chevron_right",
    "circle-question": "help_outline",
    "clock": "schedule",
    "compass": "explore",
    "confetti": "celebration",
    "cube": "view_in_ar",
    "desktop": "desktop_windows",
    "document": "description",
    "dot": "fiber_manual_record",
    "dots-horizontal": "more_horiz",
    "dots-vertical": "more_vert",
    "empty-circle": "radio_button_unchecked",
    "external-link": "open_in_new",
    "globe": "public",
    "keys": "key",
    "lab": "biotech",
    "images": "photo_library",
    "info": "info",
    "lifesaver": "support",
    "lightbulb": "lightbulb",
    "mail": "mail",
    "map-pin": "place",
    "maps": "map",
    "mobile": "smartphone",
    "name": "badge",
    "notebook": "book",
    "notebook-pencil": "edit_note",
    "page-blank": "insert_drive_file",
    "phone": "phone",
    "play": "play_arrow",
    "plus": "add",
    "profile": "account_circle",
    "profile-card": "contact_page",
    "reload": "refresh",
    "star": "star_border",
    "star-filled": "star",
    "search": "search",
    "sparkle": "auto_awesome",
    "sparkle-double": "auto_awesome",
    "square-code": "code",
    "square-image": "image",
    "square-text": "article",
    "suitcase": "work",
    "settings-slider": "tune",
    "user": "person",
    "wreath": "emoji_events",
    "write": "edit",
    "write-alt": "edit_note",
    "write-alt2": "draw",
    # A few common "lucide:" names; the rest fall back to a neutral dot.
    "trash": "delete",
    "trash-2": "delete",
    "x": "close",
    "pencil": "edit",
    "circle": "radio_button_unchecked",
    "circle-check": "check_circle",
    "list": "list",
    "list-todo": "checklist",
    "home": "home",
    "heart": "favorite",
    "bell": "notifications",
}
FALLBACK_ICON = "fiber_manual_record"

BADGE_COLORS = {"secondary", "success", "danger", "warning", "info", "discovery"}
# (font size, height, horizontal padding, radius) from the design system's badge variables.
BADGE_SIZES = {
    "sm": ("12px", "20px", "5px", "4px"),
    "md": ("14px", "22px", "6px", "4px"),
    "lg": ("14px", "24px", "8px", "6px"),
}
_SAFE_SRC_PREFIXES = ("https://", "http://", "data:image/", "/")


def material_icon(name: Any) -> str:
    """Map a ChatKit icon name (incl. "lucide:" / "vendor:" names) to a Material icon."""
    text = str(name or "")
    return ICONS.get(text.split(":", 1)[-1], FALLBACK_ICON)


def _text_styles(
    node: Node, ctx: RenderContext, sizes: Mapping[str, str], default_size: str
) -> dict[str, str]:
    """Typography of a text component, its colour made readable on what it is drawn on."""
    styles = st.text_styles(node, sizes, default_size)
    if (readable := text_color(node.get("color"), ctx.background)) is not None:
        styles["color"] = readable
    return styles


@renders("Text")
def render_text(node: Node, ctx: RenderContext) -> ui.element:
    """Render plain text, or an inline input when the text is editable."""
    styles = {"line-height": "1.5", **_text_styles(node, ctx, tokens.TEXT_SIZES, "md")}
    editable = node.get("editable")
    if isinstance(editable, dict) and editable.get("name") and not ctx.host.read_only:
        return _editable_text(node, editable, styles, ctx)
    return st.apply(ui.label(str(node.get("value", ""))).classes("ck-text"), styles)


def _editable_text(
    node: Node, editable: dict[str, Any], styles: dict[str, str], ctx: RenderContext
) -> ui.element:
    """Render editable text as a borderless input that is a named field of its form."""
    default, form = str(node.get("value", "")), ctx.form
    field = ui.input(value=default, placeholder=editable.get("placeholder"))
    st.apply(field.props("dense borderless").classes("ck-text"), styles)
    if editable.get("autoFocus"):
        field.props("autofocus")
    if editable.get("autoComplete"):
        field.props["autocomplete"] = str(editable["autoComplete"])
    if form is None:
        return field
    reset = lambda: field.set_value(default)  # noqa: E731
    check = validator(field, editable)  # `required` and `pattern` live in `editable`
    form.fields.append(FormField(str(editable["name"]), field, lambda: field.value, reset, check))
    if (action := form.submit_action) is not None:
        submit = lambda: ctx.host.run_action(action, control=field, form=form, submit=True)  # noqa: E731
        field.on("keydown.enter", submit)
    return field


@renders("Title")
def render_title(node: Node, ctx: RenderContext) -> ui.element:
    """Render a headline."""
    styles = {"font-weight": "600", "line-height": "1.25"}
    styles.update(_text_styles(node, ctx, tokens.TITLE_SIZES, "md"))
    return st.apply(ui.label(str(node.get("value", ""))).classes("ck-title"), styles)


@renders("Caption")
def render_caption(node: Node, ctx: RenderContext) -> ui.element:
    """Render secondary caption text."""
    styles = {"color": tokens.TEXT_COLORS["secondary"], "line-height": "1.4"}
    styles.update(_text_styles(node, ctx, tokens.CAPTION_SIZES, "md"))
    return st.apply(ui.label(str(node.get("value", ""))).classes("ck-caption"), styles)


@renders("Label")
def render_label(node: Node, ctx: RenderContext) -> ui.element:
    """Render a form label tied to the control named by its `fieldName`."""
    styles = {"font-weight": "500", **_text_styles(node, ctx, tokens.TEXT_SIZES, "sm")}
    label = TextElement(tag="label", text=str(node.get("value", ""))).classes("ck-label")
    if node.get("fieldName"):
        label.props["for"] = field_id(ctx, str(node["fieldName"]))
    return st.apply(label, styles)


@renders("Markdown")
def render_markdown(node: Node, ctx: RenderContext) -> ui.element:
    """Render Markdown (NiceGUI sanitizes the generated HTML)."""
    return safe_markdown(str(node.get("value", ""))).classes("ck-markdown")


@renders("Badge")
def render_badge(node: Node, ctx: RenderContext) -> ui.element:
    """Render a small colored badge (solid, soft or outline)."""
    name = node.get("color") if node.get("color") in BADGE_COLORS else "secondary"
    font, height, padding, radius = BADGE_SIZES.get(node.get("size") or "sm", BADGE_SIZES["sm"])
    variant = node.get("variant") if node.get("variant") in {"solid", "outline"} else "soft"
    styles = {
        "display": "inline-flex",
        "align-items": "center",
        "font-size": font,
        "font-weight": "600",
        "line-height": "1",
        "min-height": height,
        "padding": f"0 {padding}",
        "border-radius": "9999px" if node.get("pill") else radius,
        "white-space": "nowrap",
        "width": "fit-content",
    }
    if variant == "solid":
        styles.update({"background": var(f"{name}-solid-bg"), "color": var(f"{name}-solid-text")})
        styles["border"] = "1px solid transparent"
    elif variant == "outline":
        styles.update({"color": var(f"{name}-outline-text")})
        styles["border"] = f"1px solid {var(f'{name}-outline-border')}"
    else:
        styles.update({"background": var(f"{name}-soft-bg"), "color": var(f"{name}-soft-text")})
        styles["border"] = "1px solid transparent"
    label = ui.label(str(node.get("label", ""))).classes(f"ck-badge ck-badge-{variant}")
    return st.apply(label, styles)


@renders("Icon")
def render_icon(node: Node, ctx: RenderContext) -> ui.element:
    """Render a Material icon for a ChatKit icon name."""
    icon = ui.icon(material_icon(node.get("name"))).classes("ck-icon")
    styles = {"font-size": tokens.ICON_SIZES.get(node.get("size") or "md", "16px")}
    if (icon_color := st.color(node.get("color"))) is not None:
        styles["color"] = icon_color
    return st.apply(icon, styles)


@renders("Image")
def render_image(node: Node, ctx: RenderContext) -> ui.element:
    """Render an image from an http(s), data:image or same-origin URL."""
    src = str(node.get("src") or "")
    if not src.startswith(_SAFE_SRC_PREFIXES) or src.startswith("//"):
        return placeholder(f"Image not shown: {node.get('alt') or 'unsupported source'}")
    # No fade-in or spinner: widgets re-render on every update and should not flicker.
    image = ui.image(src).classes("ck-image").props("no-spinner no-transition")
    if node.get("alt"):
        image.props["alt"] = str(node["alt"])
    if node.get("fit"):
        image.props["fit"] = str(node["fit"])
    if node.get("position"):
        image.props["position"] = str(node["position"])
    styles = st.size_styles(node)
    if "width" not in styles:
        styles["width"] = "100%"  # QImg collapses to zero width inside flex rows otherwise
    styles.update(st.spacing_styles("margin", node.get("margin")))
    if (radius := tokens.RADII.get(node.get("radius") or "")) is not None:
        styles["border-radius"] = radius
    if (background := st.color(node.get("background"), tokens.BACKGROUND_COLORS)) is not None:
        styles["background"] = background
    if node.get("frame"):
        styles["border"] = f"1px solid {tokens.BORDER_COLORS['default']}"
    if node.get("flush"):
        styles.update(st.flush_styles())
    return st.apply(image, styles)
