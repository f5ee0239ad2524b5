"""Every use of a dependency's private internals, in one place.

Checked against the pinned versions in requirements.txt: openai-chatkit==1.6.5 and
nicegui==3.18.0. After upgrading either, tests/test_compat.py fails first if a name used here
is gone; read the dependency's source and adapt this module only.
"""

from collections.abc import AsyncIterator
from typing import Any

from chatkit.server import ChatKitServer
from chatkit.types import NonStreamingReq, StreamingReq
from nicegui.elements.choice_element import ChoiceElement

from chatkit_bridge.context import RequestContext


def stream_parsed(
    server: ChatKitServer[RequestContext], request: StreamingReq, context: RequestContext
) -> AsyncIterator[bytes]:
    """Run an already parsed streaming request, yielding SSE chunks as `process()` does.

    Why private: `ChatKitServer.process()` only takes JSON text and builds a new
    `TypeAdapter(ChatKitReq)` for every call (4-6 ms of CPU); its routing half,
    `_process_streaming`, takes the parsed request.
    """
    return server._process_streaming(request, context)


async def answer_parsed(
    server: ChatKitServer[RequestContext], request: NonStreamingReq, context: RequestContext
) -> bytes:
    """Run an already parsed non-streaming request and return its JSON (see stream_parsed)."""
    return await server._process_non_streaming(request, context)


class OptionFlags(ChoiceElement):
    """Let a select or radio mark single options disabled, as ChatKit's `options[].disabled`.

    Why private: NiceGUI rebuilds the option list (`_props["options"]`, from `_values`) in
    `_update_options()` whenever options or values change, and has no public per-option props.
    """

    _ck_disabled: frozenset[str] = frozenset()

    def _update_options(self) -> None:
        super()._update_options()
        options: list[dict[str, Any]] = self._props["options"]
        for option in options:
            if self._values[option["value"]] in self._ck_disabled:
                option["disable"] = True
