"""Answering again on a chat page: retry, regenerate, and edit a message then continue."""

from nicegui import ui

from chatkit_bridge.ui.chat_streams import ChatStreams
from chatkit_bridge.ui.thread_errors import forget_errors_after


class ChatRetries(ChatStreams):
    """Replaces a thread's end by a new answer; the page (ChatPage) lays out the rest."""

    async def retry(self, user_item_id: str | None = None) -> None:
        """Answer a user message (the last one by default) again; later items go."""
        item_id = user_item_id or self.view.last_user_item_id
        if self.thread_id is None or item_id is None or self._refuse_while_busy():
            return
        await self._forget_after(item_id)
        self.view.start_turn(None)
        await self._run(self.client.retry(self.thread_id, item_id))

    async def regenerate(self, reply_id: str) -> None:
        """Answer again the user message that a reply answered."""
        await self.retry(self.view.user_item_before(reply_id))

    async def edit_message(self, item_id: str, text: str) -> None:
        """Replace a user message's text and continue the thread from it."""
        if self.thread_id is None or self._refuse_while_busy():
            return
        server = await self.host.server()
        edited = await server.edit_user_message(self.thread_id, item_id, text, self.context)
        await self._forget_after(item_id)
        self.view.remove_item(item_id)
        self.view.show_items([edited], {})
        self.view.start_turn(None)
        await self._run(self.client.retry(self.thread_id, item_id))

    async def _forget_after(self, item_id: str) -> None:
        """Take the items and errors after a user message off the page and out of the thread."""
        assert self.thread_id is not None
        replaced = self.view.remove_items_after(item_id)
        await forget_errors_after(self.host.store, self.thread_id, self.context, replaced)

    def _refuse_while_busy(self) -> bool:
        """Say so, and tell the caller to stop, while a reply is still streaming."""
        if self.busy:
            ui.notify("Wait for the reply to finish, or press Stop", type="warning")
        return self.busy
