"""A thread's items on the page: stored items rendered in order, their errors, and removal.

ThreadView (thread_view.py) adds what streamed events do to them.
"""

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any

from chatkit.actions import ActionConfig
from chatkit.types import (
    AssistantMessageItem,
    FeedbackKind,
    ThreadItem,
    UserMessageItem,
    WidgetItem,
)
from nicegui import ui

from chatkit_bridge.text import message_text
from chatkit_bridge.ui.message_actions import MessageActions
from chatkit_bridge.ui.message_views import AssistantMessage, ProgressLine, ShownError, user_bubble
from chatkit_bridge.ui.renderer import ClientActionHandler, WidgetView
from chatkit_bridge.ui.thread_errors import ThreadError

WidgetActionHandler = Callable[[str, ActionConfig, dict[str, Any]], Awaitable[None]]
FeedbackSender = Callable[[str, FeedbackKind], Awaitable[None]]
RetryHandler = Callable[[], Awaitable[None]]


class StoredThreadView:
    """The elements of one thread's items, in the thread's order, and the errors between them."""

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
        # A polite live region: screen readers announce new messages without interrupting.
        self.container = ui.column().classes("w-full max-w-3xl mx-auto gap-4 p-4 thread-view")
        self.container.props('role=log aria-live=polite aria-label="Conversation"')
        # chat.js shows a message here the moment Enter goes down, until the server's bubble comes.
        ui.element("div").classes("w-full max-w-3xl mx-auto px-4 pending-bubbles")
        self.progress = ProgressLine()
        self.messages: dict[str, AssistantMessage] = {}
        self.widgets: dict[str, WidgetView] = {}
        self.elements: dict[str, ui.element] = {}
        self.last_user_item_id: str | None = None
        self.user_items: set[str] = set()
        self._pending_user: ui.element | None = None
        self._errors: list[ShownError] = []

    def show_items(
        self,
        items: list[ThreadItem],
        feedback: dict[str, FeedbackKind],
        errors: list[ThreadError] | None = None,
    ) -> None:
        """Render a thread's stored items oldest first, each stored error after its item."""
        self._render_stored(items, feedback, errors or [])
        last_item = items[-1].id if items else None
        for shown in self._errors:
            if shown.after != last_item:
                shown.drop_retry()  # only the latest turn can be retried

    def _render_stored(
        self, items: list[ThreadItem], feedback: dict[str, FeedbackKind], errors: list[ThreadError]
    ) -> None:
        for error in errors:
            if error.after is None:
                self.show_error(error.message, error.allow_retry, after=None)
        for item in items:
            self._render_item(item, done=True, feedback=feedback.get(item.id))
            for error in errors:
                if error.after == item.id:
                    self.show_error(error.message, error.allow_retry, after=item.id)

    def show_earlier_items(
        self,
        items: list[ThreadItem],
        feedback: dict[str, FeedbackKind],
        errors: list[ThreadError] | None = None,
    ) -> None:
        """Render items older than every shown one above them (oldest first), with their errors.

        Reopening a thread shows its newest items first, so the end of the conversation is on
        screen without waiting for the rest; the earlier items then come in above them.
        """
        shown = list(self.elements.items())
        first_shown = shown[0][1] if shown else None
        slot = self.container.default_slot
        before = len(slot.children)
        latest_user, pending = self.last_user_item_id, self._pending_user
        messages, widgets = dict(self.messages), dict(self.widgets)
        for key in (self.elements, self.messages, self.widgets):
            key.clear()
        self._pending_user = None  # a message sent meanwhile is not one of these
        known_errors = len(self._errors)
        self._render_stored(items, feedback, errors or [])
        for error in self._errors[known_errors:]:
            error.drop_retry()  # only the newest turn can be retried, and it is already shown
        # Keep the page order and the records' order (newest last) the thread's order.
        if first_shown is not None:
            top = slot.children.index(first_shown)
            for offset, element in enumerate(list(slot.children[before:])):
                element.move(target_index=top + offset)
        self.elements.update(shown)
        self.messages.update(messages)
        self.widgets.update(widgets)
        self.last_user_item_id = latest_user or self.last_user_item_id
        self._pending_user = pending

    def show_error(
        self, message: str, allow_retry: bool, *, after: str | None = None
    ) -> ThreadError:
        """Show an error where it happened, with Retry when retrying can help; return its record."""
        after = after if after is not None else next(reversed(self.elements), None)
        retry = self.on_retry if allow_retry and self.last_user_item_id else None
        with self.container:
            self._errors.append(ShownError(message, retry, after))
        return ThreadError(message=message, allow_retry=allow_retry, after=after)

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
                if self._pending_user is not None:  # shown when Enter was pressed: replace it
                    self._pending_user.delete()  # in place, now with its buttons
                    self._pending_user = None
                text = message_text(item)
                edit = None if actions is None else partial(actions.user_buttons, item.id, text)
                self.elements[item.id] = user_bubble(text, edit)
            elif isinstance(item, AssistantMessageItem):
                text = "".join(part.text for part in item.content)
                again = None if actions is None else partial(actions.reply_buttons, item.id)
                message = AssistantMessage(
                    text,
                    # Bound to the handler, not to this view: a closure over `self` would make
                    # the view and its messages a reference cycle (tests/test_page_garbage.py).
                    on_feedback=partial(self.on_feedback, item.id),
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
        on_action = partial(self.on_widget_action, item.id)  # not over `self`: no cycle
        with ui.element("div").classes("w-full widget-item") as holder:
            view = WidgetView(item.widget, on_action=on_action, client_actions=self.client_actions)
        self.widgets[item.id] = view
        self.elements[item.id] = holder

    def remove_items_after(self, item_id: str) -> set[str]:
        """Take every item newer than `item_id` off the page (the server drops them on retry).

        Errors that followed `item_id` or a removed item go too; return the ids they followed.
        """
        shown = list(self.elements)
        removed = set(shown[shown.index(item_id) + 1 :])
        for newer in removed:
            self.remove_item(newer)
        replaced = removed | {item_id}
        for error in [e for e in self._errors if e.after in replaced]:
            error.root.delete()
            self._errors.remove(error)
        return replaced

    def remove_item(self, item_id: str) -> None:
        """Take an item off the page."""
        element = self.elements.pop(item_id, None)
        if element is not None:
            element.delete()
        self.messages.pop(item_id, None)
        self.widgets.pop(item_id, None)
        self.user_items.discard(item_id)
