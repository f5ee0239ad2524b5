"""The rooms assistant's offline commands, one `Rule` each, with the phrasings they handle.

Examples run in tests/test_rooms.py with today = EXAMPLE_DAY (a Thursday).
"""

from datetime import date

from chatkit_bridge.interpreter import Groups, Reply, Rule, Step, call
from use_cases.rooms.data import ROOMS, parse_day

EXAMPLE_DAY = date(2026, 11, 26)
HELP_TEXT = (
    'I book meeting rooms (Atlas, Borealis, Cosmos). Say "book a room", "book Atlas tomorrow '
    'morning", "show my bookings" or "cancel Atlas on friday".'
)
_ROOM = "(?P<room>" + "|".join(ROOMS) + ")"
_SLOT = r"(?P<slot>morning|afternoon|all\ day|the\ whole\ day|whole\ day|full\ day)"  # verbose
_SLOT_KEYS = {"morning": "morning", "afternoon": "afternoon"}


def _slot(text: str | None) -> str:
    return _SLOT_KEYS.get((text or "").lower(), "day" if text else "morning")


def _book(match: Groups, today: date) -> Step | None:
    """Book when room and day are known; otherwise open the form with what was said."""
    day = parse_day(match["when"] or "", today)
    room = (match["room"] or "").lower() or None
    slot = _slot(match["slot"])
    if room and day:
        return call("book_room", room=room, day=day.isoformat(), slot=slot)
    arguments = {"day": day and day.isoformat(), "room": room, "slot": slot}
    return call("show_booking_form", **{k: v for k, v in arguments.items() if v})


RULES: tuple[Rule, ...] = (
    Rule("help", r"(?:hi|hello|hey|help|what can you do|how does this work)\W*",
         lambda _m, _today: Reply(HELP_TEXT), {"What can you do?": Reply(HELP_TEXT)}),
    Rule("show bookings", r"""(?:show|list|see|view|what\ are|what's|whats)?\ ?(?:me\ )?
         (?:all\ )?(?:my|the)\ (?:bookings|reservations|rooms|meetings)
         | what\ (?:have\ i|did\ i)\ book(?:ed)?""", lambda _m, _today: call("list_bookings"),
         {"Show my bookings": call("list_bookings"), "what have I booked": call("list_bookings"),
          "my bookings": call("list_bookings")}, verbose=True),
    Rule("cancel", r"(?:cancel|delete|remove|drop)\ (?:my\ |the\ )?(?:booking\ |reservation\ )?"
         r"(?:of\ |for\ |in\ |on\ )?(?P<ref>.+)",
         lambda m, _today: call("cancel_booking", reference=m["ref"]),
         {"cancel Atlas on friday": call("cancel_booking", reference="Atlas on friday")},
         verbose=True),
    Rule("book", r"""(?:book|reserve|get|grab|i\ need|i'd\ like|find)(?:\ me|\ us)?
         (?:\ (?:a|the))?(?:\ meeting)?(?:\ room)?(?:\ """ + _ROOM + r""")?(?:\ room)?
         (?:\ (?:for|on))?(?:\ (?P<when>today|tomorrow|monday|tuesday|wednesday|thursday|friday
         |saturday|sunday|\d{4}-\d\d-\d\d))?
         (?:\ (?:in\ the|for\ the|for))?(?:\ """ + _SLOT + r")?", _book,
         {"Book a meeting room": call("show_booking_form", slot="morning"),
          "Book Atlas tomorrow morning":
              call("book_room", room="atlas", day="2026-11-27", slot="morning"),
          "reserve cosmos on friday for the whole day":
              call("book_room", room="cosmos", day="2026-11-27", slot="day"),
          "I need a room tomorrow afternoon":
              call("show_booking_form", day="2026-11-27", slot="afternoon")}, verbose=True),
)  # fmt: skip
