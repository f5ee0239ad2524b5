"""Set aside records that parse as JSON but are not valid data, so the rest still loads.

A record that fails its check (a `created_at` of "not-a-date", a thread without
one, a todo whose title is a number) would otherwise break every page, list and
turn of its user. It moves to a side file beside its data file,
`<name>.invalid`, in TinyDB's own layout (table -> document id -> record), so
an operator can repair it and put it back; the log names the file, the record's
id and the reason.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chatkit_bridge.durable import atomic_write_text

logger = logging.getLogger(__name__)

Data = dict[str, dict[str, Any]]

Check = Callable[[str, dict[str, Any]], object]
"""Called with a table name and one record; raises when the record is not valid data."""


def side_file(path: Path) -> Path:
    """Return the file where the invalid records of `path` are kept."""
    return path.with_name(f"{path.name}.invalid")


def split_invalid(path: Path, data: Data, check: Check) -> tuple[Data, Data]:
    """Return the valid and the invalid records of a file's data, logging each invalid one."""
    valid: Data = {}
    invalid: Data = {}
    # One pass over the whole file finds the rare record with a lone surrogate (stored
    # before inputs were checked), which no page or JSON answer can encode.
    all_encodable = _encodable(data)
    for table, docs in data.items():
        valid[table] = {}
        for key, record in docs.items():
            try:
                if not all_encodable and not _encodable(record):
                    raise UnencodableTextError
                check(table, record)
            except Exception as error:  # any failure of the check means "not valid data"
                invalid.setdefault(table, {})[key] = record
                logger.error(
                    "Invalid record %r (table %s, document %s) in %s set aside to %s: %s",
                    record.get("id"),
                    table,
                    key,
                    path,
                    side_file(path).name,
                    _reason(error),
                )
            else:
                valid[table][key] = record
    return valid, invalid


def keep_aside(path: Path, invalid: Data) -> None:
    """Add invalid records to the side file of `path`, never overwriting earlier ones."""
    aside = side_file(path)
    try:
        kept: Data = json.loads(aside.read_bytes())
    except FileNotFoundError:
        kept = {}
    except ValueError:
        kept = {}  # an unreadable side file is kept under another name, not merged
        aside.replace(aside.with_name(f"{aside.name}.unreadable"))
    for table, docs in invalid.items():
        target = kept.setdefault(table, {})
        for key, record in docs.items():
            name, counter = key, 1
            while name in target and target[name] != record:
                name, counter = f"{key}-{counter}", counter + 1
            target[name] = record
    atomic_write_text(aside, json.dumps(kept, indent=1))


class UnencodableTextError(ValueError):
    """A record holds text that cannot be encoded as UTF-8 (a lone surrogate)."""

    def __str__(self) -> str:
        return "text that cannot be encoded (a lone surrogate)"


def _encodable(value: object) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _reason(error: Exception) -> str:
    # Name the field and the problem, never the value: values are user text.
    if isinstance(error, ValidationError):
        problems = error.errors(include_input=False, include_url=False)
        first = problems[0]
        where = ".".join(str(part) for part in first["loc"]) or "record"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return f"{where}: {first['msg']}{more}"
    if isinstance(error, KeyError):
        return f"missing field {error.args[0]!r}"
    if isinstance(error, UnencodableTextError):
        return str(error)
    return type(error).__name__
