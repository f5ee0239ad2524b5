"""Book a meeting room: a form with a date picker, a select and radio buttons, and a list of
bookings to pick from."""

from use_cases.rooms.use_case import RoomsUseCase as UseCase

__all__ = ["UseCase"]
