"""Records whose text field contains a needle, found in one regex pass over each chunk.

Matching a description against a 10,000-todo list looks at every title. Calling a test per
record costs ~0.8 us each (casefold, search, the call itself); searching the casefolded
texts of a chunk joined into one string costs a C scan plus a little per match. The joined
text is kept beside the parsed records of the chunk file's version
(`DocumentChunks.text_of`), so it is made once per change of the file.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

Record = dict[str, Any]
Text = tuple[str, list[int]]
"""The records' casefolded texts joined by NUL, and where each record's text starts."""
_SEPARATOR = "\x00"


def joined(records: list[Record], field: str) -> Text:
    """Return the casefolded `field` texts of the records (non-strings as "") joined."""
    texts = [v.casefold() if isinstance(v := record.get(field), str) else "" for record in records]
    starts = []
    offset = 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    return _SEPARATOR.join(texts), starts


def containing(
    records: list[Record], text: Text, field: str, pattern: re.Pattern[str]
) -> list[Record]:
    """Return the records whose string `field`, casefolded, has a match of `pattern`.

    :param text: `joined(records, field)`.
    """
    joined_text, starts = text
    found = []
    position = 0
    while (match := pattern.search(joined_text, position)) is not None:
        index = bisect.bisect_right(starts, match.start()) - 1
        record = records[index]
        value = record.get(field)
        # A match across the separator (a text holding NUL) is none: look again from the
        # next character; a real one moves on to the next record's text.
        if isinstance(value, str) and pattern.search(value.casefold()) is not None:
            found.append(record)
            if index + 1 >= len(starts):
                break
            position = starts[index + 1]
        else:
            position = match.start() + 1
    return found
