"""How one thread item looks: user bubbles, assistant text with its buttons, notices, errors."""

import time
from collections.abc import Awaitable, Callable

from chatkit.types import FeedbackKind
from nicegui import ui

from chatkit_bridge.ui.streaming_text import StreamingMarkdown
from chatkit_bridge.ui.widget_content import material_icon

FeedbackHandler = Callable[[FeedbackKind], Awaitable[None]]


def user_bubble(text: str, extra_buttons: Callable[[], None] | None = None) -> ui.element:
    """Show what the user typed, exactly, as text, with the buttons `extra_buttons` adds."""
    with ui.column().classes("w-full items-end gap-1") as column:
        ui.label(text).classes(
            "user-bubble whitespace-pre-wrap break-words max-w-[80%] rounded-2xl px-4 py-2 "
            "bg-primary text-white"
        )
        if extra_buttons is not None:
            with ui.row().classes("gap-1 text-grey-6 user-toolbar"):
                extra_buttons()
    return column


class AssistantMessage:
    """Assistant text that streams in, with copy and thumbs up/down once it is done."""

    def __init__(
        self,
        text: str = "",
        *,
        on_feedback: FeedbackHandler | None = None,
        feedback: FeedbackKind | None = None,
        done: bool = True,
        extra_buttons: Callable[[], None] | None = None,
    ) -> None:
        self.on_feedback = on_feedback
        self.extra_buttons = extra_buttons
        self.feedback = feedback
        with ui.column().classes("w-full gap-1 assistant-message") as self.root:
            self.body = StreamingMarkdown(text if done else "")
            if not done and text:
                self.body.append(text)
            self.toolbar = ui.row().classes("gap-1 text-grey-6")
        if done:
            self._show_toolbar()

    def append(self, delta: str) -> None:
        """Add streamed text."""
        self.body.append(delta)

    def finish(self, text: str | None = None) -> None:
        """Mark the message complete, correcting the text if the final one differs."""
        if text is not None and text != self.body.text:
            self.body.set_text(text)
        else:
            self.body.finish()
        self._show_toolbar()

    def _show_toolbar(self) -> None:
        """Show copy and feedback buttons."""
        self.toolbar.clear()
        with self.toolbar:
            copy = ui.button(icon="content_copy", on_click=self._copy)
            copy.props("flat dense round size=sm").tooltip("Copy").mark("copy-reply")
            copy.props["aria-label"] = "Copy reply"
            if self.on_feedback is not None:
                self._feedback_button("positive", "thumb_up")
                self._feedback_button("negative", "thumb_down")
            if self.extra_buttons is not None:
                self.extra_buttons()

    def _feedback_button(self, kind: FeedbackKind, icon: str) -> None:
        """Show one thumb, filled when chosen."""
        chosen = self.feedback == kind
        button = ui.button(icon=icon, on_click=lambda: self._send_feedback(kind))
        button.props(f"flat dense round size=sm {'color=primary' if chosen else ''}")
        button.tooltip("Good answer" if kind == "positive" else "Bad answer")
        button.mark(f"feedback-{kind}{'-chosen' if chosen else ''}")

    async def _send_feedback(self, kind: FeedbackKind) -> None:
        """Record the thumb and show it chosen."""
        assert self.on_feedback is not None
        await self.on_feedback(kind)
        self.feedback = kind
        self._show_toolbar()
        ui.notify("Thanks for the feedback", type="positive", timeout=1500)

    def _copy(self) -> None:
        """Copy the message text to the clipboard."""
        ui.clipboard.write(self.body.text)
        ui.notify("Copied", timeout=1000)


def error_notice(message: str, on_retry: Callable[[], Awaitable[None]] | None) -> ui.element:
    """Show an error in the thread, with a Retry button when retrying can help."""
    with (
        ui.card()
        .classes("w-full bg-red-1 text-negative error-notice")
        .props("flat bordered") as card,
        ui.row().classes("items-center gap-2 w-full no-wrap"),
    ):
        ui.icon("error_outline")
        ui.label(message).classes("grow")
        if on_retry is not None:
            ui.button("Retry", icon="refresh", on_click=on_retry).props("flat color=negative")
    return card


def notice(message: str, level: str) -> ui.element:
    """Show an informational notice in the thread."""
    colors = {"info": "text-info", "warning": "text-warning", "danger": "text-negative"}
    with ui.row().classes(f"items-center gap-2 {colors.get(level, '')}") as row:
        ui.icon("info")
        ui.label(message)
    return row


def progress_line(text: str, icon: str | None) -> ui.element:
    """Show what the assistant is doing right now, and for how long it has been waiting."""
    started = time.monotonic()
    with ui.row().classes("items-center gap-2 text-grey-7 progress-line") as row:
        ui.spinner(size="sm")
        if icon:
            ui.icon(material_icon(icon))
        ui.label(text)
        # A slow model or a busy server slot can take minutes: show that time passes.
        elapsed = ui.label().classes("progress-elapsed").mark("progress-elapsed")
        ui.timer(
            1.0, lambda: elapsed.set_text(f"{time.monotonic() - started:.0f} s"), immediate=False
        )
    return row
