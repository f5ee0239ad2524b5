"""Make user or model text safe to show as a one-line label (thread titles)."""

import unicodedata

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
