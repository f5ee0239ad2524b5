"""A small OpenAI-compatible server on 127.0.0.1 that answers from a script, for tests."""

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.closing_server import ClosingHTTPServer, serving


@dataclass
class Say:
    """Reply with assistant text; `finish="length"` says it hit the token limit."""

    text: str
    finish: str = "stop"


@dataclass
class CallTool:
    """Reply with one tool call; `arguments` is sent as given (it may be broken JSON)."""

    name: str
    arguments: str
    finish: str = "tool_calls"


@dataclass
class Fail:
    """Answer with an HTTP error."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "scripted failure"
    kind: str = "test"


@dataclass
class Hang:
    """Answer nothing for a while."""

    seconds: float


@dataclass
class SlowSay:
    """Stream assistant text word by word, pausing between words.

    With a `gate`, the reply stops after its first word until the test sets the gate (or
    `GATE_PATIENCE` passes): a test that acts during a reply then never races its end.
    """

    text: str
    delay: float = 0.2
    gate: threading.Event | None = None


@dataclass
class BreakStream:
    """Start streaming text, then drop the connection."""

    text: str


@dataclass
class Delay:
    """Send nothing at all for a while (a slow first token, a busy slot), then take a step.

    With a `gate`, the wait ends as soon as the test sets the gate: a test that watches the
    wait then never races its end.
    """

    seconds: float
    then: "Step"
    gate: threading.Event | None = None


Step = Say | SlowSay | CallTool | Fail | Hang | BreakStream | Delay
# llama.cpp's answers to requests it can never serve.
BAD_ARGUMENTS_MESSAGE = "Failed to parse tool call arguments as JSON: parse error"
OVERFLOW_MESSAGE = (
    "request ({used} tokens) exceeds the available context size ({size} tokens), try increasing it"
)
CHARS_PER_TOKEN = 4  # about what real tokenizers give for English and JSON
GATE_PATIENCE = 60.0  # seconds a gated reply waits for its test


@dataclass
class Recorded:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeOpenAI:
    """Serve scripted chat completions and remember every request.

    Like llama.cpp's server it refuses (HTTP 500) a history whose tool-call arguments are
    not JSON, refuses (HTTP 400) a request over `context_tokens`, and answers at most
    `slots` requests at a time, the others waiting for a free slot.
    """

    def __init__(self, context_tokens: int | None = None, slots: int | None = None) -> None:
        self.script: list[Step] = []
        self.requests: list[Recorded] = []
        self.default: Step = Say("ok")
        self.context_tokens = context_tokens
        self.slots = threading.Semaphore(slots) if slots else None
        self._lock = threading.Lock()
        self._server = ClosingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def base_url(self) -> str:
        """Return the OpenAI-style base URL."""
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    @property
    def root_url(self) -> str:
        """Return the server root, as an Azure endpoint."""
        return f"http://127.0.0.1:{self._server.server_port}/"

    def next_step(self) -> Step:
        """Take the next scripted step, or the default one."""
        with self._lock:
            return self.script.pop(0) if self.script else self.default

    def refusal(self, body: dict[str, Any]) -> "Fail | None":
        """Return the error a strict server gives to a request it can never serve."""
        for message in body.get("messages", []):
            for call in message.get("tool_calls") or []:
                try:
                    json.loads(call["function"]["arguments"])
                except ValueError:
                    return Fail(500, message=BAD_ARGUMENTS_MESSAGE)
        used = request_tokens(body)
        if self.context_tokens is not None and used >= self.context_tokens:
            text = OVERFLOW_MESSAGE.format(used=used, size=self.context_tokens)
            return Fail(400, message=text, kind="exceed_context_size_error")
        return None

    def record(self, recorded: Recorded) -> None:
        """Keep a request for the test to inspect."""
        with self._lock:
            self.requests.append(recorded)

    def pause(self, seconds: float, gate: threading.Event | None = None) -> None:
        """Wait `seconds`, or until `gate` is set, or until the server stops."""
        deadline = time.monotonic() + seconds
        while not (gate is not None and gate.is_set()) and not self._server.stopping.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._server.stopping.wait(min(left, 0.05) if gate is not None else left)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                """Keep test output quiet."""

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                headers = {name.lower(): value for name, value in self.headers.items()}
                fake.record(Recorded(self.path, headers, body))
                try:
                    if fake.slots is None:
                        answer(fake, self, fake.refusal(body) or fake.next_step(), body)
                        return
                    with fake.slots:
                        answer(fake, self, fake.refusal(body) or fake.next_step(), body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client hung up, e.g. a stopped reply

        return Handler

    @contextmanager
    def running(self) -> Iterator["FakeOpenAI"]:
        """Serve in a background thread for the duration of the block; leave no thread behind."""
        with serving(self._server):
            yield self


def answer(
    fake: FakeOpenAI, handler: BaseHTTPRequestHandler, step: Step, body: dict[str, Any]
) -> None:
    """Write the HTTP answer for one scripted step."""
    if isinstance(step, Hang):
        fake.pause(step.seconds)
        step = Say("too late")
    if isinstance(step, Delay):
        fake.pause(step.seconds, step.gate)
        step = step.then
    if isinstance(step, Fail):
        error = {"code": step.status, "message": step.message, "type": step.kind}
        payload = json.dumps({"error": error}).encode()
        handler.send_response(step.status)
        for name, value in step.headers.items():
            handler.send_header(name, value)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
        return
    if body.get("stream"):
        stream(fake, handler, step)
    else:
        whole(handler, step)


def request_tokens(body: dict[str, Any]) -> int:
    """Count a request's tokens roughly as a real tokenizer would."""
    text = json.dumps(body.get("messages", [])) + json.dumps(body.get("tools", []))
    return len(text) // CHARS_PER_TOKEN


def _delta_chunks(step: Step) -> list[dict[str, Any]]:
    """Build the chat.completion.chunk deltas of a step."""
    if isinstance(step, CallTool):
        call = {
            "index": 0,
            "id": f"call_{uuid.uuid4().hex[:12]}",
            "type": "function",
            "function": {"name": step.name, "arguments": step.arguments},
        }
        return [{"role": "assistant", "tool_calls": [call]}]
    text = step.text
    if isinstance(step, SlowSay):
        words = text.split(" ")
        pieces = [word + " " for word in words[:-1]] + [words[-1]]
        return [{"role": "assistant", "content": pieces[0]}] + [{"content": p} for p in pieces[1:]]
    half = len(text) // 2
    return [{"role": "assistant", "content": text[:half]}, {"content": text[half:]}]


def stream(fake: FakeOpenAI, handler: BaseHTTPRequestHandler, step: Step) -> None:
    """Stream a step as server-sent chat completion chunks."""
    handler.send_response(200)
    handler.send_header("content-type", "text/event-stream")
    handler.send_header("transfer-encoding", "chunked")
    handler.end_headers()
    deltas = _delta_chunks(step)
    if isinstance(step, BreakStream):
        deltas = deltas[:1]
    finish = step.finish if isinstance(step, Say | CallTool) else "stop"
    chunk_id = f"chatcmpl-{uuid.uuid4().hex[:8]}"
    for index, delta in enumerate(deltas):
        last = index == len(deltas) - 1 and not isinstance(step, BreakStream)
        chunk = {
            "id": chunk_id,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": "fake",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish if last else None}],
        }
        write_chunk(handler, f"data: {json.dumps(chunk)}\n\n".encode())
        if isinstance(step, SlowSay):
            if index == 0 and step.gate is not None:
                fake.pause(GATE_PATIENCE, step.gate)
            fake.pause(step.delay)
    if isinstance(step, BreakStream):
        # Drop the connection mid-body: no closing chunk, so the client sees a broken stream.
        handler.close_connection = True
        return
    write_chunk(handler, b"data: [DONE]\n\n")
    write_chunk(handler, b"")


def write_chunk(handler: BaseHTTPRequestHandler, data: bytes) -> None:
    """Write one piece of a chunked HTTP body; an empty piece ends the body."""
    handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    handler.wfile.flush()


def whole(handler: BaseHTTPRequestHandler, step: Step) -> None:
    """Answer a non-streaming chat completion."""
    if isinstance(step, CallTool):
        message: dict[str, Any] = _delta_chunks(step)[0] | {"content": None}
    else:
        message = {"role": "assistant", "content": step.text}
    finish = step.finish if isinstance(step, Say | CallTool) else "stop"
    payload = json.dumps(
        {
            "id": f"chatcmpl-{uuid.uuid4().hex[:8]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "fake",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    ).encode()
    handler.send_response(200)
    handler.send_header("content-type", "application/json")
    handler.send_header("content-length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)
