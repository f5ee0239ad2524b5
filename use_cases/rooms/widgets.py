"""The rooms widgets, built from this folder's Widget Builder files (reloaded when saved)."""

from datetime import date
from pathlib import Path

from chatkit.widgets import DynamicWidgetRoot

from chatkit_bridge.widget_files import WidgetFiles
from use_cases.rooms.data import ROOMS, SLOTS, Booking

FILES = WidgetFiles(Path(__file__).parent)
BOOK_ACTION = "rooms.book"
SELECT_ACTION = "rooms.select"
CANCEL_ACTION = "rooms.cancel"


def booking_form(
    today: date,
    day: date | None = None,
    room: str | None = None,
    slot: str = "morning",
    message: str | None = None,
    failed: bool = False,
) -> DynamicWidgetRoot:
    """Build the form: a day picker, a room select and morning/afternoon/all-day radios."""
    return FILES.get("booking_form.widget").build(
        {
            "today": today.isoformat(),
            "day": (day or today).isoformat(),
            "room": room,
            "slot": slot,
            "rooms": [{"value": r.key, "label": f"{r.name} ({r.seats} seats)"}
                      for r in ROOMS.values()],
            "slots": [{"value": key, "label": label} for key, label in SLOTS.items()],
            "message": message,
            "failed": failed,
        }
    )  # fmt: skip


def bookings_list(bookings: list[Booking], selected: str | None = None) -> DynamicWidgetRoot:
    """Build the list of bookings; a clicked one is selected and offers Cancel."""
    return FILES.get("bookings.widget").build(
        {
            "bookings": [
                {"id": b.id, "room": ROOMS[b.room].name, "day": f"{b.day:%a %d %b}",
                 "slot": SLOTS[b.slot]}
                for b in bookings
            ],
            "selected": selected,
        }
    )  # fmt: skip


def bookings_copy_text(bookings: list[Booking]) -> str:
    """Describe the bookings in plain text, for copying and for the model's history."""
    if not bookings:
        return "No bookings."
    return "\n".join(f"- {b.label} ({b.id})" for b in bookings)
