"""How one thread item looks: user bubbles, assistant text with its buttons, notices, errors."""

import time
from collections.abc import Awaitable, Callable

from chatkit.types import FeedbackKind
from nicegui import ui

from chatkit_bridge.ui.streaming_text import StreamingMarkdown
from chatkit_bridge.ui.theme import icon_button

FeedbackHandler = Callable[[FeedbackKind], Awaitable[None]]


def user_bubble(text: str, extra_buttons: Callable[[], None] | None = None) -> ui.element:
    """Show what the user typed, exactly, as text, with the buttons `extra_buttons` adds."""
    with ui.column().classes("w-full items-end gap-1") as column:
        ui.label(text).classes("user-bubble whitespace-pre-wrap max-w-[80%] rounded-2xl px-4 py-2")
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
            icon_button("content_copy", "Copy reply", on_click=self._copy).props(
                "flat dense round size=sm"
            ).mark("copy-reply")
            if self.on_feedback is not None:
                self._feedback_button("positive", "thumb_up")
                self._feedback_button("negative", "thumb_down")
            if self.extra_buttons is not None:
                self.extra_buttons()

    def _feedback_button(self, kind: FeedbackKind, icon: str) -> None:
        """Show one thumb, filled when chosen."""
        chosen = self.feedback == kind
        label = "Good answer" if kind == "positive" else "Bad answer"
        button = icon_button(icon, label, on_click=lambda: self._send_feedback(kind))
        button.props(f"flat dense round size=sm aria-pressed={'true' if chosen else 'false'}")
        if chosen:
            button.props("color=primary")
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


class ShownError:
    """An error in the thread, with a Retry button while retrying can still help."""

    def __init__(
        self, message: str, on_retry: Callable[[], Awaitable[None]] | None, after: str | None
    ) -> None:
        self.after = after
        self.retry_button: ui.button | None = None
        with (
            ui.card()
            .classes("w-full bg-red-1 error-notice")
            .props("flat bordered role=alert") as self.root,
            ui.row().classes("items-center gap-2 w-full no-wrap"),
        ):
            ui.icon("error_outline").classes("text-red-10")
            ui.label(message).classes("grow text-red-10")
            if on_retry is not None:
                self.retry_button = ui.button("Retry", icon="refresh", on_click=on_retry).props(
                    "flat text-color=red-10"
                )

    def drop_retry(self) -> None:
        """Remove Retry once a newer turn makes it meaningless."""
        if self.retry_button is not None:
            self.retry_button.delete()
            self.retry_button = None


def notice(message: str, level: str) -> ui.element:
    """Show an informational notice in the thread."""
    colors = {"info": "text-info", "warning": "text-warning", "danger": "text-negative"}
    with ui.row().classes(f"items-center gap-2 {colors.get(level, '')}") as row:
        ui.icon("info")
        ui.label(message)
    return row


class ProgressLine:
    """What the assistant is doing, from Enter to the end of the reply ("Adding 3 todos…"),
    and for how long it has been waiting."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        with ui.row().classes(
            "w-full max-w-3xl mx-auto items-center gap-2 px-4 progress-line"
        ) as self.root:
            ui.spinner(size="sm")
            self.icon = ui.icon("").classes("hidden")
            self.label = ui.label("")
            # A slow model or a busy server slot can take minutes: show that time passes.
            self.elapsed = ui.label().classes("progress-elapsed").mark("progress-elapsed")
        self.root.props("role=status aria-live=polite")
        self.root.set_visibility(False)
        ui.timer(1.0, self._tick, immediate=False)

    @property
    def visible(self) -> bool:
        """Tell whether a reply is in progress."""
        return self.root.visible

    def show(self, text: str, icon: str | None) -> None:
        """Show or update the line (a new wait starts counting from zero)."""
        if not self.root.visible:
            self.started = time.monotonic()
            self.elapsed.set_text("")
        self.label.set_text(text)
        self.icon.name = icon or ""
        self.icon.classes(remove="hidden" if icon else "", add="" if icon else "hidden")
        self.root.set_visibility(True)

    def hide(self) -> None:
        """Hide the line when the reply is over."""
        self.root.set_visibility(False)
        self.label.set_text("")

    def _tick(self) -> None:
        """Count the seconds while the line shows."""
        if self.root.visible:
            self.elapsed.set_text(f"{time.monotonic() - self.started:.0f} s")
