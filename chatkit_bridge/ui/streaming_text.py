"""Assistant text that streams in without resending what the page already shows."""

import time

from nicegui import ui

from chatkit_bridge.ui.safe_markdown import SafeMarkdown

MIN_FLUSH_INTERVAL = 0.1  # text updates per message: at most 10 a second
FENCE = "```"


class StreamingMarkdown:
    """Show growing markdown: finished paragraphs once each, the paragraph being written live.

    Resending the whole text on every update costs bytes quadratic in its length, so only the
    paragraph (or code block) being written is rendered again on each flush. An unclosed code
    fence renders as code, never as a raw "```python" line.
    """

    def __init__(self, text: str = "") -> None:
        self.text = ""
        self._pending = ""
        self._tail_text = ""
        self._last_flush = 0.0
        self.flushes = 0
        self.container = ui.column().classes("w-full gap-0 assistant-text")
        with self.container:
            self._blocks = ui.column().classes("w-full gap-0")
            self._tail = SafeMarkdown()
        if text:
            self.append(text)
            self.finish()

    def append(self, delta: str) -> None:
        """Queue more text; it reaches the page on the next flush."""
        self.text += delta
        self._pending += delta

    def flush_if_due(self) -> bool:
        """Send queued text unless the last update was too recent; tell whether it sent any."""
        if self._pending and time.monotonic() - self._last_flush >= MIN_FLUSH_INTERVAL:
            self.flush()
            return True
        return False

    def flush(self) -> None:
        """Send queued text to the page now."""
        if not self._pending:
            return
        new, self._pending = self._pending, ""
        self._last_flush = time.monotonic()
        self.flushes += 1
        finished, self._tail_text = split_finished_paragraphs(self._tail_text + new)
        if finished:
            with self._blocks:
                SafeMarkdown(finished)
        self._tail.set_markdown(self._tail_text)

    def finish(self) -> None:
        """Show the whole text as markdown once the message is done."""
        self.flush()
        if self._tail_text:
            with self._blocks:
                SafeMarkdown(self._tail_text)
            self._tail_text = ""
            self._tail.set_markdown("")

    def set_text(self, text: str) -> None:
        """Replace everything with a final text (e.g. a reloaded or corrected message)."""
        self._blocks.clear()
        self.text, self._pending, self._tail_text = "", "", ""
        self._tail.set_markdown("")
        self.append(text)
        self.finish()


def split_finished_paragraphs(text: str) -> tuple[str, str]:
    """Split text into complete paragraphs and the unfinished rest, never inside a code fence."""
    cut = -1
    search_from = 0
    while (index := text.find("\n\n", search_from)) != -1:
        if text[:index].count(FENCE) % 2 == 0:
            cut = index
        search_from = index + 2
    if cut == -1:
        return "", text
    return text[:cut], text[cut + 2 :]
