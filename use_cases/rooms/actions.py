"""Clicks on the rooms widgets: book from the form, select a booking, cancel it."""

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime

from chatkit.types import (
    HiddenContextItem,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadStreamEvent,
    WidgetItem,
)
from chatkit.widgets import WidgetRoot

from chatkit_bridge.use_case import ActionRequest
from use_cases.rooms.data import SLOTS, BookingError, Bookings, parse_day
from use_cases.rooms.widgets import (
    BOOK_ACTION,
    CANCEL_ACTION,
    SELECT_ACTION,
    booking_form,
    bookings_copy_text,
    bookings_list,
)


async def handle_rooms_action(
    request: ActionRequest, bookings: Bookings, today: Callable[[], date]
) -> AsyncIterator[ThreadStreamEvent]:
    """Answer a click; the clicked widget is replaced in place (and so saved)."""
    sender, payload = request.sender, dict(request.action.payload or {})
    if sender is None:
        return
    user_id = request.context.user_id
    if request.action.type == BOOK_ACTION:
        widget, copy_text, note = await _book(bookings, user_id, payload, today())
    elif request.action.type == SELECT_ACTION:
        listed = await asyncio.to_thread(bookings.list, user_id)
        widget, copy_text, note = bookings_list(listed, str(payload.get("id"))), None, None
        copy_text = bookings_copy_text(listed)
    elif request.action.type == CANCEL_ACTION:
        try:
            cancelled = await asyncio.to_thread(bookings.cancel, user_id, str(payload.get("id")))
            note = f"The user cancelled {cancelled.label} from the list."
        except BookingError:
            note = None  # cancelled meanwhile: just show the list as it is
        listed = await asyncio.to_thread(bookings.list, user_id)
        widget, copy_text = bookings_list(listed), bookings_copy_text(listed)
    else:
        return
    yield ThreadItemReplacedEvent(item=_replaced(sender, widget, copy_text))
    if note:
        thread, store, context = request.thread, request.store, request.context
        yield ThreadItemDoneEvent(
            item=HiddenContextItem(
                id=store.generate_item_id("message", thread, context),
                thread_id=thread.id,
                created_at=datetime.now(),
                content=note,
            )
        )


async def _book(
    bookings: Bookings, user_id: str, fields: dict[str, object], today: date
) -> tuple[WidgetRoot, str, str | None]:
    """Book what the form says; answer with the form again, saying what happened."""
    room = str(fields.get("room") or "") or None
    slot = str(fields.get("slot") or "morning")
    day = parse_day(str(fields.get("day") or ""), today)
    slot = slot if slot in SLOTS else "morning"
    if day is None or room is None:
        missing = "a day" if day is None else "a room"
        form = booking_form(today, day, room, slot, f"Pick {missing} first.", failed=True)
        return form, "Room booking form", None
    try:
        booking = await asyncio.to_thread(bookings.book, user_id, room, day, slot, today)
    except BookingError as error:
        return booking_form(today, day, room, slot, str(error), failed=True), str(error), None
    done = f"Booked {booking.label}."
    return booking_form(today, day, room, slot, done), done, f"The user booked {booking.label}."


def _replaced(sender: WidgetItem, widget: WidgetRoot, copy_text: str | None) -> WidgetItem:
    return sender.model_copy(update={"widget": widget, "copy_text": copy_text})
