"""The message list of one thread: renders stored items and applies streamed events."""

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any

from chatkit.actions import ActionConfig
from chatkit.types import (
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ErrorEvent,
    FeedbackKind,
    NoticeEvent,
    ProgressUpdateEvent,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemReplacedEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
    UserMessageItem,
    WidgetComponentUpdated,
    WidgetItem,
    WidgetRootUpdated,
    WidgetStreamingTextValueDelta,
)
from nicegui import ui

from chatkit_bridge.server import message_text
from chatkit_bridge.ui.message_actions import MessageActions
from chatkit_bridge.ui.message_views import (
    AssistantMessage,
    error_notice,
    notice,
    progress_line,
    user_bubble,
)
from chatkit_bridge.ui.renderer import ClientActionHandler, WidgetView

WidgetActionHandler = Callable[[str, ActionConfig, dict[str, Any]], Awaitable[None]]
FeedbackSender = Callable[[str, FeedbackKind], Awaitable[None]]
RetryHandler = Callable[[], Awaitable[None]]
# The SDK reports some failures (e.g. a store that refused a write) without a message.
GENERIC_ERROR = "The assistant could not finish this reply; try again in a moment."


class ThreadView:
    """Everything shown for one thread, kept in step with the server's events."""

    def __init__(
        self,
        *,
        on_widget_action: WidgetActionHandler,
        on_feedback: FeedbackSender,
        on_retry: RetryHandler,
        client_actions: Mapping[str, ClientActionHandler] | None = None,
        message_actions: MessageActions | None = None,
    ) -> None:
        self.on_widget_action = on_widget_action
        self.message_actions = message_actions
        self.on_feedback = on_feedback
        self.on_retry = on_retry
        self.client_actions = client_actions
        self.container = ui.column().classes("w-full max-w-3xl mx-auto gap-4 p-4 thread-view")
        self.messages: dict[str, AssistantMessage] = {}
        self.widgets: dict[str, WidgetView] = {}
        self.elements: dict[str, ui.element] = {}
        self.last_user_item_id: str | None = None
        self.user_items: set[str] = set()
        self._transient: list[ui.element] = []
        self._errors: list[ui.element] = []

    def show_items(self, items: list[ThreadItem], feedback: dict[str, FeedbackKind]) -> None:
        """Render a thread's stored items, oldest first."""
        for item in items:
            self._render_item(item, done=True, feedback=feedback.get(item.id))

    def apply(self, event: ThreadStreamEvent) -> None:
        """Apply one streamed event to the page."""
        match event:
            case ThreadItemAddedEvent():
                self.clear_transient()
                self._render_item(event.item, done=False)
            case ThreadItemDoneEvent():
                self._finish_item(event.item)
            case ThreadItemUpdatedEvent():
                self._update_item(event.item_id, event.update)
            case ThreadItemReplacedEvent():
                self._replace_item(event.item)
            case ThreadItemRemovedEvent():
                self.remove_item(event.item_id)
            case ProgressUpdateEvent():
                self.clear_transient()
                with self.container:
                    self._transient.append(progress_line(event.text, event.icon))
            case NoticeEvent():
                with self.container:
                    notice(event.message, event.level)
            case ErrorEvent():
                self.clear_transient()
                self.show_error(event.message or GENERIC_ERROR, event.allow_retry)

    def show_error(self, message: str, allow_retry: bool) -> None:
        """Show an error with a Retry button when a retry can help."""
        retry = self.on_retry if allow_retry and self.last_user_item_id else None
        with self.container:
            self._errors.append(error_notice(message, retry))

    def clear_errors(self) -> None:
        """Remove shown errors once the user tries again."""
        for element in self._errors:
            element.delete()
        self._errors.clear()

    def show_thinking(self) -> None:
        """Show that a reply is on its way."""
        with self.container:
            self._transient.append(progress_line("Thinking…", None))

    def clear_transient(self) -> None:
        """Remove progress lines that a new event supersedes."""
        for element in self._transient:
            element.delete()
        self._transient.clear()

    def flush(self) -> bool:
        """Send buffered streamed text that is due; tell whether any was sent."""
        return any([message.body.flush_if_due() for message in self.messages.values()])

    def finish_streaming(self) -> None:
        """Flush everything once a stream ends."""
        self.clear_transient()
        for message in self.messages.values():
            message.body.flush()

    def newest_widget_id(self) -> str | None:
        """Return the id of the newest widget item on screen."""
        return next(reversed(self.widgets), None)

    def _render_item(
        self, item: ThreadItem, *, done: bool, feedback: FeedbackKind | None = None
    ) -> None:
        """Create the element of a new item."""
        if item.id in self.elements:
            return
        actions = self.message_actions
        with self.container:
            if isinstance(item, UserMessageItem):
                self.last_user_item_id = item.id
                self.user_items.add(item.id)
                text = message_text(item)
                edit = None if actions is None else partial(actions.user_buttons, item.id, text)
                self.elements[item.id] = user_bubble(text, edit)
            elif isinstance(item, AssistantMessageItem):
                text = "".join(part.text for part in item.content)
                again = None if actions is None else partial(actions.reply_buttons, item.id)
                message = AssistantMessage(
                    text,
                    on_feedback=lambda kind, item_id=item.id: self.on_feedback(item_id, kind),
                    feedback=feedback,
                    done=done,
                    extra_buttons=again,
                )
                self.messages[item.id] = message
                self.elements[item.id] = message.root
            elif isinstance(item, WidgetItem):
                self._render_widget(item)

    def user_item_before(self, item_id: str) -> str | None:
        """Return the id of the user message a shown item answers."""
        shown = list(self.elements)
        earlier = shown[: shown.index(item_id)] if item_id in shown else []
        return next((i for i in reversed(earlier) if i in self.user_items), None)

    def _render_widget(self, item: WidgetItem) -> None:
        """Render a widget item with its actions bound to the item."""

        async def on_action(config: ActionConfig, payload: dict[str, Any]) -> None:
            await self.on_widget_action(item.id, config, payload)

        with ui.element("div").classes("w-full widget-item") as holder:
            view = WidgetView(item.widget, on_action=on_action, client_actions=self.client_actions)
        self.widgets[item.id] = view
        self.elements[item.id] = holder

    def _finish_item(self, item: ThreadItem) -> None:
        """Complete an item, creating it if it was never announced."""
        if item.id not in self.elements:
            self.clear_transient()
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

    def remove_items_after(self, item_id: str) -> None:
        """Take every item newer than `item_id` off the page (the server drops them on retry)."""
        shown = list(self.elements)
        for newer in shown[shown.index(item_id) + 1 :]:
            self.remove_item(newer)

    def remove_item(self, item_id: str) -> None:
        """Take an item off the page."""
        element = self.elements.pop(item_id, None)
        if element is not None:
            element.delete()
        self.messages.pop(item_id, None)
        self.widgets.pop(item_id, None)
        self.user_items.discard(item_id)
