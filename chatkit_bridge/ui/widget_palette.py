"""ChatKit's colour tokens for light and dark, and the stylesheet that switches between them.

Where the values come from: ChatKit does not publish its stylesheet, but its widget vocabulary
(text, surface and border tokens, six badge colours, eight control colours in four variants) is
the one of OpenAI's design system `@openai/apps-sdk-ui` 0.2.2 (MIT). Each value below is that
package's variable as Chromium computes it for `data-theme="light"` and `"dark"`. That ChatKit
draws exactly these is an inference from the shared names, not a measurement.

Deviations, marked `# contrast`: where a pair fell below WCAG's 4.5:1 for text (e.g. white on the
light "info" blue, 3.6:1), the text or the solid background was moved towards black or white just
far enough to reach 4.5:1. Accessibility wins over pixel fidelity here.
"""

from __future__ import annotations

import weakref
from functools import cache

from nicegui import Client, ui
from nicegui.context import context

PALETTE: dict[str, tuple[str, str]] = {
    "text": ("#0d0d0d", "#ffffff"),
    "text-prose": ("#0d0d0d", "#ffffff"),
    "text-primary": ("#0d0d0d", "#ffffff"),
    "text-emphasis": ("#0d0d0d", "#ffffff"),
    "text-secondary": ("#5d5d5d", "#afafaf"),
    "text-tertiary": ("#767676", "#8f8f8f"),  # contrast
    "text-disabled": ("#8f8f8f", "#5d5d5d"),
    "text-inverse": ("#ffffff", "#0d0d0d"),
    "text-success": ("#00692a", "#04b84c"),
    "text-warning": ("#923b0f", "#e36032"),  # contrast
    "text-caution": ("#916f00", "#e0ac00"),
    "text-danger": ("#911e1b", "#e35b5a"),  # contrast
    "text-info": ("#0169cc", "#66b5ff"),
    "text-discovery": ("#532d8d", "#9977de"),  # contrast
    "surface": ("#ffffff", "#212121"),
    "surface-secondary": ("#f9f9f9", "#181818"),
    "surface-tertiary": ("#f3f3f3", "#131313"),
    "surface-elevated": ("#ffffff", "#303030"),
    "surface-elevated-secondary": ("#f9f9f9", "#414141"),
    "border-default": ("oklab(0.159 0.000 0.000 / 0.1)", "oklab(1.000 0.000 0.000 / 0.12)"),
    "border-subtle": ("oklab(0.159 0.000 0.000 / 0.05)", "oklab(1.000 0.000 0.000 / 0.06)"),
    "border-strong": ("oklab(0.159 0.000 0.000 / 0.15)", "oklab(1.000 0.000 0.000 / 0.2)"),
    "primary-solid-bg": ("#181818", "#f3f3f3"),
    "primary-solid-text": ("#ffffff", "#0d0d0d"),
    "primary-soft-bg": ("oklab(0.159 0.000 0.000 / 0.08)", "oklab(1.000 0.000 0.000 / 0.12)"),
    "primary-soft-text": ("#0d0d0d", "#ffffff"),
    "primary-outline-border": (
        "oklab(0.159 0.000 0.000 / 0.16)",
        "oklab(1.000 0.000 0.000 / 0.25)",
    ),
    "primary-outline-text": ("#0d0d0d", "#ffffff"),
    "primary-ghost-text": ("#0d0d0d", "#ffffff"),
    "secondary-solid-bg": ("#5d5d5d", "#414141"),
    "secondary-solid-text": ("#ffffff", "#ffffff"),
    "secondary-soft-bg": ("oklab(0.159 0.000 0.000 / 0.08)", "oklab(1.000 0.000 0.000 / 0.12)"),
    "secondary-soft-text": ("#0d0d0d", "#ffffff"),
    "secondary-outline-border": (
        "oklab(0.159 0.000 0.000 / 0.16)",
        "oklab(1.000 0.000 0.000 / 0.25)",
    ),
    "secondary-outline-text": ("#5d5d5d", "#afafaf"),
    "secondary-ghost-text": ("#5d5d5d", "#afafaf"),
    "info-solid-bg": ("#0275e2", "#0275e2"),  # contrast
    "info-solid-text": ("#ffffff", "#ffffff"),
    "info-soft-bg": ("oklab(0.626 -0.053 -0.198 / 0.13)", "oklab(0.626 -0.053 -0.198 / 0.13)"),
    "info-soft-text": ("#004f99", "#61a8ff"),  # contrast
    "info-outline-border": ("#0169cc", "#0169cc"),
    "info-outline-text": ("#0169cc", "#6188d3"),  # contrast
    "info-ghost-text": ("#0169cc", "#66b5ff"),
    "discovery-solid-bg": ("#914ff6", "#914ff6"),  # contrast
    "discovery-solid-text": ("#ffffff", "#ffffff"),
    "discovery-soft-bg": ("oklab(0.596 0.107 -0.211 / 0.15)", "oklab(0.596 0.107 -0.211 / 0.15)"),
    "discovery-soft-text": ("#6b3ab4", "#be95fa"),
    "discovery-outline-border": ("#8046d9", "#8046d9"),
    "discovery-outline-text": ("#8046d9", "#9f6df8"),  # contrast
    "discovery-ghost-text": ("#8046d9", "#9977de"),  # contrast
    "success-solid-bg": ("#008935", "#008635"),  # contrast
    "success-solid-text": ("#ffffff", "#ffffff"),
    "success-soft-bg": ("oklab(0.683 -0.166 0.103 / 0.15)", "oklab(0.683 -0.166 0.103 / 0.15)"),
    "success-soft-text": ("#007a30", "#79c889"),  # contrast (4.7:1 on its soft background)
    "success-outline-border": ("#00a240", "#008635"),
    "success-outline-text": ("#008935", "#00a240"),  # contrast
    "success-ghost-text": ("#008935", "#00a240"),  # contrast
    "caution-solid-bg": ("#957100", "#957100"),  # contrast
    "caution-solid-text": ("#ffffff", "#ffffff"),
    "caution-soft-bg": ("oklab(0.848 0.012 0.173 / 0.15)", "oklab(0.848 0.012 0.173 / 0.15)"),
    "caution-soft-text": ("#6e5400", "#ffca59"),  # contrast
    "caution-outline-border": ("#916f00", "#916f00"),
    "caution-outline-text": ("#916f00", "#9f8555"),  # contrast
    "caution-ghost-text": ("#916f00", "#9f8555"),  # contrast
    "warning-solid-bg": ("#cd4c06", "#cd4c06"),  # contrast
    "warning-solid-text": ("#ffffff", "#ffffff"),
    "warning-soft-bg": ("oklab(0.696 0.142 0.131 / 0.16)", "oklab(0.696 0.142 0.131 / 0.16)"),
    "warning-soft-text": ("#923b0f", "#fc9c84"),  # contrast
    "warning-outline-border": ("#e25507", "#e25507"),
    "warning-outline-text": ("#cd4c06", "#e36032"),  # contrast
    "warning-ghost-text": ("#cd4c06", "#e36032"),  # contrast
    "danger-solid-bg": ("#e02e2a", "#e02e2a"),
    "danger-solid-text": ("#ffffff", "#ffffff"),
    "danger-soft-bg": ("oklab(0.653 0.197 0.099 / 0.16)", "oklab(0.653 0.197 0.099 / 0.16)"),
    "danger-soft-text": ("#ba2623", "#fb8c8b"),  # contrast
    "danger-outline-border": ("#e02e2a", "#e02e2a"),
    "danger-outline-text": ("#e02e2a", "#e35b5a"),  # contrast
    "danger-ghost-text": ("#e02e2a", "#e35b5a"),  # contrast
}
"""Token name -> (light, dark) CSS colour."""

LIGHT_SELECTOR = ".ck-widget"
DARK_SELECTOR = '.body--dark .ck-widget:not([data-theme="light"]), .ck-widget[data-theme="dark"]'


def var(token: str) -> str:
    """Return the CSS reference to a palette token, e.g. `var(--ck-border-default)`."""
    return f"var(--ck-{token})"


@cache
def palette_css() -> str:
    """Build the stylesheet defining every token for light widgets, dark pages and themes.

    A widget follows the page (NiceGUI's dark mode sets `body--dark`) unless its root has a
    `theme`, which the renderer puts in `data-theme`. `color-scheme` makes `light-dark()`,
    used for `{light, dark}` colours, pick the matching half.
    """
    light = "".join(f"--ck-{name}: {pair[0]};" for name, pair in PALETTE.items())
    dark = "".join(f"--ck-{name}: {pair[1]};" for name, pair in PALETTE.items())
    return (
        f"{LIGHT_SELECTOR} {{color-scheme: light; color: {var('text')}; {light}}}\n"
        f"{DARK_SELECTOR} {{color-scheme: dark; color: {var('text')}; {dark}}}\n"
        ".ck-clickable {cursor: pointer; transition: background-color 0.15s}\n"
        f".ck-clickable:hover {{background: {var('surface-secondary')}}}\n"
        ".ck-icon-sized .q-icon {font-size: var(--ck-icon-size)}\n"
        ".ck-gutter .q-field__control {padding: 0 var(--ck-gutter)}\n"
    )


_STYLED_PAGES: weakref.WeakSet[Client] = weakref.WeakSet()


def ensure_palette() -> None:
    """Add the palette stylesheet to the current page, once per page."""
    client = context.client
    if client not in _STYLED_PAGES:
        ui.add_css(palette_css())
        _STYLED_PAGES.add(client)
