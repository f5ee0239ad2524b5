"""Run 50 simulated users at once against `python app.py` over HTTP, then check their todos.

Run: python bench/http_load.py [--users 50] [--turns 20] [--think 0]

The app runs on 127.0.0.1 with the offline model and LOG_LEVEL=WARNING (tests/app_process.py).
Each user has its own httpx.AsyncClient, so its own signed NiceGUI session cookie (set by the
first request, GET /api/todos). All users start together; each sends its turns back to back
(or, with `--think T`, a random 0-2T seconds apart after a random 0-T start, so users do not
move in lockstep) through POST /chatkit: threads.create with the first command, then
threads.add_user_message on that thread, reading each SSE stream to the end. Commands cycle
through adding, finishing, showing and deleting todos named after the user, so at the end
every user's GET /api/todos must equal the list the script expects.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.app_process import app_process


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
    """What one user saw."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def turn(client: httpx.AsyncClient, body: dict[str, Any]) -> tuple[float, list[dict]]:
    """Send one streaming request, read the stream to its end; return the time and events."""
    started = time.perf_counter()
    events = []
    async with client.stream("POST", "/chatkit", json=body) as response:
        if response.status_code != 200:
            await response.aread()
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[len("data: ") :]))
    return time.perf_counter() - started, events


async def run_user(
    base_url: str, script: Script, start: asyncio.Event, think: float, seed: int
) -> tuple[Outcome, list[tuple[str, bool]] | None]:
    """Play one user's script, then read back its todos."""
    outcome = Outcome()
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
        first = await client.get("/api/todos")  # sets the session cookie
        if first.status_code != 200 or first.json()["todos"]:
            outcome.errors.append(f"first GET /api/todos: {first.status_code} {first.text[:80]}")
        await start.wait()
        if think:
            await asyncio.sleep(rng.uniform(0, think))  # users do not all type at once
        thread_id = None
        for text in script.commands:
            if thread_id is None:
                body = {"type": "threads.create", "params": {"input": user_input(text)}}
            else:
                params = {"thread_id": thread_id, "input": user_input(text)}
                body = {"type": "threads.add_user_message", "params": params}
            try:
                elapsed, events = await turn(client, body)
            except (httpx.HTTPError, RuntimeError) as error:
                outcome.errors.append(f"{text!r}: {error!r}")
                continue
            outcome.latencies.append(elapsed)
            errors = [e for e in events if e["type"] == "error"]
            if errors:
                outcome.errors.append(f"{text!r}: error event {errors[0]}")
            if not any(e["type"] == "thread.item.done" for e in events):
                outcome.errors.append(f"{text!r}: no reply")
            created = [e["thread"]["id"] for e in events if e["type"] == "thread.created"]
            thread_id = created[0] if created else thread_id
            if think:
                await asyncio.sleep(rng.uniform(0, 2 * think))
        response = await client.get("/api/todos")
        if response.status_code != 200:
            outcome.errors.append(f"final GET /api/todos: HTTP {response.status_code}")
            return outcome, None
        return outcome, [(t["title"], t["completed"]) for t in response.json()["todos"]]


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU time a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(base_url: str, pid: int, users: int, turns: int, think: float) -> bool:
    """Run all users at once; print the figures; return whether the targets are met."""
    scripts = [script_for(user, turns) for user in range(users)]
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(run_user(base_url, script, start, think, seed))
        for seed, script in enumerate(scripts)
    ]
    await asyncio.sleep(1.0)  # let every user get its session cookie first
    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    start.set()
    results = await asyncio.gather(*tasks)
    wall = time.perf_counter() - started  # includes each user's final GET /api/todos
    cpu = cpu_seconds(pid) - cpu_before

    latencies = [x for outcome, _ in results for x in outcome.latencies]
    errors = [e for outcome, _ in results for e in outcome.errors]
    wrong = [
        (user, todos, script.expected)
        for user, ((_, todos), script) in enumerate(zip(results, scripts, strict=True))
        if todos != script.expected
    ]
    p50 = statistics.median(latencies)
    p95 = statistics.quantiles(latencies, n=20, method="inclusive")[18]
    print(f"users {users}, turns per user {turns}, think time {think} s")
    print(f"turns completed:   {len(latencies)} of {users * turns} in {wall:.1f} s")
    print(f"throughput:        {len(latencies) / wall:.1f} turns/s")
    print(f"latency p50:       {p50 * 1000:.0f} ms")
    print(f"latency p95:       {p95 * 1000:.0f} ms (target < 250 ms)")
    print(f"latency max:       {max(latencies) * 1000:.0f} ms")
    print(f"server CPU:        {cpu:.1f} s, {cpu / max(len(latencies), 1) * 1000:.1f} ms per turn")
    print(f"errors:            {len(errors)} (target 0)")
    for error in errors[:5]:
        print(f"  {error}")
    print(f"todos exact:       {users - len(wrong)} of {users} users")
    for user, todos, expected in wrong[:3]:
        print(f"  user {user}: got {todos}, expected {expected}")
    return not errors and not wrong and p95 < 0.250


def main() -> None:
    """Start the app, run the load and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between turns")
    args = parser.parse_args()
    load_avg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load_avg} (app and users share them)")
    with (
        tempfile.TemporaryDirectory(dir=Path.cwd()) as folder,
        app_process(Path(folder) / "data", LOG_LEVEL="WARNING") as (base_url, process),
    ):
        met = asyncio.run(load(base_url, process.pid, args.users, args.turns, args.think))
    print(f"targets met:       {'yes' if met else 'no'}")


if __name__ == "__main__":
    main()
