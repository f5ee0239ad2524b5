"""Every use of a dependency's private internals or undocumented behaviour, in one package.

Checked against the pinned versions in requirements.txt: openai-chatkit==1.6.5,
openai-agents==0.24.0 and nicegui==3.18.0 (with its python-socketio 5.18.1, starlette 1.10 and
uvicorn 0.54).
After upgrading one, tests/test_compat.py (test_compat_agents.py for the Agents SDK) fails first
if a name used here is gone; read the dependency's source and adapt this package only.
`agents_sdk`, `agents_tasks` and `agents_run` are imported by their module paths: they load the
Agents SDK, which this package must not do (app.py imports it before the chat stack loads).
"""

from chatkit_bridge.compat.chatkit_server import (
    answer_parsed,
    close_merged_streams_cleanly,
    sse_chunks,
    stream_events,
    stream_parsed,
)
from chatkit_bridge.compat.nicegui_cycles import free_deleted_pages_without_collector
from chatkit_bridge.compat.nicegui_http import (
    RedirectWithPrefix,
    RequestTracking,
    SetCacheControl,
    add_session_middleware,
    use_plain_asgi_middlewares,
)
from chatkit_bridge.compat.nicegui_pages import (
    DRAWER_STATE_PATIENCE,
    PAGE_EVENTS,
    OptionFlags,
    accept_page_events_only_from_their_socket,
    cache_change_handler_signatures,
    wait_patiently_for_drawer_state,
)
from chatkit_bridge.compat.widget_dump import NotPlain, plain_widget_dump
from chatkit_bridge.compat.widget_serializer import (
    SDK_WIDGET_NEWS,
    SDK_WIDGET_SERIALIZER,
    build_widgets_without_warnings,
    serialize_widgets_once,
)

__all__ = [
    "DRAWER_STATE_PATIENCE",
    "PAGE_EVENTS",
    "SDK_WIDGET_NEWS",
    "SDK_WIDGET_SERIALIZER",
    "NotPlain",
    "OptionFlags",
    "RedirectWithPrefix",
    "RequestTracking",
    "SetCacheControl",
    "accept_page_events_only_from_their_socket",
    "add_session_middleware",
    "answer_parsed",
    "build_widgets_without_warnings",
    "cache_change_handler_signatures",
    "close_merged_streams_cleanly",
    "free_deleted_pages_without_collector",
    "plain_widget_dump",
    "serialize_widgets_once",
    "sse_chunks",
    "stream_events",
    "stream_parsed",
    "use_plain_asgi_middlewares",
    "wait_patiently_for_drawer_state",
]
