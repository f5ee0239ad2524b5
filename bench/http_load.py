"""Run 50 simulated users at once against `python app.py` over HTTP, then check their todos.

Run: python bench/http_load.py [--users 50] [--turns 20] [--pace 2.5] [--no-in-process]

The app runs on 127.0.0.1 with the offline model and LOG_LEVEL=WARNING (tests/app_process.py).
Each user has its own aiohttp session (a quarter of httpx's CPU per turn: the load generator
shares the cores with the app), so its own signed NiceGUI session cookie (set by the first
request, GET /api/todos). All users start together. Closed loop (default): each user
sends its turns back to back. Paced (`--pace P`): each user starts after a random 0-P s and
then sends one turn every P s on a fixed schedule; a turn that is due while the previous one
still runs goes out at once, and its latency counts from when it was due (so a server that
falls behind shows in the figures). Turns go through POST /chatkit: threads.create with the
first command, then threads.add_user_message on that thread, each stream read to its end.
Commands cycle through adding, finishing, showing and deleting todos named after the user, so
at the end every user's GET /api/todos must equal the list the script expects.

First (unless `--no-in-process`), the same users play the same scripts at the same time in
this process through `ChatKitClient` against servers wired as app.py wires them: the
in-process CPU per turn that HTTP is compared with. CPU figures are utime+stime from /proc
(app process) and `time.process_time()` (this process), so a busy machine moves them little.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.app_process import app_process

ERROR_EVENT = b'"type":"error"'
DONE_EVENT = b'"type":"thread.item.done"'
CREATED_EVENT = b'data: {"type":"thread.created"'


@dataclass
class Script:
    """One user's commands and the todo list they must leave: [title, completed] pairs."""

    commands: list[str] = field(default_factory=list)
    expected: list[tuple[str, bool]] = field(default_factory=list)


def script_for(user: int, turns: int) -> Script:
    """Write a user's commands: add, add, finish the oldest open one, add, show; delete at 18."""
    script = Script()
    added = 0
    for turn in range(turns):
        open_titles = [title for title, done in script.expected if not done]
        kind = ("add", "add", "finish", "add", "show")[turn % 5]
        if turn % 10 == 8 and open_titles:
            kind = "delete"
        elif kind == "finish" and not open_titles:
            kind = "add"
        if kind == "add":
            added += 1
            title = f"errand {added} of user {user}"
            script.commands.append(f"add {title}")
            script.expected.append((title, False))
        elif kind == "finish":
            title = open_titles[0]
            script.commands.append(f"I finished {title}")
            script.expected[script.expected.index((title, False))] = (title, True)
        elif kind == "delete":
            title = open_titles[-1]
            script.commands.append(f"delete {title}")
            script.expected.remove((title, False))
        else:
            script.commands.append("show my todos")
    return script


def user_input(text: str) -> dict[str, Any]:
    """Build a ChatKit user message input."""
    content = [{"type": "input_text", "text": text}]
    return {"content": content, "attachments": [], "inference_options": {}}


@dataclass
class Outcome:
    """What one user saw: latencies, failed turns, and turns that went out late (paced)."""

    latencies: list[float] = field(default_factory=list)
    started: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    late: int = 0


def check_stream(text: str, body: bytes, thread_id: str | None) -> tuple[str | None, str | None]:
    """Check a whole SSE body cheaply; return the thread id and what went wrong, if anything.

    The SDK writes compact JSON, and a quote inside a string is escaped, so searching the bytes
    for `"type":"error"` finds exactly the error events without parsing every event.
    """
    problem = None
    if ERROR_EVENT in body:
        start = body.index(ERROR_EVENT)
        problem = f"{text!r}: error event {body[max(0, start - 10) : start + 200]!r}"
    elif DONE_EVENT not in body:
        problem = f"{text!r}: no reply"
    if thread_id is None and CREATED_EVENT in body:
        line = body[body.index(CREATED_EVENT) + len(b"data: ") :].split(b"\n", 1)[0]
        thread_id = json.loads(line)["thread"]["id"]
    return thread_id, problem


async def turn(client: aiohttp.ClientSession, body: dict[str, Any]) -> bytes:
    """Send one streaming request and read the stream to its end."""
    async with client.post("/chatkit", json=body) as response:
        content = await response.read()
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {content[:200]!r}")
    return content


def session(base_url: str) -> aiohttp.ClientSession:
    """Open one user's HTTP session; it keeps the app's cookie (127.0.0.1 is an IP address)."""
    return aiohttp.ClientSession(
        base_url=base_url,
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        timeout=aiohttp.ClientTimeout(total=120),
    )


async def get_todos(client: aiohttp.ClientSession) -> tuple[int, Any]:
    """Read the user's todos: the status and the decoded answer (None unless 200)."""
    async with client.get("/api/todos") as response:
        return response.status, await response.json() if response.status == 200 else None


def request_body(text: str, thread_id: str | None) -> dict[str, Any]:
    """Build the request of one turn: a new thread, or a message on the user's thread."""
    if thread_id is None:
        return {"type": "threads.create", "params": {"input": user_input(text)}}
    params = {"thread_id": thread_id, "input": user_input(text)}
    return {"type": "threads.add_user_message", "params": params}


async def run_user(
    base_url: str,
    script: Script,
    start: asyncio.Event,
    seed: int,
    pace: float = 0.0,
) -> tuple[Outcome, list[tuple[str, bool]] | None]:
    """Play one user's script (closed loop, or one turn every `pace` s), then read its todos."""
    outcome = Outcome()
    async with session(base_url) as client:
        status, first = await get_todos(client)  # sets the session cookie
        if status != 200 or first["todos"]:
            outcome.errors.append(f"first GET /api/todos: {status} {first}")
        await start.wait()
        due = time.perf_counter() + random.Random(seed).uniform(0, pace)
        thread_id = None
        for text in script.commands:
            now = time.perf_counter()
            if pace and now < due:
                await asyncio.sleep(due - now)
            elif pace and now > due + 0.001:
                outcome.late += 1
            started = due if pace else time.perf_counter()
            try:
                body = await turn(client, request_body(text, thread_id))
            except (aiohttp.ClientError, TimeoutError, RuntimeError) as error:
                outcome.errors.append(f"{text!r}: {error!r}")
                continue
            finally:
                due += pace
            outcome.latencies.append(time.perf_counter() - started)
            outcome.started.append(started)
            thread_id, problem = check_stream(text, body, thread_id)
            if problem:
                outcome.errors.append(problem)
        status, final = await get_todos(client)
        if status != 200:
            outcome.errors.append(f"final GET /api/todos: HTTP {status}")
            return outcome, None
        return outcome, [(t["title"], t["completed"]) for t in final["todos"]]


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU time a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def app_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """Return the event loop uvicorn gives the app: uvloop's where it is installed."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def timeline(results: list[tuple[Outcome, Any]], start: float, window: float = 5.0) -> str:
    """Return the p95 latency (ms) of the turns due in each window: when a backlog grew."""
    windows: dict[int, list[float]] = {}
    for outcome, _ in results:
        for due, latency in zip(outcome.started, outcome.latencies, strict=True):
            windows.setdefault(int((due - start) // window), []).append(latency)
    p95s = [
        max(latencies) if len(latencies) < 20 else percentile(latencies, 0.95)
        for _, latencies in sorted(windows.items())
    ]
    return " ".join(f"{p95 * 1000:.0f}" for p95 in p95s)


def percentile(samples: list[float], fraction: float) -> float:
    """Return a percentile (0.95 for p95) of the samples."""
    return statistics.quantiles(samples, n=100, method="inclusive")[round(fraction * 100) - 1]


async def in_process_cpu(folder: Path, users: int, turns: int) -> float:
    """Play the same scripts in this process, all users at once; return CPU seconds per turn."""
    import app as app_module
    from bench.harness import consume
    from chatkit_bridge.backends import open_backend
    from chatkit_bridge.client import ChatKitClient
    from chatkit_bridge.collector import freeze_loaded_objects, tune_collector
    from chatkit_bridge.context import RequestContext
    from chatkit_bridge.settings import Settings

    settings = Settings(_env_file=None, data_store_path=folder, llm_provider="offline")
    tune_collector()  # as app.py does, so both sides collect garbage alike
    server = app_module.build_servers(settings, open_backend(folder))[0]
    freeze_loaded_objects()

    async def play(user: int) -> int:
        client = ChatKitClient(server, RequestContext(user_id=f"browser:in-process-{user}"))
        thread_id = None
        for text in script_for(user, turns).commands:
            if thread_id is None:
                thread_id = await consume(client.create_thread(text))
            else:
                await consume(client.send_message(thread_id, text))
        return turns

    cpu = time.process_time()
    done = sum(await asyncio.gather(*(play(user) for user in range(users))))
    return (time.process_time() - cpu) / done


async def load(base_url: str, pid: int, users: int, turns: int, pace: float) -> dict[str, Any]:
    """Run all users at once over HTTP; print the figures and return them."""
    scripts = [script_for(user, turns) for user in range(users)]
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(run_user(base_url, script, start, seed, pace))
        for seed, script in enumerate(scripts)
    ]
    await asyncio.sleep(1.0)  # let every user get its session cookie first
    cpu_before, own_before = cpu_seconds(pid), time.process_time()
    started = time.perf_counter()
    start.set()
    results = await asyncio.gather(*tasks)
    wall = time.perf_counter() - started  # includes each user's final GET /api/todos
    cpu, own = cpu_seconds(pid) - cpu_before, time.process_time() - own_before

    latencies = [x for outcome, _ in results for x in outcome.latencies]
    errors = [e for outcome, _ in results for e in outcome.errors]
    wrong = [
        (user, todos, script.expected)
        for user, ((_, todos), script) in enumerate(zip(results, scripts, strict=True))
        if todos != script.expected
    ]
    done = max(len(latencies), 1)
    figures = {
        "throughput": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "cpu_per_turn": cpu / done,
        "errors": len(errors),
        "wrong_todos": len(wrong),
    }
    mode = f"one turn every {pace} s per user" if pace else "closed loop"
    print(f"users {users}, turns per user {turns}, {mode}")
    print(f"turns completed:   {len(latencies)} of {users * turns} in {wall:.1f} s")
    print(f"throughput:        {figures['throughput']:.1f} turns/s")
    print(f"latency p50:       {figures['p50'] * 1000:.0f} ms")
    print(f"latency p95:       {figures['p95'] * 1000:.0f} ms")
    print(f"latency p99:       {figures['p99'] * 1000:.0f} ms (max {max(latencies) * 1000:.0f})")
    if pace:
        print(f"turns sent late:   {sum(outcome.late for outcome, _ in results)}")
        print(f"p95 by 5 s window: {timeline(results, started)}")
    print(f"server CPU:        {cpu:.1f} s, {cpu / done * 1000:.1f} ms per turn")
    print(f"load generator:    {own:.1f} s CPU, {own / done * 1000:.1f} ms per turn")
    print(f"errors:            {len(errors)}")
    for error in errors[:5]:
        print(f"  {error}")
    print(f"todos exact:       {users - len(wrong)} of {users} users")
    for user, todos, expected in wrong[:3]:
        print(f"  user {user}: got {todos}, expected {expected}")
    return figures


def main() -> None:
    """Measure in process, start the app, run the load and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--pace", type=float, default=0.0, help="seconds between a user's turns")
    parser.add_argument("--no-in-process", action="store_true", help="skip the in-process run")
    args = parser.parse_args()
    load_avg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load_avg} (app and users share them)")
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        in_process = None
        if not args.no_in_process:
            with asyncio.Runner(loop_factory=app_loop()) as runner:
                in_process = runner.run(in_process_cpu(Path(folder) / "in", args.users, args.turns))
            print(f"in process:        {in_process * 1000:.1f} ms CPU per turn (same scripts)")
        with app_process(Path(folder) / "data", LOG_LEVEL="WARNING") as (base_url, process):
            figures = asyncio.run(load(base_url, process.pid, args.users, args.turns, args.pace))
    targets = {"errors 0": figures["errors"] == 0, "todos exact": figures["wrong_todos"] == 0}
    if in_process:
        ratio = figures["cpu_per_turn"] / in_process
        print(f"HTTP / in process: {ratio:.2f}x CPU per turn (target <= 1.3)")
        targets["CPU ratio <= 1.3"] = ratio <= 1.3
    if args.pace:
        targets["p95 < 250 ms"] = figures["p95"] < 0.250
    else:
        targets["throughput >= 19 turns/s"] = figures["throughput"] >= 19
    verdicts = ", ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in targets.items())
    print(f"targets:           {verdicts}")


if __name__ == "__main__":
    main()
