"""The private internals chatkit_bridge/compat.py relies on still exist in the pinned versions."""

from chatkit.server import ChatKitServer
from nicegui import core
from nicegui.elements.choice_element import ChoiceElement

from chatkit_bridge.compat import PAGE_EVENTS


def test_the_private_names_compat_uses_exist() -> None:
    # If one of these fails after an upgrade, adapt chatkit_bridge/compat.py (and only it).
    assert callable(ChatKitServer._process_streaming)
    assert callable(ChatKitServer._process_non_streaming)
    assert callable(ChoiceElement._update_options)
    # The page-event handlers are wrapped in place; python-socketio keeps them here.
    assert all(callable(core.sio.handlers["/"][name]) for name in PAGE_EVENTS)
    assert callable(core.sio.rooms)
