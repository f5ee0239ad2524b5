"""`POST /chatkit`: the ChatKit protocol over HTTP, with clear errors for bad requests."""

import asyncio
import binascii
import logging
from collections.abc import AsyncIterator
from contextlib import suppress

from chatkit.server import StreamingResult
from chatkit.store import NotFoundError
from chatkit.types import (
    ChatKitReq,
    ClientToolCallItem,
    ErrorCode,
    ErrorEvent,
    StructuredInputItem,
    ThreadsAddClientToolOutputReq,
    ThreadsAddStructuredInputReq,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsCustomActionReq,
    ThreadsRetryAfterItemReq,
    ThreadsSyncCustomActionReq,
    ThreadsUpdateReq,
    UserMessageItem,
    WidgetItem,
    is_streaming_req,
)
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import ValidationError
from starlette.types import Send

from chatkit_bridge.compat.uvicorn_http import (
    HEADERS_WITH_FIRST_BODY,
    send_headers_with_first_body,
)
from chatkit_bridge.context import RequestContext
from chatkit_bridge.identity import UnauthenticatedError, user_id_of
from chatkit_bridge.jsonfiles import StorageError
from chatkit_bridge.server import CHATKIT_REQUEST, BridgeServer
from chatkit_bridge.store import LimitError
from chatkit_bridge.text import MAX_TITLE_LENGTH, clean_label

logger = logging.getLogger(__name__)

# Events that come within this long of each other go out in one socket write. A write to a
# local socket costs the app ~0.25-0.5 ms of CPU under load (it wakes the reader), and a turn
# sends 10-20 events over 50-500 ms. The first batch (the thread, the user's message) waits
# 20 ms, below what a reader can see; later ones 50 ms: text streams at 20 updates/s, and a
# turn on a busy machine makes ~3 writes instead of ~5.5 (bench/http_load.py --pace 2.5).
FIRST_BATCH_SECONDS = 0.02
COALESCE_SECONDS = 0.05
STORAGE_FAILED = (
    "Your data could not be read or saved right now (a storage problem on the server); "
    "what was saved before is kept. Try again later."
)


class BadRequestError(ValueError):
    """The request is well-formed JSON but asks for something impossible."""


def error_response(status: int, message: str) -> JSONResponse:
    """Answer with `{"error": message}`."""
    return JSONResponse({"error": message}, status_code=status)


def storage_error_response(error: StorageError) -> JSONResponse:
    """Log a failed read or write and answer 503 without server paths."""
    logger.error("storage failed: %s", error)
    return error_response(503, STORAGE_FAILED)


def chatkit_router(server: BridgeServer, auth_mode: str, path: str = "/chatkit") -> APIRouter:
    """Build the router that serves `POST /chatkit` (or `path`, e.g. one per use case)."""
    send_headers_with_first_body()  # uvicorn wrote a stream's headers apart (compat)
    router = APIRouter()

    @router.post(path)
    async def chatkit_endpoint(request: Request) -> Response:
        """Answer one ChatKit request for the calling user."""
        try:
            context = RequestContext(user_id=user_id_of(request, auth_mode))
        except UnauthenticatedError as error:
            return error_response(401, f"Not signed in: {error}.")
        # The edge guard (security.py) already capped the body and checked its type and text.
        try:
            parsed = CHATKIT_REQUEST.validate_json(await request.body())
        except ValidationError as error:
            return error_response(400, describe_validation_error(error))
        try:
            await check_request(server, parsed, context)
            result = await server.process_request(parsed, context)
        except NotFoundError as error:
            return error_response(404, str(error))
        except binascii.Error:
            return error_response(400, "The audio is not valid base64.")
        except (BadRequestError, NotImplementedError, RuntimeError) as error:
            return error_response(400, str(error) or "This request is not supported.")
        except StorageError as error:
            return storage_error_response(error)
        except LimitError as error:
            return error_response(409, str(error))
        if isinstance(result, StreamingResult):
            return EventStreamResponse(guarded_stream(result), media_type="text/event-stream")
        return Response(content=result.json, media_type="application/json")

    return router


def describe_validation_error(error: ValidationError) -> str:
    """Summarise why a body is not a ChatKit request."""
    first = error.errors()[0]
    if first["type"] == "json_invalid":
        return "The body is not valid JSON."
    where = ".".join(str(part) for part in first["loc"]) or "body"
    return f"Not a valid ChatKit request: {where}: {first['msg']}"


async def check_request(server: BridgeServer, request: ChatKitReq, context: RequestContext) -> None:
    """Refuse, before streaming starts, what the SDK would only fail on mid-stream."""
    store = server.store
    params = request.params
    thread_id = getattr(params, "thread_id", None)
    check_room = getattr(store, "check_room", None)
    checked_room = check_room is not None and isinstance(
        request, ThreadsCreateReq | ThreadsAddUserMessageReq
    )
    if checked_room:
        # A full store answers 409 saying which limit; a thread not the user's, 404 (a store's
        # check_room reads the thread too, so a turn pays one read for both).
        await check_room(thread_id, context)
    elif thread_id is not None:
        await store.load_thread(thread_id, context)
    if is_streaming_req(request) and not checked_room:
        # Read what the turn will write while a 503 can still be answered: once the stream
        # has started, a data file that cannot be read only shows as an error event.
        # (check_room has read the same: the user's threads, or the thread's items.)
        if thread_id is None:
            await store.load_threads(1, None, "desc", context)
        else:
            await store.load_thread_items(thread_id, None, 1, "desc", context)
    if isinstance(request, ThreadsCreateReq | ThreadsAddUserMessageReq):
        for attachment_id in request.params.input.attachments:
            await store.load_attachment(attachment_id, context)
    item_id = getattr(params, "item_id", None)
    item = await store.load_item(thread_id, item_id, context) if thread_id and item_id else None
    if isinstance(request, ThreadsRetryAfterItemReq) and not isinstance(item, UserMessageItem):
        raise BadRequestError(f"Item {item_id} is not a user message; only those can be retried.")
    if isinstance(request, ThreadsCustomActionReq | ThreadsSyncCustomActionReq) and not (
        item is None or isinstance(item, WidgetItem)
    ):
        raise BadRequestError(f"Item {item_id} is not a widget; only widgets send actions.")
    if isinstance(request, ThreadsAddStructuredInputReq) and not (
        isinstance(item, StructuredInputItem) and item.status == "pending"
    ):
        raise BadRequestError(f"Item {item_id} is not a pending structured input.")
    if isinstance(request, ThreadsAddClientToolOutputReq):
        last = await store.load_thread_items(request.params.thread_id, None, 1, "desc", context)
        pending = [i for i in last.data if isinstance(i, ClientToolCallItem)]
        if not pending or pending[0].status != "pending":
            raise BadRequestError("This thread is not waiting for a client tool output.")
    if isinstance(request, ThreadsUpdateReq):
        title = clean_label(request.params.title)
        if not title or len(title) > MAX_TITLE_LENGTH:
            raise BadRequestError(f"A title needs 1 to {MAX_TITLE_LENGTH} characters.")


class EventStreamResponse(StreamingResponse):
    """Stream `(chunk, last)` pairs in as few socket writes as the events allow.

    Each write to the client's socket costs the server ~0.5 ms under load (the kernel's
    loopback path and waking the reader), and Starlette writes the headers, every chunk and
    an empty end marker apart: the headers wait for the first chunk here, and the last chunk
    carries the end of the body; under uvicorn, the headers and the first chunk leave in one
    write (`compat/uvicorn_http.py`).
    """

    async def stream_response(self, send: Send) -> None:
        """Send the headers with the first chunk, and end the body with the last one."""
        start = {
            "type": "http.response.start",
            "status": self.status_code,
            HEADERS_WITH_FIRST_BODY: True,  # one write with the first chunk, under uvicorn
        }
        started = ended = False
        async for chunk, last in self.body_iterator:  # type: ignore[misc]
            if ended:
                continue  # nothing comes after the last chunk; read on so the stream closes
            if not started:
                await send({**start, "headers": self.raw_headers})
                started = True
            await send({"type": "http.response.body", "body": chunk, "more_body": not last})
            ended = last
        if not started:
            await send({**start, "headers": self.raw_headers})
        if not ended:
            await send({"type": "http.response.body", "body": b"", "more_body": False})


async def coalesced(
    chunks: AsyncIterator[bytes], first_window: float, window: float
) -> AsyncIterator[tuple[bytes, bool]]:
    """Relay chunks, joined when they come within `window` s of the first one waiting.

    The first batch waits `first_window` s instead: it tells the client its thread and message.

    Each batch comes with whether it is the last: the stream has ended, and without an error.

    A task reads the stream; cancelling this generator cancels that task inside the stream's
    own await, as a direct reader would be (ChatKit's cancellation handling needs that).
    """
    loop = asyncio.get_running_loop()
    waiting: list[bytes] = []
    arrived = loop.create_future()
    ended = loop.create_future()

    async def read() -> None:
        try:
            async for chunk in chunks:
                waiting.append(chunk)
                if not arrived.done():
                    arrived.set_result(None)
        finally:
            ended.set_result(None)
            if not arrived.done():
                arrived.set_result(None)

    reader = asyncio.create_task(read())
    wait = first_window
    try:
        while True:
            await arrived
            if waiting and not ended.done():
                await asyncio.wait((ended,), timeout=wait)
                wait = window
            if waiting:
                batch = b"".join(waiting)
                waiting.clear()
                arrived = loop.create_future()
                if ended.done():
                    arrived.set_result(None)
                # The reader's `finally` set `ended` and ran to its end in the same step.
                yield batch, ended.done() and _ended_cleanly(reader)
            elif ended.done():
                break
        await reader  # raises what the stream raised, after every chunk before it went out
    finally:
        if not reader.done():
            reader.cancel()
            with suppress(asyncio.CancelledError):
                await reader


def _ended_cleanly(task: asyncio.Task[None]) -> bool:
    """Whether a task has finished without an error and without being cancelled."""
    return task.done() and not task.cancelled() and task.exception() is None


async def guarded_stream(result: StreamingResult) -> AsyncIterator[tuple[bytes, bool]]:
    """Relay the event stream; a failure becomes a last error event, not a cut connection.

    Yields each batch of events with whether it is the last (see `EventStreamResponse`).
    """
    try:
        async for batch in coalesced(aiter(result), FIRST_BATCH_SECONDS, COALESCE_SECONDS):
            yield batch
    except StorageError as error:
        logger.error("storage failed: %s", error)
        event = ErrorEvent(message=STORAGE_FAILED, allow_retry=True)
        yield b"data: " + event.model_dump_json().encode() + b"\n\n", True
    except LimitError as error:
        event = ErrorEvent(message=str(error), allow_retry=False)
        yield b"data: " + event.model_dump_json().encode() + b"\n\n", True
    except Exception:
        logger.exception("stream failed")
        event = ErrorEvent(code=ErrorCode.STREAM_ERROR, allow_retry=True)
        yield b"data: " + event.model_dump_json().encode() + b"\n\n", True
