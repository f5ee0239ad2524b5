"""The message composer: Enter sends, Shift+Enter adds a line, Stop cancels a reply."""

from collections.abc import Awaitable, Callable

from nicegui import ui

MAX_MESSAGE_LENGTH = 100_000


class Composer:
    """A text box with Send and Stop buttons."""

    def __init__(
        self, on_send: Callable[[str], Awaitable[None]], on_stop: Callable[[], Awaitable[None]]
    ) -> None:
        self.on_send = on_send
        with ui.row().classes("w-full max-w-3xl mx-auto items-end no-wrap gap-2 composer"):
            self.input = (
                ui.textarea(placeholder="Message the assistant…  (Shift+Enter for a new line)")
                .props(f"autogrow outlined rounded dense maxlength={MAX_MESSAGE_LENGTH}")
                .classes("grow")
            )
            self.input.on("keydown.enter.exact.prevent", self._send)
            self.input.mark("composer")
            self.send_button = ui.button(icon="send", on_click=self._send).props("round")
            self.send_button.tooltip("Send").mark("send")
            self.stop_button = ui.button(icon="stop", on_click=on_stop).props(
                "round color=negative"
            )
            self.stop_button.tooltip("Stop").mark("stop")
            self.stop_button.set_visibility(False)

    async def _send(self) -> None:
        """Send the typed text unless a reply is streaming."""
        text = self.input.value or ""
        if not text.strip() or not self.send_button.enabled:
            return
        self.input.value = ""
        await self.on_send(text)

    def set_streaming(self, streaming: bool) -> None:
        """Disable sending and offer Stop while a reply streams."""
        self.send_button.set_enabled(not streaming)
        self.stop_button.set_visibility(streaming)
