"""Does a turn's cost grow with the conversation? The last ten of 100 turns against turns 2-11.

Run: python bench/long_thread.py [--turns 100] [--http] [--sequential]

Each turn is "add errand N" on the offline model, so turn 100 of a thread has 100 todos and the
thread ~300 items. Prints the median wall time and the CPU time of turns 2-11 and of the last
ten turns and their ratio (target: the last ten at most 1.5x turns 2-11), then the time to read
the long thread back as a reopened page does (the thread and its newest 60 items; the page's
drawing is measured by bench/browser.py). Another user's short thread runs first, so one-time
costs of a fresh process (lazy imports, first validations) land in no measured turn.

Both blocks are measured in the same seconds: the long thread (one user) is played up to its
last ten turns, then a second user starts a thread, and its turns 2-11 alternate with the long
thread's last ten. A neighbour loading the machine, or the CPU's clock changing, then moves both
blocks alike; measured one after the other (`--sequential`: turns 2-11 of the long thread itself,
at the start, as this script did until December 1) a quiet run swung by +-0.3.

- In process (default): our stack as app.py wires it, through `ChatKitClient`; CPU time is
  `time.process_time()` per turn (worker threads included), compared as medians.
- `--http`: a real `python app.py` on 127.0.0.1 (tests/app_process.py), driven through
  POST /chatkit, one aiohttp session per user; CPU time is the app process's: the run time of
  each of its threads from /proc/<pid>/task/*/schedstat (nanoseconds; a thread that ends during
  a turn loses what it used since the turn began), compared as the mean of each block. Without
  schedstat, utime+stime from /proc/<pid>/stat, which counts 10 ms clock ticks.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import cpu_timed_send, machine_note, ms, our_server, timed_create
from bench.http_load import check_stream, cpu_seconds, request_body, session, turn
from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.context import RequestContext
from tests.app_process import app_process

BLOCK = 10
WARMUP_TURNS = 3

Turn = Callable[[int], Awaitable[tuple[float, float]]]
"""Play turn N of a thread ("add errand N"); return its wall time and CPU time in seconds."""


@dataclass
class Run:
    """What the measured turns cost: (wall, CPU) seconds of turns 2-11 and of the last ten."""

    early: list[tuple[float, float]] = field(default_factory=list)
    late: list[tuple[float, float]] = field(default_factory=list)
    reload: float = 0.0
    items: int = 0


async def measure(run: Run, turns: int, long: Turn, fresh: Turn, sequential: bool) -> None:
    """Play the long thread's turns 1..`turns` and turns 1-11 of a fresh one, measuring both."""
    await long(1)
    if sequential:
        for number in range(2, turns + 1):
            cost = await long(number)
            if number <= BLOCK + 1:
                run.early.append(cost)
            elif number > turns - BLOCK:
                run.late.append(cost)
        return
    for number in range(2, turns - BLOCK + 1):
        await long(number)
    await fresh(1)
    for offset in range(BLOCK):
        run.early.append(await fresh(2 + offset))
        run.late.append(await long(turns - BLOCK + 1 + offset))


async def in_process(turns: int, sequential: bool) -> Run:
    """Play the threads through our stack in this process."""
    run = Run()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        server = our_server(Path(folder))
        warmup = ChatKitClient(server, RequestContext(user_id="warmup"))
        warmup_thread, _ = await timed_create(warmup, "add errand 1")
        for number in range(2, WARMUP_TURNS + 1):
            await cpu_timed_send(warmup, warmup_thread, f"add errand {number}")

        def player(user: str) -> tuple[Turn, ChatKitClient, list[str]]:
            client = ChatKitClient(server, RequestContext(user_id=user))
            thread: list[str] = []

            async def play(number: int) -> tuple[float, float]:
                text = f"add errand {number}"
                if not thread:
                    thread_id, elapsed = await timed_create(client, text)
                    thread.append(thread_id)
                    return elapsed, 0.0
                return await cpu_timed_send(client, thread[0], text)

            return play, client, thread

        long, client, thread = player("long")
        fresh, _, _ = player("fresh")
        await measure(run, turns, long, fresh, sequential)
        started = time.perf_counter()
        await server.store.load_thread(thread[0], client.context)
        await client.list_items(thread[0], limit=60, order="desc")
        run.reload = time.perf_counter() - started
        run.items = len((await client.list_items(thread[0], limit=10_000)).data)
    return run


def app_cpu_seconds(pid: int) -> float:
    """Return the CPU time the threads of a process have used (nanosecond schedstat counts)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return cpu_seconds(pid)
    total = 0
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as stat:
                total += int(stat.read().split()[0])
        except FileNotFoundError:
            continue  # the thread ended meanwhile
        except OSError:
            return cpu_seconds(pid)  # a kernel without schedstat
    return total / 1e9


async def over_http(turns: int, sequential: bool) -> Run:
    """Play the threads against a real `python app.py` through POST /chatkit."""
    run = Run()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        data = Path(folder) / "data"
        data.mkdir()
        with app_process(data) as (base_url, process):
            await play_over_http(base_url, WARMUP_TURNS)
            async with session(base_url) as client, session(base_url) as other:

                def player(user: aiohttp.ClientSession) -> tuple[Turn, list[str | None]]:
                    thread: list[str | None] = [None]

                    async def play(number: int) -> tuple[float, float]:
                        text = f"add errand {number}"
                        cpu, started = app_cpu_seconds(process.pid), time.perf_counter()
                        body = await turn(user, request_body(text, thread[0]))
                        elapsed = time.perf_counter() - started
                        used = app_cpu_seconds(process.pid) - cpu
                        thread[0], problem = check_stream(text, body, thread[0])
                        if problem:
                            raise RuntimeError(problem)
                        return elapsed, used

                    return play, thread

                for user in (client, other):
                    async with user.get("/api/todos") as response:  # sets the session cookie
                        response.raise_for_status()
                long, thread = player(client)
                fresh, _ = player(other)
                await measure(run, turns, long, fresh, sequential)
                thread_id = thread[0]
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
    first = statistics.median(wall for wall, _ in run.early)
    last = statistics.median(wall for wall, _ in run.late)
    print(
        f"wall: turns 2-11 median {ms(first)}, last ten median {ms(last)}, "
        f"ratio {last / first:.2f} (target <= 1.5)"
    )
    pick = statistics.mean if blocks else statistics.median
    first, last = pick(cpu for _, cpu in run.early), pick(cpu for _, cpu in run.late)
    what = "mean over the block" if blocks else "median"
    print(
        f"CPU: turns 2-11 {what} {ms(first)}, last ten {ms(last)}, "
        f"ratio {last / first:.2f} (target <= 1.5)"
    )
    print(f"thread: {run.items} items; reading it back (thread + newest 60): {ms(run.reload)}")


async def main() -> None:
    """Run the threads and print how a turn's cost grows with its thread."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--http", action="store_true", help="drive a real python app.py")
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="turns 2-11 of the long thread itself, measured before its last ten",
    )
    args = parser.parse_args()
    play = over_http if args.http else in_process
    run = await play(args.turns, args.sequential)
    print(f"machine: {machine_note()}")
    print(
        ("over HTTP (app process CPU)" if args.http else "in process")
        + (", one block after the other" if args.sequential else ", blocks alternating")
    )
    report(run, blocks=args.http)


if __name__ == "__main__":
    asyncio.run(main())
