"""uvicorn 0.54 (httptools protocol) internals: a response's headers and first chunk, one write.

uvicorn writes the status line and headers to the socket as soon as a response starts, and
each body chunk apart. On a busy machine each write costs the app ~0.3-0.5 ms of CPU (the
kernel's loopback path and waking the reader); for a chat turn the header write alone was
~1.5 % of the app's CPU (py-spy), as much as all its body writes. A response whose start
message carries `HEADERS_WITH_FIRST_BODY` has its headers held and written with its first
body chunk instead; every other response is written as uvicorn writes it.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http import httptools_impl

HEADERS_WITH_FIRST_BODY = "chatkit_bridge.headers_with_first_body"
"""Key of an `http.response.start` message: hold its headers for the first body chunk.

Middlewares pass the start message on as they got it (or change it in place); one that built
a new message would drop the key, and the response would simply be written as before.
"""

SDK_CYCLE = httptools_impl.RequestResponseCycle


class _Holding:
    """A stand-in for the socket's transport that keeps what is written."""

    def __init__(self, transport: Any) -> None:
        self.transport = transport
        self.kept: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.kept.append(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class _Prefixing:
    """A stand-in for the transport that puts held bytes before the next write."""

    def __init__(self, transport: Any, held: bytes) -> None:
        self.transport = transport
        self.held = held

    def write(self, data: bytes) -> None:
        held, self.held = self.held, b""
        self.transport.write(held + data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class HeadersWithFirstBody(httptools_impl.RequestResponseCycle):
    """uvicorn's request/response cycle, writing held headers with the first body chunk."""

    held = b""

    async def send(self, message: Any) -> None:
        """Send as uvicorn does, but a marked start's bytes go out with the next body."""
        if (
            message["type"] == "http.response.start"
            and message.get(HEADERS_WITH_FIRST_BODY)
            and self.scope["method"] != "HEAD"  # a HEAD answer has no body to carry them
        ):
            transport = self.transport
            holding = self.transport = _Holding(transport)
            try:
                await super().send(message)
            finally:
                self.transport = transport
            self.held = b"".join(holding.kept)
        elif self.held and message["type"] == "http.response.body":
            transport = self.transport
            self.transport = _Prefixing(transport, self.held)
            self.held = b""
            try:
                await super().send(message)  # a client gone: neither is written
            finally:
                self.transport = transport
        else:
            await super().send(message)


def send_headers_with_first_body() -> None:
    """Let a marked response's headers leave with its first body chunk (see the module).

    Why private: uvicorn 0.54 `protocols.http.httptools_impl.RequestResponseCycle.send` writes
    the headers of `http.response.start` to the transport at once; `HttpToolsProtocol` builds
    each cycle through the module's name. The h11 protocol (used without httptools) is left
    as it is.
    """
    httptools_impl.RequestResponseCycle = HeadersWithFirstBody  # type: ignore[misc]
