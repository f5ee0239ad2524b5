"""The meeting-room assistant as a use case.

Its chat page is served before the Agents SDK has loaded (chatkit_bridge/startup.py): the agent
and its tools are imported where they are first built, once the chat stack has loaded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from chatkit.types import ThreadStreamEvent

from chatkit_bridge.context import RequestContext
from chatkit_bridge.use_case import ActionRequest, Host, StarterPrompt, UseCase
from use_cases.rooms.actions import handle_rooms_action
from use_cases.rooms.data import Bookings
from use_cases.rooms.interpreter import RoomsInterpreter

if TYPE_CHECKING:
    from agents import Agent, FunctionTool
    from agents.models.interface import Model
    from chatkit.agents import AgentContext

INSTRUCTIONS = """\
You book meeting rooms for the user: Atlas (4 seats), Borealis (8) and Cosmos (12), for a
morning, an afternoon or the whole day. Today is {today:%A %Y-%m-%d}.
- Use the tools; never claim a booking you did not make with book_room.
- If the room or day is missing, call show_booking_form with what you know.
- Convert relative days to YYYY-MM-DD. Reply in one short line: the cards show the details.
"""


class RoomsUseCase(UseCase):
    """Book meeting rooms by chatting or through a form; pick bookings from a list."""

    name = "rooms"
    title = "Meeting rooms"
    starter_prompts = (
        StarterPrompt("Book a room", "Book a meeting room", "calendar"),
        StarterPrompt("Atlas tomorrow morning", "Book Atlas tomorrow morning", "plus"),
        StarterPrompt("My bookings", "Show my bookings", "notebook"),
        StarterPrompt("What can you do?", "What can you do?", "circle-question"),
    )

    def __init__(self, bookings: Bookings, today: Callable[[], date] = date.today) -> None:
        self.bookings = bookings
        self.today = today

    @cached_property
    def tools(self) -> list[FunctionTool]:
        """Build the agent's tools (once, with the agent)."""
        from use_cases.rooms.tools import build_tools

        return build_tools(self.bookings, self.today)

    @classmethod
    def create(cls, host: Host) -> RoomsUseCase:
        """Keep the bookings in the host's "bookings" documents."""
        return cls(Bookings(host.documents("bookings")))

    def build_agent(self, model: Model) -> Agent[AgentContext[RequestContext]]:
        """Build the rooms agent on `model`."""
        from agents import Agent
        from chatkit.agents import AgentContext

        def instructions(_context: object, _agent: object) -> str:
            return INSTRUCTIONS.format(today=self.today())

        return Agent[AgentContext[RequestContext]](
            name=self.title, instructions=instructions, model=model, tools=list(self.tools)
        )

    def interpreter(self) -> RoomsInterpreter:
        """Return the rule-based interpreter that drives the offline model."""
        return RoomsInterpreter(self.today)

    def handle_action(self, request: ActionRequest) -> AsyncIterator[ThreadStreamEvent]:
        """Answer a click on the form or the bookings list."""
        return handle_rooms_action(request, self.bookings, self.today)

    def subscribe(self, user_id: str, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` when the user's bookings change."""
        return self.bookings.subscribe(lambda changed: callback() if changed == user_id else None)
