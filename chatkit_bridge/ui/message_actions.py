"""Buttons under each message: Regenerate on replies, Edit and resend on the user's messages."""

from collections.abc import Awaitable, Callable

from nicegui import ui

from chatkit_bridge.ui.composer import MAX_MESSAGE_LENGTH
from chatkit_bridge.ui.theme import name_icon_button

RegenerateHandler = Callable[[str], Awaitable[None]]
EditHandler = Callable[[str, str], Awaitable[None]]


def icon_button(icon: str, label: str, on_click: Callable[[], object], marker: str) -> ui.button:
    """Show a small icon-only button whose name screen readers announce."""
    button = ui.button(icon=icon, on_click=on_click).props("flat dense round size=sm")
    return name_icon_button(button, label).mark(marker)


class MessageActions:
    """Render the per-message buttons and hand the user's choice to the page."""

    def __init__(self, on_regenerate: RegenerateHandler, on_edit: EditHandler) -> None:
        """Call `on_regenerate(reply_id)` or `on_edit(message_id, new_text)` when asked."""
        self.on_regenerate = on_regenerate
        self.on_edit = on_edit

    def reply_buttons(self, item_id: str) -> None:
        """Offer to answer the message before this reply again."""
        icon_button(
            "refresh", "Regenerate reply", lambda: self.on_regenerate(item_id), "regenerate"
        )

    def user_buttons(self, item_id: str, text: str) -> None:
        """Offer to edit this message and answer it again."""
        icon_button("edit", "Edit message", lambda: self._edit(item_id, text), "edit-message")

    def _edit(self, item_id: str, text: str) -> None:
        """Open the message in an editor; sending it continues the thread from there."""
        with ui.dialog() as dialog, ui.card().classes("w-full max-w-2xl edit-dialog"):
            ui.label("Edit message").classes("text-lg")
            ui.label("Later messages are replaced by the answer to the edited one.").classes(
                "text-grey-7 text-sm"
            )
            field = ui.textarea(value=text).props(
                f"autofocus autogrow outlined maxlength={MAX_MESSAGE_LENGTH}"
            )
            field.props["aria-label"] = "Edited message"
            field.classes("w-full").mark("edit-input")

            async def send() -> None:
                new_text = field.value or ""
                if not new_text.strip():
                    ui.notify("A message cannot be empty", type="warning")
                    return
                dialog.close()
                if new_text != text:
                    await self.on_edit(item_id, new_text)

            field.on("keydown.enter.exact.prevent", send)
            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat").mark("edit-cancel")
                ui.button("Send", icon="send", on_click=send).mark("edit-send")
        dialog.open()
