"""The change journal of a thread: which data changes answered which user message.

Kept in the thread's metadata (see `chatkit_bridge.turn_effects`, which writes and reads it).
"""

import logging
from datetime import datetime

from chatkit.actions import ActionConfig
from chatkit.types import ThreadMetadata, UserMessageItem
from pydantic import BaseModel, Field, ValidationError

logger = logging.getLogger(__name__)

EFFECTS_KEY = "turn_effects"
# Older turns are forgotten so the thread's metadata stays small; regenerating one of them
# falls back to the model seeing the current data.
KEPT_TURNS = 30


class Change(BaseModel):
    """One tool call that changed data, and the actions that revert it."""

    tool: str
    arguments: str
    output: str
    undo: list[ActionConfig] = Field(default_factory=list)


class TurnRecord(BaseModel):
    """The changes made while answering one user message."""

    turn: str
    at: datetime
    changes: list[Change] = Field(default_factory=list)
    edited: bool = False


class Journal(BaseModel):
    """Every remembered turn of a thread, oldest first."""

    turns: list[TurnRecord] = Field(default_factory=list)

    @classmethod
    def of(cls, thread: ThreadMetadata) -> "Journal":
        """Read a thread's journal; a damaged one counts as empty rather than failing a reply."""
        stored = thread.metadata.get(EFFECTS_KEY) or {}
        try:
            if isinstance(stored, str):
                return cls.model_validate_json(stored)
            return cls.model_validate(stored)  # the nested form earlier versions wrote
        except ValidationError:
            logger.warning("ignoring a damaged change journal in thread %s", thread.id)
            return cls()

    def write(self, thread: ThreadMetadata) -> None:
        """Put the journal (its newest turns) into the thread's metadata, as one JSON string.

        A string, not nested objects: ChatKit deep-copies the thread and compares it with its
        copy after every event of a turn, and a string is copied and compared at once.
        """
        kept = [turn for turn in self.turns if turn.changes or turn.edited][-KEPT_TURNS:]
        thread.metadata = {**thread.metadata, EFFECTS_KEY: Journal(turns=kept).model_dump_json()}

    def record(self, message: UserMessageItem) -> TurnRecord:
        """Return the record of a message's turn, creating it if needed."""
        for turn in self.turns:
            if turn.turn == message.id:
                return turn
        turn = TurnRecord(turn=message.id, at=message.created_at)
        self.turns.append(turn)
        return turn


def mark_edited(thread: ThreadMetadata, message: UserMessageItem) -> None:
    """Note that a message was edited, so its next answer first undoes the earlier ones."""
    journal = Journal.of(thread)
    journal.record(message).edited = True
    journal.write(thread)
