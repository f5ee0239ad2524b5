"""Does a turn's cost grow with the conversation? Turn 100 against turns 2-11 of one thread.

Run: python bench/long_thread.py [--turns 100] [--http]

One user, one thread, each turn "add errand N" on the offline model (so turn 100 has 100 todos
and ~300 items in the thread). Prints the median wall time and the CPU time of turns 2-11 and
of the last ten turns and their ratio (target: the last ten at most 1.5x turns 2-11), then the
time to read the thread back as a reopened page does (the thread and its newest 60 items; the
page's drawing is measured by bench/browser.py). Another user's short thread runs first, so
one-time costs of a fresh process (lazy imports, first validations) do not land in turns 2-11.

- In process (default): our stack as app.py wires it, through `ChatKitClient`; CPU time is
  `time.process_time()` per turn (worker threads included), compared as medians.
- `--http`: a real `python app.py` on 127.0.0.1 (tests/app_process.py), driven through
  POST /chatkit with one aiohttp session; CPU time is the app process's utime+stime from /proc,
  which counts in clock ticks (10 ms), so it is compared as the total of each block of ten turns.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import cpu_timed_send, machine_note, ms, our_server, timed_create
from bench.http_load import check_stream, cpu_seconds, request_body, session, turn
from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.context import RequestContext
from tests.app_process import app_process

BLOCK = 10
WARMUP_TURNS = 3


@dataclass
class Run:
    """What one long thread cost, turn by turn from turn 2 on."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    reload: float = 0.0
    items: int = 0


async def in_process(turns: int) -> Run:
    """Play the thread through our stack in this process."""
    run = Run()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        server = our_server(Path(folder))
        warmup = ChatKitClient(server, RequestContext(user_id="warmup"))
        warmup_thread, _ = await timed_create(warmup, "add errand 1")
        for number in range(2, WARMUP_TURNS + 1):
            await cpu_timed_send(warmup, warmup_thread, f"add errand {number}")
        client = ChatKitClient(server, RequestContext(user_id="long"))
        thread_id, _ = await timed_create(client, "add errand 1")
        for number in range(2, turns + 1):
            elapsed, used = await cpu_timed_send(client, thread_id, f"add errand {number}")
            run.wall.append(elapsed)
            run.cpu.append(used)
        started = time.perf_counter()
        await server.store.load_thread(thread_id, client.context)
        await client.list_items(thread_id, limit=60, order="desc")
        run.reload = time.perf_counter() - started
        run.items = len((await client.list_items(thread_id, limit=10_000)).data)
    return run


async def over_http(turns: int) -> Run:
    """Play the thread against a real `python app.py` through POST /chatkit."""
    run = Run()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        data = Path(folder) / "data"
        data.mkdir()
        with app_process(data) as (base_url, process):
            await play_over_http(base_url, WARMUP_TURNS)
            async with session(base_url) as client:
                async with client.get("/api/todos") as response:  # sets the session cookie
                    response.raise_for_status()
                thread_id = None
                for number in range(1, turns + 1):
                    text = f"add errand {number}"
                    cpu, started = cpu_seconds(process.pid), time.perf_counter()
                    body = await turn(client, request_body(text, thread_id))
                    elapsed = time.perf_counter() - started
                    thread_id, problem = check_stream(text, body, thread_id)
                    if problem:
                        raise RuntimeError(problem)
                    if number > 1:
                        run.wall.append(elapsed)
                        run.cpu.append(cpu_seconds(process.pid) - cpu)
                started = time.perf_counter()
                get = {"type": "threads.get_by_id", "params": {"thread_id": thread_id}}
                listing = {"thread_id": thread_id, "limit": 60, "order": "desc"}
                for body in (get, {"type": "items.list", "params": listing}):
                    async with client.post("/chatkit", json=body) as response:
                        response.raise_for_status()
                        await response.read()
                run.reload = time.perf_counter() - started
                listing["limit"] = 10_000
                async with client.post(
                    "/chatkit", json={"type": "items.list", "params": listing}
                ) as response:
                    run.items = len((await response.json())["data"])
    return run


async def play_over_http(base_url: str, turns: int) -> None:
    """Play a short thread as another user (a warm-up)."""
    async with session(base_url) as client:
        async with client.get("/api/todos") as response:
            response.raise_for_status()
        thread_id = None
        for number in range(1, turns + 1):
            text = f"add errand {number}"
            thread_id, problem = check_stream(
                text, await turn(client, request_body(text, thread_id)), thread_id
            )
            if problem:
                raise RuntimeError(problem)


def report(run: Run, blocks: bool) -> None:
    """Print turns 2-11 against the last ten turns."""
    early, late = slice(0, BLOCK), slice(-BLOCK, None)
    first, last = statistics.median(run.wall[early]), statistics.median(run.wall[late])
    print(
        f"wall: turns 2-11 median {ms(first)}, last ten median {ms(last)}, "
        f"ratio {last / first:.2f} (target <= 1.5)"
    )
    pick = (lambda values: sum(values) / BLOCK) if blocks else statistics.median
    first, last = pick(run.cpu[early]), pick(run.cpu[late])
    what = "mean over the block" if blocks else "median"
    print(
        f"CPU: turns 2-11 {what} {ms(first)}, last ten {ms(last)}, "
        f"ratio {last / first:.2f} (target <= 1.5)"
    )
    print(f"thread: {run.items} items; reading it back (thread + newest 60): {ms(run.reload)}")


async def main() -> None:
    """Run one long thread and print how its turns' cost grows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--http", action="store_true", help="drive a real python app.py")
    args = parser.parse_args()
    run = await (over_http(args.turns) if args.http else in_process(args.turns))
    print(f"machine: {machine_note()}")
    print("over HTTP (app process CPU)" if args.http else "in process")
    report(run, blocks=args.http)


if __name__ == "__main__":
    asyncio.run(main())
