"""The rooms one can book, and each user's bookings, kept in per-user documents."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import uuid4

from chatkit_bridge.documents import Record, UserDocuments


@dataclass(frozen=True)
class Room:
    """A meeting room."""

    key: str
    name: str
    seats: int


ROOMS = {room.key: room for room in (
    Room("atlas", "Atlas", 4), Room("borealis", "Borealis", 8), Room("cosmos", "Cosmos", 12),
)}  # fmt: skip
SLOTS = {"morning": "Morning (9-12)", "afternoon": "Afternoon (13-17)", "day": "All day"}
# Which slots a slot overlaps: a full day clashes with either half.
_CLASHES = {"morning": {"morning", "day"}, "afternoon": {"afternoon", "day"}, "day": set(SLOTS)}
MAX_BOOKINGS = 200


class BookingError(ValueError):
    """A booking cannot be made or found; the message says why, for the user."""


@dataclass(frozen=True)
class Booking:
    """One booked room on one day, for a morning, an afternoon or the whole day."""

    id: str
    room: str
    day: date
    slot: str

    @property
    def label(self) -> str:
        """Describe the booking in a few words: "Atlas, Fri 27 Nov, morning"."""
        return f"{ROOMS[self.room].name}, {self.day:%a %d %b}, {SLOTS[self.slot].lower()}"


def _to_booking(record: Record) -> Booking:
    return Booking(record["id"], record["room"], date.fromisoformat(record["day"]), record["slot"])


class Bookings:
    """Each user's room bookings; safe to use from the tools' worker threads."""

    def __init__(self, documents: UserDocuments) -> None:
        self.documents = documents
        self._lock = threading.Lock()

    def list(self, user_id: str) -> list[Booking]:
        """Return the user's bookings, soonest first."""
        bookings = [_to_booking(record) for record in self.documents.read(user_id)]
        return sorted(bookings, key=lambda b: (b.day, list(SLOTS).index(b.slot), b.room))

    def book(self, user_id: str, room: str, day: date, slot: str, today: date) -> Booking:
        """Book `room` on `day` for `slot`; raise BookingError if it cannot be."""
        if room not in ROOMS:
            raise BookingError(f"There is no room called {room!r}; pick {_names()}.")
        if slot not in SLOTS:
            raise BookingError("Pick a morning, an afternoon or the whole day.")
        if day < today:
            raise BookingError(f"{day:%a %d %b} has passed; pick today or a later day.")
        booking = Booking(f"bk_{uuid4().hex[:8]}", room, day, slot)

        def add(records: list[Record]) -> None:
            for other in map(_to_booking, records):
                if other.room == room and other.day == day and other.slot in _CLASHES[slot]:
                    raise BookingError(f"You already have {other.label}.")
            if len(records) >= MAX_BOOKINGS:
                raise BookingError(f"You have {MAX_BOOKINGS} bookings; cancel some first.")
            records.append({"id": booking.id, "room": room, "day": day.isoformat(), "slot": slot})

        with self._lock:
            self.documents.update(user_id, add)
        return booking

    def cancel(self, user_id: str, booking_id: str) -> Booking:
        """Cancel one booking by id and return it."""

        def remove(records: list[Record]) -> Booking:
            for index, record in enumerate(records):
                if record["id"] == booking_id:
                    return _to_booking(records.pop(index))
            raise BookingError("That booking does not exist any more.")

        with self._lock:
            return self.documents.update(user_id, remove)

    def find(self, user_id: str, reference: str, today: date) -> list[Booking]:
        """Return the bookings a reference names: an id, a room name, or a day."""
        words = reference.lower().split()
        bookings = self.list(user_id)
        by_id = [b for b in bookings if b.id in words]
        if by_id:
            return by_id
        rooms = {key for key in ROOMS if key in words}
        day = parse_day(reference, today)
        return [
            b
            for b in bookings
            if (not rooms or b.room in rooms) and (day is None or b.day == day)
            and (rooms or day is not None)
        ]  # fmt: skip

    def subscribe(self, listener: Callable[[str], Any]) -> Callable[[], None]:
        """Call `listener(user_id)` after a user's bookings change."""
        return self.documents.subscribe(listener)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_day(text: str, today: date) -> date | None:
    """Read "today", "tomorrow", a weekday (the next one) or YYYY-MM-DD in `text`."""
    words = text.lower().replace(",", " ").split()
    if "today" in words:
        return today
    if "tomorrow" in words:
        return date.fromordinal(today.toordinal() + 1)
    for word in words:
        if word in _WEEKDAYS:
            ahead = (_WEEKDAYS.index(word) - today.weekday()) % 7 or 7
            return date.fromordinal(today.toordinal() + ahead)
        try:
            return date.fromisoformat(word)
        except ValueError:
            continue
    return None


def _names() -> str:
    return ", ".join(room.name for room in ROOMS.values())
