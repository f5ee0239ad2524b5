"""Make user or model text safe to show as a one-line label (thread titles); read it from items."""

import unicodedata

from chatkit.types import ThreadItem, UserMessageItem, UserMessageTextContent

MAX_TITLE_LENGTH = 200

# Control, format (bidi overrides and isolates, zero-width characters, BOM), surrogate,
# private-use and unassigned code points: invisible or misleading in a label.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
SEPARATOR_CATEGORIES = {"Zl", "Zp"}


def clean_label(text: str) -> str:
    """Drop invisible and direction-changing characters and fold all whitespace to single spaces."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace() or category in SEPARATOR_CATEGORIES:
            kept.append(" ")
        elif category not in HIDDEN_CATEGORIES:
            kept.append(char)
    return " ".join("".join(kept).split())


def message_text(item: ThreadItem) -> str:
    """Return the plain text of a user message."""
    if not isinstance(item, UserMessageItem):
        return ""
    return "".join(part.text for part in item.content if isinstance(part, UserMessageTextContent))
