"""Which todos a reference means: an id, a position ("2", "#2") or a description."""

from __future__ import annotations

import re

from chatkit_bridge.document_order import Where
from chatkit_bridge.documents import UserDocuments
from use_cases.todo.list_order import in_list_order, to_todo
from use_cases.todo.matching import best_matches, candidates
from use_cases.todo.models import Todo

_POSITION = re.compile(r"(?:(?:number|no\.?|item|todo|task)\s*)?#?\s*(\d+)(?:st|nd|rd|th)?")
_BARE_ID = re.compile(r"[0-9a-f]{6}")


def find(
    documents: UserDocuments, user_id: str, reference: str, longest: int, limit: int | None
) -> list[Todo]:
    """Return the todos a reference means; several on a tie, [] on none.

    Ids are looked up, a position is read from the first page that long, and a description is
    matched on the raw records: only the titles that could match are ranked.

    :param documents: the user's "todos" documents, in list order.
    :param longest: the longest a list can be (a position past it reads no further).
    :param limit: at most this many of the tied todos (the first in list order).
    """
    ref = reference.strip()
    if not ref:
        return []
    lowered = ref.casefold()
    tokens = [lowered, *lowered.replace("#", " ").split()]
    forms = [[token, *([f"todo_{token}"] if _BARE_ID.fullmatch(token) else [])] for token in tokens]
    wanted = Where(field="id", values=frozenset(form for each in forms for form in each))
    by_id = {record["id"]: record for record in documents.select(user_id, wanted)}
    for form in (form for each in forms for form in each):
        if form in by_id:
            return [to_todo(by_id[form])]

    position = _POSITION.fullmatch(lowered)
    if position and int(position.group(1)) >= 1:
        nth = int(position.group(1))
        records = documents.page(user_id, min(nth, longest)).records
        if len(records) == nth:
            return [to_todo(records[-1])]

    possible = documents.select(user_id, candidates(ref))
    # Ranked in stored order; only the few best are sorted into list order and validated.
    return in_list_order(best_matches(possible, ref), limit)
