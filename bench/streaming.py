"""Count the page updates and bytes a 20,000-character streamed reply sends to the browser.

Run: python bench/streaming.py [--chunk-delay 0.002] [--runs 3]

Our stack (TinyDBStore on a temp folder + BridgeServer) answers every message with one
20,000-character markdown reply (paragraphs of about 400 characters) from an offline model that
streams 3 words per chunk, CHUNK_DELAY apart, so the reply takes a few seconds. The chat page
(`ChatPage`) runs in NiceGUI's simulated user (no browser): the script opens "/", sends one
message and wraps the client's outbox emit to count every message the server would push over
the websocket, and `len(json.dumps(data))` of each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# NiceGUI reads its storage folder at import and empties it in the simulation: use a temp one.
os.environ["NICEGUI_STORAGE_PATH"] = tempfile.mkdtemp(prefix="bench-nicegui-")
# user_simulation outside pytest falls into NiceGUI's script mode unless it believes it is in
# pytest (Storage.clear touches `context.client` otherwise; NiceGUI 3.18).
os.environ["PYTEST_CURRENT_TEST"] = "bench/streaming.py"

from agents import set_tracing_disabled
from nicegui import Client
from nicegui.testing.user_simulation import user_simulation

from chatkit_bridge.context import RequestContext
from chatkit_bridge.interpreter import Reply, Step, Turn
from chatkit_bridge.llm import ModelChoice
from chatkit_bridge.offline_model import OfflineModel
from chatkit_bridge.server import BridgeServer
from chatkit_bridge.settings import Provider
from chatkit_bridge.store import TinyDBStore
from chatkit_bridge.ui.chat_page import ChatPage
from use_cases.todo.data import TodoRepository
from use_cases.todo.use_case import TodoUseCase

REPLY_LENGTH = 20_000
CHUNK_DELAY, WORDS_PER_CHUNK = 0.002, 3
RUNS = 3
UPDATES_PER_SECOND_TARGET, BYTES_RATIO_TARGET = 20, 3.0


def long_reply(length: int = REPLY_LENGTH) -> str:
    """Build markdown prose of exactly `length` characters: ~400-character paragraphs."""
    paragraph = (
        "Streaming a long answer should feel smooth without flooding the browser. "
        "Each paragraph here has one **bold phrase** and otherwise plain sentences, "
        "like the explanations a model writes when asked for detail. The page shows the "
        "words as they arrive and turns every finished paragraph into formatted text, "
        "so the reader never waits for the end of the reply to start reading it."
    )
    text = "\n\n".join([paragraph] * (length // len(paragraph) + 1))[:length]
    return text[:-1] + "."


class LongReplyInterpreter:
    """Answer everything with the same long reply."""

    def __init__(self, text: str) -> None:
        self.text = text

    def next_step(self, turn: Turn) -> Step:
        """Reply with the long text."""
        return Reply(self.text)


@dataclass
class Outbox:
    """What the server pushed to the browser: (seconds since start, type, bytes) per message."""

    started: float = field(default_factory=time.perf_counter)
    messages: list[tuple[float, str, int]] = field(default_factory=list)

    def watch(self, client: Client) -> None:
        """Wrap the client's outbox emit so every message is recorded before it is sent."""
        original = client.outbox._emit

        async def counting_emit(message: Any) -> None:
            """Record a message's type and size, then send it."""
            _, message_type, data = message
            size = len(json.dumps(data, default=str))
            self.messages.append((time.perf_counter() - self.started, message_type, size))
            await original(message)

        client.outbox._emit = counting_emit  # type: ignore[method-assign]


@dataclass
class Run:
    """The figures of one streamed reply."""

    seconds: float
    messages: int
    updates: int
    types: Counter[str]
    bytes: int
    bytes_by_type: Counter[str]
    flushes: int
    peak_per_second: int


def build_server(folder: Path, text: str, chunk_delay: float = CHUNK_DELAY) -> BridgeServer:
    """Wire our stack with the long-reply offline model."""
    set_tracing_disabled(True)
    model = OfflineModel(
        LongReplyInterpreter(text), chunk_delay=chunk_delay, words_per_chunk=WORDS_PER_CHUNK
    )
    choice = ModelChoice(model, Provider.OFFLINE, "Offline demo model", False)
    return BridgeServer(TinyDBStore(folder), TodoUseCase(TodoRepository(folder)), choice)


async def one_run(server: BridgeServer, text: str, run: int) -> Run:
    """Open the page, send one message, and count what reaches the browser while it streams."""
    pages: list[ChatPage] = []

    def root() -> None:
        """Build the chat page."""
        pages.append(ChatPage(server, RequestContext(user_id=f"bench{run}")))

    async with user_simulation(root=root) as user:
        client = await user.open("/")
        await asyncio.sleep(0.5)  # let the page's first updates go out
        outbox = Outbox()
        outbox.watch(client)
        page = pages[-1]
        with client:
            await page.send("write me something long")
        await asyncio.sleep(0.3)  # the last flush and the outbox loop
        seconds = time.perf_counter() - outbox.started
        shown = next(iter(page.view.messages.values())).body.text
        assert shown == text, "the page shows the whole reply"
        flushes = next(iter(page.view.messages.values())).body.flushes
    per_second = Counter(int(at) for at, _, _ in outbox.messages)
    types = Counter(kind for _, kind, _ in outbox.messages)
    return Run(
        seconds=seconds,
        messages=len(outbox.messages),
        updates=sum(1 for _, kind, _ in outbox.messages if kind == "update"),
        types=types,
        bytes=sum(size for _, _, size in outbox.messages),
        bytes_by_type=Counter(
            {kind: sum(s for _, k, s in outbox.messages if k == kind) for kind in types}
        ),
        flushes=flushes,
        peak_per_second=max(per_second.values()),
    )


async def main() -> None:
    """Stream the reply a few times and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--chunk-delay", type=float, default=CHUNK_DELAY, help="seconds between chunks"
    )
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    text = long_reply()
    runs = []
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        server = build_server(Path(folder), text, args.chunk_delay)
        for run in range(args.runs):
            runs.append(await one_run(server, text, run))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}")
    print(
        f"reply: {len(text):,} characters, {WORDS_PER_CHUNK} words per chunk, "
        f"{args.chunk_delay * 1000:.0f} ms apart"
    )
    for n, run in enumerate(runs):
        types = ", ".join(
            f"{kind} {count} ({run.bytes_by_type[kind]:,} B)"
            for kind, count in run.types.most_common()
        )
        print(
            f"run {n}: {run.seconds:.2f} s, {run.messages} messages ({types}), "
            f"{run.bytes:,} bytes, {run.flushes} text flushes, peak {run.peak_per_second}/s"
        )
    rate = statistics.median(run.messages / run.seconds for run in runs)
    update_rate = statistics.median(run.updates / run.seconds for run in runs)
    ratio = statistics.median(run.bytes / len(text) for run in runs)
    target = UPDATES_PER_SECOND_TARGET
    print(f"messages to the browser per second:  {rate:.1f} (target <= {target})")
    print(f"  of which 'update' messages:        {update_rate:.1f} per second")
    print(f"bytes sent / reply length:           {ratio:.2f} (target <= {BYTES_RATIO_TARGET})")
    met = rate <= UPDATES_PER_SECOND_TARGET and ratio <= BYTES_RATIO_TARGET
    print(f"targets met:                         {'yes' if met else 'no'}")


if __name__ == "__main__":
    asyncio.run(main())
