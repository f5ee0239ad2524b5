"""Read component types and their properties from ChatKit's `widgets.d.ts` (no TS toolchain)."""

from __future__ import annotations

import re
from pathlib import Path

TYPES_FILE = Path(__file__).with_name("widgets.d.ts")
_BLOCK_START = re.compile(r"^(?:export )?type (\w+) = \{", re.MULTILINE)
_FIELD = re.compile(r"^(\w+)\??:")
_TYPE_LITERAL = re.compile(r"type: '([A-Z][\w.]*)'")


def object_types(text: str) -> dict[str, list[str]]:
    """Map each `type Name = { ... }` to its top-level property names, in file order."""
    found: dict[str, list[str]] = {}
    for match in _BLOCK_START.finditer(text):
        depth, fields, line = 1, [], ""
        for char in text[match.end() :]:
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    break
            elif char == "\n":
                if depth == 1 and (field := _FIELD.match(line.strip())):
                    fields.append(field.group(1))
                line = ""
                continue
            line += char
        found[match.group(1)] = fields
    return found


def component_types(text: str) -> list[str]:
    """Return every component `type` literal, e.g. `Card`, `Table.Row`."""
    return sorted(set(_TYPE_LITERAL.findall(text)))
