"""Give every streamed item a real id, even when the model API has none."""

from collections.abc import Callable

from agents.models.fake_id import FAKE_RESPONSES_ID
from chatkit.types import (
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
)


class FakeIdRewriter:
    """Replace the Chat Completions placeholder id so replies do not overwrite each other."""

    def __init__(self, new_id: Callable[[], str]) -> None:
        self._new_id = new_id
        self._current: str | None = None
        self._finished = False

    def rewrite(self, event: ThreadStreamEvent) -> ThreadStreamEvent:
        """Return the event with the placeholder id replaced by the item's real id."""
        match event:
            case ThreadItemAddedEvent() if event.item.id == FAKE_RESPONSES_ID:
                self._start()
                return event.model_copy(update={"item": self._with_id(event.item)})
            case ThreadItemDoneEvent() if event.item.id == FAKE_RESPONSES_ID:
                if self._finished:
                    self._start()
                self._finished = True
                return event.model_copy(update={"item": self._with_id(event.item)})
            case ThreadItemUpdatedEvent() if event.item_id == FAKE_RESPONSES_ID:
                return event.model_copy(update={"item_id": self._current_id()})
            case ThreadItemRemovedEvent() if event.item_id == FAKE_RESPONSES_ID:
                return event.model_copy(update={"item_id": self._current_id()})
        return event

    def _start(self) -> None:
        self._current = self._new_id()
        self._finished = False

    def _current_id(self) -> str:
        if self._current is None:
            self._current = self._new_id()
        return self._current

    def _with_id(self, item: ThreadItem) -> ThreadItem:
        return item.model_copy(update={"id": self._current_id()})
