"""The rooms tools: one small maker function per tool."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from agents import FunctionTool, RunContextWrapper, function_tool
from chatkit.agents import AgentContext

from chatkit_bridge.context import RequestContext
from chatkit_bridge.toolset import Toolset
from use_cases.rooms.data import SLOTS, BookingError, Bookings, parse_day
from use_cases.rooms.widgets import booking_form, bookings_copy_text, bookings_list

Ctx = RunContextWrapper[AgentContext[RequestContext]]


@dataclass
class RoomTools:
    """What the rooms tools share."""

    bookings: Bookings
    today: Callable[[], date]

    async def show_list(self, ctx: Ctx) -> int:
        """Stream the user's bookings as a list card; return how many there are."""
        user_id = ctx.context.request_context.user_id
        bookings = await asyncio.to_thread(self.bookings.list, user_id)
        await ctx.context.stream_widget(
            bookings_list(bookings), copy_text=bookings_copy_text(bookings)
        )
        return len(bookings)


TOOLS = Toolset[RoomTools]()


@TOOLS.tool(read_only=True)
def show_booking_form(deps: RoomTools) -> FunctionTool:
    """Build the tool that shows the booking form."""

    @function_tool
    async def show_booking_form(
        ctx: Ctx, day: str | None = None, room: str | None = None, slot: str | None = None
    ) -> str:
        """Show the booking form, filled in with whatever the user already said.

        Args:
            day: The day as YYYY-MM-DD, if known.
            room: atlas, borealis or cosmos, if known.
            slot: morning, afternoon or day, if known.
        """
        today = deps.today()
        when = parse_day(day or "", today)
        form = booking_form(today, when, room, slot if slot in SLOTS else "morning")
        await ctx.context.stream_widget(form, copy_text="Room booking form")
        return "Pick a day, a room and a time, then press Book."

    return show_booking_form


@TOOLS.tool
def book_room(deps: RoomTools) -> FunctionTool:
    """Build the tool that books a room."""

    @function_tool
    async def book_room(ctx: Ctx, room: str, day: str, slot: str = "morning") -> str:
        """Book a meeting room.

        Args:
            room: atlas, borealis or cosmos.
            day: The day as YYYY-MM-DD.
            slot: morning, afternoon or day.
        """
        today = deps.today()
        when = parse_day(day, today)
        if when is None:
            return f'"{day}" is not a day I understand; use YYYY-MM-DD.'
        user_id = ctx.context.request_context.user_id
        try:
            booking = await asyncio.to_thread(
                deps.bookings.book, user_id, room.strip().lower(), when, slot, today
            )
        except BookingError as error:
            return f"Nothing was booked: {error}"
        await deps.show_list(ctx)
        return f"Booked {booking.label}."

    return book_room


@TOOLS.tool(read_only=True)
def list_bookings(deps: RoomTools) -> FunctionTool:
    """Build the tool that shows the bookings."""

    @function_tool
    async def list_bookings(ctx: Ctx) -> str:
        """Show the user's room bookings."""
        count = await deps.show_list(ctx)
        if not count:
            return "You have no bookings."
        return f"You have {count} booking{'s' if count > 1 else ''}; click one to cancel it."

    return list_bookings


@TOOLS.tool
def cancel_booking(deps: RoomTools) -> FunctionTool:
    """Build the tool that cancels a booking."""

    @function_tool
    async def cancel_booking(ctx: Ctx, reference: str) -> str:
        """Cancel a booking.

        Args:
            reference: A booking id, a room name, a day, or both ("atlas friday").
        """
        user_id = ctx.context.request_context.user_id
        found = await asyncio.to_thread(deps.bookings.find, user_id, reference, deps.today())
        if not found:
            return f'I found no booking matching "{reference}".'
        if len(found) > 1:
            listed = "; ".join(b.label for b in found)
            return f"That could be {listed}. Which one?"
        try:
            cancelled = await asyncio.to_thread(deps.bookings.cancel, user_id, found[0].id)
        except BookingError as error:
            return str(error)
        await deps.show_list(ctx)
        return f"Cancelled {cancelled.label}."

    return cancel_booking


def build_tools(bookings: Bookings, today: Callable[[], date] = date.today) -> list[FunctionTool]:
    """Build the rooms tools over `bookings`."""
    return TOOLS.build(RoomTools(bookings, today))
