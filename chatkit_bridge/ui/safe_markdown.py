"""Markdown for assistant replies and widgets: CommonMark via markdown-it-py, raw HTML as text.

markdown-it-py escapes typed HTML itself (`html: False`), rejects `javascript:` links and
renders an unclosed code fence as code, so half-streamed replies look right. Its public
render rules add what a chat needs on top: code blocks with a language label and a copy
button, tables that scroll inside their box, and images only from this app or `data:`
(an image from another host would be a way for a prompt-injected reply to leak data).
"""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from nicegui import ui

_parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def image_allowed(src: str) -> bool:
    """Tell whether an image may load: from this app (relative URL) or inline `data:`."""
    parts = urlsplit(src.strip())
    if parts.scheme == "data":
        return True
    return not parts.scheme and not parts.netloc and not src.strip().startswith("//")


def _code_block(code: str, language: str) -> str:
    """Wrap code in a box with its language and a copy button (handled by chat.js)."""
    label = escapeHtml(language or "code")
    css = f' class="language-{escapeHtml(language)}"' if language else ""
    return (
        '<div class="code-block">'
        f'<div class="code-head"><span class="code-lang">{label}</span>'
        '<button type="button" class="code-copy" aria-label="Copy code">Copy</button></div>'
        f"<pre><code{css}>{escapeHtml(code)}</code></pre></div>\n"
    )


def _render_fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
    return _code_block(token.content, language)


def _render_code_block(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return _code_block(tokens[idx].content, "")


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if image_allowed(src):
        return self.image(tokens, idx, options, env)
    alt = self.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escapeHtml(src)}" rel="noopener noreferrer">{escapeHtml(alt)}</a>'


def _render_table_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return '<div class="table-scroll">' + self.renderToken(tokens, idx, options, env)


def _render_table_close(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>"


_parser.add_render_rule("fence", _render_fence)
_parser.add_render_rule("code_block", _render_code_block)
_parser.add_render_rule("image", _render_image)
_parser.add_render_rule("table_open", _render_table_open)
_parser.add_render_rule("table_close", _render_table_close)


def markdown_html(text: str) -> str:
    """Render markdown to HTML in which any HTML the text contained appears literally."""
    return _parser.render(text)


class SafeMarkdown(ui.html):
    """Rendered markdown; the browser sanitizes the HTML once more (DOMPurify)."""

    def __init__(self, text: str = "") -> None:
        super().__init__(markdown_html(text), sanitize=True)
        self.markdown = text
        self.classes("chat-markdown")

    def set_markdown(self, text: str) -> None:
        """Show new markdown text."""
        self.markdown = text
        self.set_content(markdown_html(text))

    def _displayed_contents(self, *, only_visible: bool) -> list[object]:
        """Let content filters (`user.should_see`) match the text as written, not its HTML.

        NiceGUI documents this method as the hook for contents stored elsewhere.
        """
        return [*super()._displayed_contents(only_visible=only_visible), self.markdown]


def safe_markdown(text: str) -> SafeMarkdown:
    """Render markdown text; any HTML in it appears literally."""
    return SafeMarkdown(text)
