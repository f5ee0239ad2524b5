"""Under uvicorn, a chat stream's headers leave in one write with its first events."""

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http import httptools_impl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from chatkit_bridge.compat.uvicorn_http import (
    HEADERS_WITH_FIRST_BODY,
    SDK_CYCLE,
    send_headers_with_first_body,
)
from chatkit_bridge.http import EventStreamResponse
from tests.polling import until

REQUEST = b"POST /chatkit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"


class Transport(asyncio.Transport):
    """A socket's transport that records each write (one write, one send to the socket)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8080)}.get(
            name, default
        )

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def serve(app: Any) -> list[bytes]:
    """Answer one request with uvicorn's httptools protocol; return its socket writes."""
    config = Config(app=app, lifespan="off", log_level="warning", access_log=False)
    protocol = HttpToolsProtocol(config=config, server_state=ServerState(), app_state={})
    transport = Transport()
    protocol.connection_made(transport)
    protocol.data_received(REQUEST)
    await until(lambda: any(w.endswith(b"0\r\n\r\n") for w in transport.writes), what="the end")
    protocol.connection_lost(None)
    return transport.writes


async def chunks() -> Any:
    for index in range(3):
        await asyncio.sleep(0)
        yield b"data: %d\n\n" % index, index == 2


async def test_a_streams_headers_go_with_its_first_events() -> None:
    send_headers_with_first_body()
    writes = await serve(EventStreamResponse(chunks(), media_type="text/event-stream"))

    assert len(writes) == 3
    assert writes[0].startswith(b"HTTP/1.1 200 OK\r\n") and b"text/event-stream" in writes[0]
    assert writes[0].endswith(b"\r\n\r\n9\r\ndata: 0\n\n\r\n")  # headers, then the 1st chunk
    assert writes[2].endswith(b"data: 2\n\n\r\n0\r\n\r\n")


async def test_other_responses_are_written_as_uvicorn_writes_them() -> None:
    send_headers_with_first_body()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"one", "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    ours = await serve(app)
    httptools_impl.RequestResponseCycle = SDK_CYCLE  # type: ignore[misc]
    try:
        uvicorns = await serve(app)
    finally:
        send_headers_with_first_body()
    assert ours == uvicorns and len(ours) == 3 and ours[0].startswith(b"HTTP/1.1 200 OK")


async def test_a_marked_stream_for_a_client_gone_writes_nothing() -> None:
    send_headers_with_first_body()
    done: list[bool] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, HEADERS_WITH_FIRST_BODY: True})
        cycle.disconnected = True  # the client left before the first events
        await send({"type": "http.response.body", "body": b"late", "more_body": False})
        done.append(True)

    config = Config(app=app, lifespan="off", log_level="warning", access_log=False)
    protocol = HttpToolsProtocol(config=config, server_state=ServerState(), app_state={})
    transport = Transport()
    protocol.connection_made(transport)
    protocol.data_received(REQUEST)
    cycle = protocol.cycle
    await until(lambda: bool(done), what="the app's end")
    assert transport.writes == []
