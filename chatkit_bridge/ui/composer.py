"""The message composer: Enter sends, Shift+Enter adds a line, Stop cancels a reply."""

from collections.abc import Awaitable, Callable

from nicegui import ui

from chatkit_bridge.ui.theme import icon_button

MAX_MESSAGE_LENGTH = 100_000
BUSY_NOTE = "A reply is still coming: your message stays here. Send it when it ends, or press Stop."
OFFLINE_NOTE = "Connection lost: reconnecting… Your message stays here until it is back."


class Composer:
    """A text box with one Send/Stop button; its width never changes."""

    def __init__(
        self, on_send: Callable[[str], Awaitable[None]], on_stop: Callable[[], Awaitable[None]]
    ) -> None:
        self.on_send = on_send
        self.streaming = False
        with ui.column().classes("w-full max-w-3xl mx-auto gap-1 composer"):
            with ui.row().classes("w-full items-end no-wrap gap-2"):
                self.input = (
                    ui.textarea(placeholder="Message…")
                    .props(
                        f"autogrow outlined rounded dense autofocus maxlength={MAX_MESSAGE_LENGTH}"
                        ' aria-label="Message" aria-describedby=composer-help'
                    )
                    .classes("grow")
                )
                self.input.on("keydown.enter.exact.prevent", self._send)
                self.input.mark("composer")
                # Send and Stop share one slot, so the text box keeps its width.
                self.send_button = icon_button("send", "Send", on_click=self._send)
                self.send_button.props("round").classes("send-button").mark("send")
                self.stop_button = icon_button("stop", "Stop", on_click=on_stop)
                self.stop_button.props("round color=negative").mark("stop")
                self.stop_button.set_visibility(False)
            self.note = ui.label(BUSY_NOTE).classes("composer-note text-sm chat-caption")
            self.note.props("role=status aria-live=polite").mark("composer-note")
            ui.label(OFFLINE_NOTE).classes("composer-note offline-note text-sm text-red-10")
            ui.label("Enter sends · Shift+Enter adds a line").classes(
                "text-xs chat-caption gt-xs"
            ).props("id=composer-help")

    async def _send(self) -> None:
        """Send the typed text, or say why it has to wait."""
        text = self.input.value or ""
        if not text.strip():
            return
        if self.streaming:
            self.note.classes(add="shown")  # visibly refused, never silently dropped
            return
        self.input.value = ""
        self.note.classes(remove="shown")
        self.focus()
        await self.on_send(text)

    def focus(self) -> None:
        """Put the cursor back into the text box."""
        self.input.run_method("focus")

    def set_streaming(self, streaming: bool) -> None:
        """Offer Stop instead of Send while a reply streams."""
        self.streaming = streaming
        self.send_button.set_visibility(not streaming)
        self.stop_button.set_visibility(streaming)
