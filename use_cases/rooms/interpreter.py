"""The rooms assistant's offline brain: its rules in, tool calls or a reply out."""

import re
from collections.abc import Callable
from datetime import date

from chatkit_bridge.interpreter import Reply, Step, Turn, first_step
from use_cases.rooms.rules import HELP_TEXT, RULES

_POLITE = re.compile(r"^(?:please|could you|can you|would you)\s+|[\s?!.]+$|\s+please$", re.I)


class RoomsInterpreter:
    """Run the first rule that accepts the message; after the tools ran, say what they said."""

    def __init__(self, today: Callable[[], date] = date.today) -> None:
        self.today = today

    def next_step(self, turn: Turn) -> Step:
        """Return the tool calls for the user's text, or the reply once tools have run."""
        if turn.tool_results:
            return Reply(" ".join(result.output for result in turn.tool_results))
        text = " ".join(turn.user_text.split())
        previous = None
        while previous != text:
            previous, text = text, _POLITE.sub("", text)
        return first_step(RULES, text, self.today()) or Reply(HELP_TEXT)
