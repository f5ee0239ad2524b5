"""Which todos a description means ("the report", "call mom"), decided on few records.

A description is matched against titles word by word (crude stems, filler words dropped).
A list of 10,000 todos is not turned into 10,000 `Todo` objects for that: `could_match` is a
cheap test on the raw records that keeps every record that could match (its title is the
description, or contains a word's stem), and only those are ranked by `best_matches`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from use_cases.todo.models import Todo

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


def could_match(reference: str) -> Callable[[dict[str, Any]], bool]:
    """Return a test on raw todo records, true for every record `best_matches` could pick.

    A stem is a prefix of the casefolded word it came from, except that "-ies"/"-ied" become
    "-y": without a final "y" it always is. So a title holding a wanted stem (that way) is a
    candidate, and so is a title equal to the description; no other title can match.
    """
    lowered = reference.strip().casefold()
    probes = {word[:-1] if word.endswith("y") else word for word in keywords(reference)}
    probes.discard("")

    def test(record: dict[str, Any]) -> bool:
        title = record.get("title")
        if not isinstance(title, str):
            return False
        folded = title.casefold()
        return folded.strip() == lowered or any(probe in folded for probe in probes)

    return test


def best_matches(todos: Sequence[Todo], reference: str) -> list[Todo]:
    """Return the todos whose title best matches a description; several on a tie, [] on none.

    :param todos: the candidates in list order (any superset of what `could_match` keeps).
    """
    ref = reference.strip()
    lowered = ref.casefold()
    exact = [todo for todo in todos if todo.title.strip().casefold() == lowered]
    if exact:
        return exact

    wanted = keywords(ref)
    if not wanted:
        return []
    words = {todo.id: keywords(todo.title) for todo in todos}
    same = [todo for todo in todos if sorted(words[todo.id]) == sorted(wanted)]
    if same:
        return same

    best_score = 0
    best: list[Todo] = []
    wanted_set = set(wanted)
    for todo in todos:
        score = len(wanted_set & set(words[todo.id]))
        if score > best_score:
            best_score, best = score, [todo]
        elif score == best_score and score > 0:
            best.append(todo)
    return best
