"""Notice what the Agents SDK drops from a model's stream: whether a reply was cut off.

The SDK turns a Chat Completions stream into Responses events and forgets the
`finish_reason`, so a reply cut at the server's token limit looks finished. The HTTP
transport of the model client (a public extension point of httpx2, which openai uses) sees
the raw server-sent events; it records the finish reason of each request into its turn.
"""

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import httpx2
import openai

# Chat Completions says "length"; the Responses API ends such a reply with response.incomplete.
CUT_OFF_MARKERS = (b'"length"', b"response.incomplete")


@dataclass
class TurnSignals:
    """What the model's raw answers said during one turn."""

    requests: int = 0
    last_cut_off: bool = False


_CURRENT: ContextVar[TurnSignals | None] = ContextVar("turn_signals", default=None)


@contextmanager
def watching_turn() -> Iterator[TurnSignals]:
    """Record the model answers of the code run inside the block (and the tasks it starts)."""
    signals = TurnSignals()
    token = _CURRENT.set(signals)
    try:
        yield signals
    finally:
        _CURRENT.reset(token)


def watched_http_client() -> httpx2.AsyncClient:
    """Return the model client's HTTP client, with the openai defaults and the watcher."""
    inner = httpx2.AsyncHTTPTransport(limits=openai.DEFAULT_CONNECTION_LIMITS)
    return openai.DefaultAsyncHttpxClient(transport=WatchingTransport(inner))


class WatchingTransport(httpx2.AsyncBaseTransport):
    """Pass requests through and scan streamed answers for a cut-off reply."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send the request; watch the answer when a turn is listening."""
        signals = _CURRENT.get()
        if signals is not None:
            # Compressed bytes could not be scanned; server-sent events gain nothing from it.
            request.headers["accept-encoding"] = "identity"
        response = await self.inner.handle_async_request(request)
        if signals is None:
            return response
        signals.requests += 1
        signals.last_cut_off = False
        assert isinstance(response.stream, httpx2.AsyncByteStream)
        response.stream = _WatchedStream(response.stream, signals)
        return response

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()


class _WatchedStream(httpx2.AsyncByteStream):
    """A response body that reports `finish_reason: length` as it streams by."""

    def __init__(self, inner: httpx2.AsyncByteStream, signals: TurnSignals) -> None:
        self.inner = inner
        self.signals = signals

    async def __aiter__(self) -> AsyncIterator[bytes]:
        pending = b""
        async for chunk in self.inner:
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                self._scan(line)
            yield chunk
        self._scan(pending)

    def _scan(self, line: bytes) -> None:
        """Look at one line of the body: an SSE `data:` line or a whole JSON answer."""
        payload = line.removeprefix(b"data:").strip()
        if not any(marker in payload for marker in CUT_OFF_MARKERS):
            return
        try:
            data = json.loads(payload)
        except ValueError:
            return
        if isinstance(data, dict) and _cut_off(data):
            self.signals.last_cut_off = True

    async def aclose(self) -> None:
        """Close the wrapped body."""
        await self.inner.aclose()


def _cut_off(data: dict[str, object]) -> bool:
    """Tell whether one decoded event (or answer) says the reply hit the token limit."""
    if data.get("type") == "response.incomplete":
        return True
    choices = data.get("choices")
    if not isinstance(choices, list):
        return False
    return any(isinstance(c, dict) and c.get("finish_reason") == "length" for c in choices)
