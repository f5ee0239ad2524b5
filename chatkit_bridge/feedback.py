"""Thumbs up or down on items, kept in the thread's metadata."""

from chatkit.types import FeedbackKind, ThreadMetadata

FEEDBACK_KEY = "feedback"


def feedback_of(thread: ThreadMetadata) -> dict[str, FeedbackKind]:
    """Return the recorded feedback of a thread, by item id."""
    return dict(thread.metadata.get(FEEDBACK_KEY, {}))
