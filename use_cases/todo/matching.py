"""Which todos a description means ("the report", "call mom"), decided on few records.

A description is matched against titles word by word (crude stems, filler words dropped).
A list of 10,000 todos is not turned into 10,000 `Todo` objects for that: `candidates` is a
cheap condition on the raw records that keeps every record that could match (its title is the
description, or contains a word's stem); only those are ranked by `best_matches`, still as
raw records, and only the todos it picks are validated.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from chatkit_bridge.document_order import Where

Record = dict[str, Any]

# Words people add around a description ("the task to call mom") that say
# nothing about which todo they mean.
_FILLER = """
    a an the my our your his her their its this that these those
    task tasks todo todos item items entry entries thing things one ones
    please pls for of on in at to about with and or from by up it is
"""
STOP_WORDS = frozenset(_FILLER.split())

_WORD = re.compile(r"\w+")


def stem(word: str) -> str:
    """Reduce a lowercase word to a crude stem so word forms compare equal."""
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > 5:
        word = _undouble(word[:-3])
    elif word.endswith("ed") and len(word) > 4 and not word.endswith("eed"):
        word = _undouble(word[:-2])
    elif word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    # "make"/"making" and "note"/"noted" meet at "mak" and "not".
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _undouble(word: str) -> str:
    # "shopping" -> "shopp" -> "shop"; "calling" keeps its "ll".
    if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
        return word[:-1]
    return word


def keywords(text: str) -> list[str]:
    """Return the stems of the meaningful words of a text."""
    return [stem(word) for word in _WORD.findall(text.casefold()) if word not in STOP_WORDS]


@functools.lru_cache(maxsize=16_384)
def _title_words(title: str) -> list[str]:
    # A description is ranked against every title sharing a word with it; a long list's
    # titles repeat from one command to the next (the cached lists are never changed).
    return keywords(title)


def candidates(reference: str) -> Where:
    """Return which raw todo records `best_matches` could pick for a description.

    A stem is a prefix of the casefolded word it came from, except that "-ies"/"-ied" become
    "-y": without a final "y" it always is. So a title holding a wanted stem (that way) is a
    candidate, and so is a title equal to the description; no other title can match. The
    backend scans for that (one compiled search per title; PostgreSQL filters in SQL).
    """
    lowered = reference.strip().casefold()
    probes = {word[:-1] if word.endswith("y") else word for word in keywords(reference)}
    return Where(text=("title", tuple(sorted({lowered, *probes} - {""}))))


def best_matches(records: Sequence[Record], reference: str) -> list[Record]:
    """Return the records whose title best matches a description; several on a tie, [] on none.

    :param records: the candidates (any superset of what `candidates` takes); ties come
        back in their order.
    """
    ref = reference.strip()
    lowered = ref.casefold()
    exact = [record for record in records if record["title"].strip().casefold() == lowered]
    if exact:
        return exact

    wanted = keywords(ref)
    if not wanted:
        return []
    words = [_title_words(record["title"]) for record in records]
    same = [
        record
        for record, have in zip(records, words, strict=True)
        if sorted(have) == sorted(wanted)
    ]
    if same:
        return same

    best_score = 0
    best: list[Record] = []
    wanted_set = set(wanted)
    for record, have in zip(records, words, strict=True):
        score = len(wanted_set & set(have))
        if score > best_score:
            best_score, best = score, [record]
        elif score == best_score and score > 0:
            best.append(record)
    return best
