"""Markdown whose raw HTML shows as text: formatting renders, tags never do."""

import re

from nicegui import ui

# Fenced blocks and inline code spans keep their text: markdown already escapes them.
CODE = re.compile(r"(```.*?(?:```|\Z)|`[^`\n]*`)", re.DOTALL)


def escape_html(text: str) -> str:
    """Escape `&` and `<` outside code, so typed HTML is displayed instead of parsed."""
    parts = CODE.split(text)
    return "".join(
        part if index % 2 else part.replace("&", "&amp;").replace("<", "&lt;")
        for index, part in enumerate(parts)
    )


def safe_markdown(text: str) -> ui.markdown:
    """Render markdown text; any HTML in it appears literally."""
    return ui.markdown(escape_html(text))
