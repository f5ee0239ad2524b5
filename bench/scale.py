"""Scale-out: HTTP load on 1 process with TinyDB, 1 with PostgreSQL and 2 with PostgreSQL.

Run: python bench/scale.py [--users 40] [--turns 10] [--rounds 2] [--pace 2.5]
Needs a PostgreSQL server: `eval "$(bash .ci/start-postgres)"` (sets TEST_DATABASE_URL).

Every variant plays the same scripted users as bench/http_load.py (add, finish, show, delete
todos through POST /chatkit with the offline model, each user with its own session) and then
checks every user's todos. With two processes each user sticks to one of them (user i goes to
process i mod 2), as Container Apps' sticky sessions do. Closed loop: users send turns back to
back. Paced: each user sends one turn every `--pace` seconds on a fixed schedule (latency counts
from when a turn was due, see bench/http_load.py). Each process first plays
one 5-turn user of its own, off the clock (a fresh process builds validators on its first
turns, which would weigh twice with two processes). Variants run in
interleaved rounds (A B C, then C B A, ...) so a busy moment of the machine hits all of them;
each PostgreSQL run gets a fresh schema. Target: 2 processes give at least 1.7x the closed-loop
throughput of 1 (PostgreSQL both).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http_load import cpu_seconds, run_user, script_for
from tests.app_process import app_process
from tests.postgres import private_schema

VARIANTS = {"1 x TinyDB": (1, False), "1 x PostgreSQL": (1, True), "2 x PostgreSQL": (2, True)}


@dataclass
class Run:
    """One variant's run: throughput, latencies, failed turns, and users whose todos differ."""

    throughput: float
    latencies: list[float]
    errors: list[str]
    wrong_todos: list[str]
    cpu: dict[str, float] = field(default_factory=dict)
    log_problems: list[str] = field(default_factory=list)


def postgres_cpu() -> float:
    """Return the CPU seconds used so far by the test server's processes (0 without one)."""
    folder = os.environ.get("TEST_POSTGRES_DIR")
    if not folder:
        return 0.0
    postmaster = int((Path(folder) / "data" / "postmaster.pid").read_text().split()[0])
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    total = 0.0
    for pid in [postmaster, *map(int, children)]:
        with suppress(FileNotFoundError, ProcessLookupError):  # a connection that ended
            total += cpu_seconds(pid)
    return total


async def play(urls: list[str], pids: list[int], users: int, turns: int, pace: float) -> Run:
    """Run every user against its process; return what happened and the CPU it took."""
    # A fresh process builds validators and schemas on its first turns: not what is measured.
    warm = asyncio.Event()
    warm.set()
    await asyncio.gather(
        *(run_user(url, script_for(-1 - n, 5), warm, 0) for n, url in enumerate(urls))
    )
    scripts = [script_for(user, turns) for user in range(users)]
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(run_user(urls[user % len(urls)], script, start, user, pace))
        for user, script in enumerate(scripts)
    ]
    await asyncio.sleep(1.0)  # every user has its session cookie before the clock starts
    before = [cpu_seconds(pid) for pid in pids], postgres_cpu(), time.process_time()
    started = time.perf_counter()
    start.set()
    results = await asyncio.gather(*tasks)
    wall = time.perf_counter() - started
    apps = sum(cpu_seconds(pid) - cpu for pid, cpu in zip(pids, before[0], strict=True))
    cpu = {
        "app": apps,
        "postgres": postgres_cpu() - before[1],
        "users": time.process_time() - before[2],
    }
    latencies = [x for outcome, _ in results for x in outcome.latencies]
    errors = [f"user {user}: {error}" for user, (o, _) in enumerate(results) for error in o.errors]
    wrong = [
        f"user {user} ({urls[user % len(urls)]}): got {todos}, expected {script.expected}"
        for user, ((_, todos), script) in enumerate(zip(results, scripts, strict=True))
        if todos != script.expected
    ]
    done = max(len(latencies), 1)
    per_turn = {name: seconds / done for name, seconds in cpu.items()}
    return Run(len(latencies) / wall, latencies, errors, wrong, per_turn)


def run_variant(name: str, users: int, turns: int, pace: float) -> Run:
    """Start the variant's processes, play the load, stop them; keep their logged errors."""
    processes, postgres = VARIANTS[name]
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as temp:
        folder = Path(temp)
        with ExitStack() as stack:
            env = {"LOG_LEVEL": "WARNING"}
            if postgres:
                env["DATABASE_URL"] = stack.enter_context(private_schema())
            urls, pids = [], []
            for n in range(processes):
                (folder / str(n)).mkdir()
                url, process = stack.enter_context(app_process(folder / str(n) / "data", **env))
                urls.append(url)
                pids.append(process.pid)
            run = asyncio.run(play(urls, pids, users, turns, pace))
        for log in sorted(folder.glob("*/app-*.log")):
            lines = log.read_text(errors="replace").splitlines()
            run.log_problems += [f"{log.name}: {line}" for line in lines if "ERROR" in line]
        return run


def main() -> None:
    """Run the rounds and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pace", type=float, default=2.5, help="seconds between a user's turns")
    parser.add_argument("--closed-only", action="store_true", help="skip the paced runs")
    args = parser.parse_args()
    load_avg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load_avg}")
    print(f"{args.users} users x {args.turns} turns per variant and round")
    modes = [("closed loop", 0.0), (f"paced (a turn every {args.pace} s per user)", args.pace)]
    for mode, pace in modes[:1] if args.closed_only else modes:
        figures: dict[str, list[Run]] = {name: [] for name in VARIANTS}
        for round_ in range(args.rounds):
            order = list(VARIANTS) if round_ % 2 == 0 else list(reversed(VARIANTS))
            for name in order:
                figures[name].append(run_variant(name, args.users, args.turns, pace))
        print(f"\n{mode}:")
        print(
            f"{'variant':<16} {'turns/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'errors':>7}"
            f" {'wrong todo lists':>16}  CPU ms per turn: app, PostgreSQL, load generator"
        )
        medians = {}
        for name, runs in figures.items():
            throughput = statistics.median(run.throughput for run in runs)
            latencies = [x for run in runs for x in run.latencies]
            p95 = statistics.quantiles(latencies, n=20, method="inclusive")[18]
            medians[name] = throughput
            print(
                f"{name:<16} {throughput:>8.1f} {statistics.median(latencies) * 1000:>7.0f}"
                f" {p95 * 1000:>7.0f} {sum(len(run.errors) for run in runs):>7}"
                f" {sum(len(run.wrong_todos) for run in runs):>16}  "
                + ", ".join(
                    f"{statistics.median(run.cpu[part] for run in runs) * 1000:.1f}"
                    for part in ("app", "postgres", "users")
                )
            )
            problems = [p for run in runs for p in run.errors + run.wrong_todos + run.log_problems]
            for problem in problems[:8]:
                print(f"    {problem[:300]}")
        ratio = medians["2 x PostgreSQL"] / medians["1 x PostgreSQL"]
        print(f"2 processes / 1 process (PostgreSQL): {ratio:.2f}x (target >= 1.7x closed loop)")


if __name__ == "__main__":
    main()
