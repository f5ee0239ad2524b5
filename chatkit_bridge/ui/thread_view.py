"""The message list of one thread: its stored items (StoredThreadView), kept in step with the
server's streamed events."""

from typing import Any

from chatkit.types import (
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ErrorEvent,
    NoticeEvent,
    ProgressUpdateEvent,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemReplacedEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
    WidgetComponentUpdated,
    WidgetItem,
    WidgetRootUpdated,
    WidgetStreamingTextValueDelta,
)

from chatkit_bridge.ui.message_views import notice, user_bubble
from chatkit_bridge.ui.stored_thread import StoredThreadView
from chatkit_bridge.ui.widget_content import material_icon

THINKING = "Thinking…"
# The SDK reports some failures (e.g. a store that refused a write) without a message.
GENERIC_ERROR = "The assistant could not finish this reply; try again in a moment."


class ThreadView(StoredThreadView):
    """Everything shown for one thread, kept in step with the server's events."""

    def apply(self, event: ThreadStreamEvent) -> None:
        """Apply one streamed event to the page."""
        match event:
            case ThreadItemAddedEvent():
                self._render_item(event.item, done=False)
                self._progress_for(event.item)
            case ThreadItemDoneEvent():
                self._finish_item(event.item)
            case ThreadItemUpdatedEvent():
                self._update_item(event.item_id, event.update)
            case ThreadItemReplacedEvent():
                self._replace_item(event.item)
            case ThreadItemRemovedEvent():
                self.remove_item(event.item_id)
            case ProgressUpdateEvent():
                self.progress.show(event.text, material_icon(event.icon) if event.icon else None)
            case NoticeEvent():
                with self.container:
                    notice(event.message, event.level)
            case ErrorEvent():
                self.progress.hide()
                self.show_error(event.message or GENERIC_ERROR, event.allow_retry)

    def start_turn(self, user_text: str | None) -> None:
        """Show the user's message at once (before the server answers) and the progress line."""
        for shown in self._errors:
            shown.drop_retry()  # a new turn makes older errors history
        if user_text is not None:
            with self.container:
                self._pending_user = user_bubble(user_text)
        self.progress.show(THINKING, None)

    def drop_pending_user(self) -> None:
        """Forget the optimistic bubble of a message the server never accepted."""
        self._pending_user = None

    def _progress_for(self, item: ThreadItem) -> None:
        """Keep the progress line honest about what the assistant does next."""
        if not self.progress.visible:
            return
        if isinstance(item, AssistantMessageItem):
            self.progress.show("Writing…", None)
        elif isinstance(item, WidgetItem):
            self.progress.show(THINKING, None)

    def flush(self) -> bool:
        """Send buffered streamed text that is due; tell whether any was sent."""
        return any([message.body.flush_if_due() for message in self.messages.values()])

    def finish_streaming(self) -> None:
        """Flush everything once a stream ends."""
        self.progress.hide()
        self._pending_user = None
        for message in self.messages.values():
            message.body.flush()

    def _finish_item(self, item: ThreadItem) -> None:
        """Complete an item, creating it if it was never announced."""
        if item.id not in self.elements:
            self._render_item(item, done=True)
            return
        if isinstance(item, AssistantMessageItem) and item.id in self.messages:
            self.messages[item.id].finish("".join(part.text for part in item.content))
        elif isinstance(item, WidgetItem) and item.id in self.widgets:
            self.widgets[item.id].update(item.widget)

    def _update_item(self, item_id: str, update: Any) -> None:
        """Apply an incremental update."""
        if isinstance(update, AssistantMessageContentPartTextDelta) and item_id in self.messages:
            self.messages[item_id].append(update.delta)
        view = self.widgets.get(item_id)
        if view is None:
            return
        if isinstance(update, WidgetStreamingTextValueDelta):
            view.apply_text_delta(update.component_id, update.delta, update.done)
        elif isinstance(update, WidgetRootUpdated):
            view.update(update.widget)
        elif isinstance(update, WidgetComponentUpdated):
            view.replace_component(update.component)

    def _replace_item(self, item: ThreadItem) -> None:
        """Swap an item for its new version."""
        if isinstance(item, WidgetItem) and item.id in self.widgets:
            self.widgets[item.id].update(item.widget)
        elif isinstance(item, AssistantMessageItem) and item.id in self.messages:
            self.messages[item.id].finish("".join(part.text for part in item.content))
        else:
            self._render_item(item, done=True)
