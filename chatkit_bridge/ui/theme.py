"""Look and feel shared by the app's pages: colours, dark mode kept per browser, chat assets."""

from functools import cache
from pathlib import Path

from fastapi import Request
from nicegui import ui

ASSETS = Path(__file__).parent / "assets"
DARK_COOKIE = "chat_dark"
PRIMARY = "#1d4ed8"  # white text on it: 6.7:1


@cache
def _asset(name: str) -> str:
    """Read one bundled asset once per process."""
    return (ASSETS / name).read_text(encoding="utf-8")


def tailwind_css() -> str:
    """Return the Tailwind CSS of the app's pages (built by `python -m tests.tailwind_css`)."""
    return _asset("tailwind.css")


def dark_preference(request: Request) -> bool:
    """Tell whether this browser chose dark mode (remembered in a cookie, so no flash)."""
    return request.cookies.get(DARK_COOKIE) == "1"


def apply_theme(dark: bool) -> ui.dark_mode:
    """Style the current page and return its dark mode switch."""
    ui.colors(primary=PRIMARY)
    ui.add_css(_asset("chat.css"))
    ui.add_head_html(f"<script>{_asset('chat.js')}</script>")
    return ui.dark_mode(value=dark)


def icon_button(icon: str, label: str, **kwargs: object) -> ui.button:
    """An icon-only button with an accessible name and a matching tooltip."""
    button = ui.button(icon=icon, **kwargs)  # type: ignore[arg-type]
    name_icon_button(button, label)
    return button


def name_icon_button(button: ui.button, label: str) -> ui.button:
    """Give an icon-only button its accessible name and the same text as a tooltip.

    The browser's own tooltip (`title`), not Quasar's: a QTooltip is one more element and Vue
    component per button, and a thread shows five icon buttons per turn.
    """
    button.props["aria-label"] = label
    button.props["title"] = label
    return button


def dark_mode_button(dark: ui.dark_mode) -> ui.button:
    """A header button that switches dark mode and remembers the choice in this browser."""

    def toggle() -> None:
        dark.toggle()
        ui.run_javascript(f"window.chatUI.rememberDark({'true' if dark.value else 'false'})")

    return (
        icon_button("dark_mode", "Dark mode", on_click=toggle)
        .props("flat round color=white")
        .mark("dark-mode")
    )
