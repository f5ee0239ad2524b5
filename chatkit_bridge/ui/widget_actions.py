"""Action payloads (ChatKit form semantics) and the loading state of controls."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from chatkit.actions import ActionConfig
from nicegui import ui
from nicegui.elements.mixins.disableable_element import DisableableElement

logger = logging.getLogger("chatkit_bridge.ui.renderer")

BUSY_STYLE = "opacity: 0.5; pointer-events: none"
"""Inline style of a busy element: dimmed and not clickable."""


def as_action(value: Any) -> ActionConfig | None:
    """Return the value as an ActionConfig (reloaded widgets carry plain dicts)."""
    if value is None or isinstance(value, ActionConfig):
        return value
    try:
        return ActionConfig.model_validate(value)
    except ValueError:
        logger.warning("Ignoring malformed widget action: %r", value)
        return None


def nest_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Turn dotted field names into nested dicts: {"todo.title": x} -> {"todo": {"title": x}}."""
    nested: dict[str, Any] = {}
    for name, value in fields.items():
        *parents, leaf = name.split(".")
        target = nested
        for part in parents:
            child = target.get(part)
            if not isinstance(child, dict):
                child = target[part] = {}
            target = child
        target[leaf] = value
    return nested


def _merge_missing(payload: dict[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(payload)
    for key, value in fields.items():
        if key not in merged:
            merged[key] = value
        elif isinstance(merged[key], dict) and isinstance(value, dict):
            merged[key] = _merge_missing(merged[key], value)
    return merged


def build_payload(payload: Any, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Merge named form fields into an action payload; keys already in the payload win."""
    if payload is None:
        base: dict[str, Any] = {}
    elif isinstance(payload, dict):
        base = payload
    else:
        logger.warning("Action payload is not an object; sending it as 'value': %r", payload)
        base = {"value": payload}
    return _merge_missing(base, nest_fields(fields))


def set_busy(element: ui.element, busy: bool, *, was_enabled: bool = True) -> None:
    """Show or clear the loading state of one control (disabled, spinner on buttons)."""
    if element.is_deleted:
        return  # the widget was replaced while the action ran
    if isinstance(element, ui.button):
        if busy:
            element.props("loading")
        else:
            element.props(remove="loading")
    if isinstance(element, DisableableElement):
        element.set_enabled(not busy and was_enabled)
    elif busy:
        element.style(BUSY_STYLE)
    else:
        element.style(remove=BUSY_STYLE)
