"""The private internals chatkit_bridge/compat.py relies on still exist in the pinned versions."""

from chatkit.server import ChatKitServer
from nicegui.elements.choice_element import ChoiceElement


def test_the_private_names_compat_uses_exist() -> None:
    # If one of these fails after an upgrade, adapt chatkit_bridge/compat.py (and only it).
    assert callable(ChatKitServer._process_streaming)
    assert callable(ChatKitServer._process_non_streaming)
    assert callable(ChoiceElement._update_options)
