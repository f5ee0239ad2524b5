"""Validation of named form fields on submit: `required`, `pattern`, date bounds."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from nicegui.elements.mixins.value_element import ValueElement

from .widget_core import Node

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def outside_dates(value: Any, node: Node) -> str | None:
    """Say why a "YYYY-MM-DD" value lies outside the node's `min`/`max` dates, if it does."""
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return None
    earliest, latest = str(node.get("min") or "")[:10], str(node.get("max") or "")[:10]
    if earliest and value < earliest:
        return f"Pick {earliest} or later"
    if latest and value > latest:
        return f"Pick {latest} or earlier"
    return None


def validator(element: ValueElement, node: Node) -> Callable[[], bool]:
    """Check `required` and `pattern` on submit and show the error on the control."""

    def validate() -> bool:
        value = element.value
        error = None
        if node.get("required") and value in (None, "", False, []):
            error = "Required"
        elif (bound := outside_dates(value, node)) is not None:
            error = bound
        elif node.get("pattern") and isinstance(value, str) and value:
            try:
                if not re.fullmatch(str(node["pattern"]), value):
                    error = "Invalid format"
            except re.error:
                pass  # JS-only regex syntax: let the server decide
        element.props["error"] = error is not None
        element.props["error-message"] = error or ""
        return error is None

    return validate
