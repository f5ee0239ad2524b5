"""Time a full chat turn through our stack against the bare ChatKit floor.

Run: python bench/turn.py [--default-gc]

One turn is "add buy milk" on the offline model, sent with `ChatKitClient.send_message` and
read to the last event. Ours: TinyDBStore on a temp folder + BridgeServer + TodoUseCase. The
floor: the same agent and todo tools (todos on disk too) behind a bare `ChatKitServer` whose
respond() only loads the history and runs `Runner.run_streamed` + `stream_agent_response`,
over a dict store in memory.

The process collects garbage as app.py's does (`chatkit_bridge.collector`; `--default-gc` keeps
CPython's defaults); it is one process, so both stacks run under the same settings.

Both stacks parse requests with one prebuilt TypeAdapter (the SDK's `process()` builds one per
request). On a busy machine wall times swing; CPU time of the process per turn (worker threads
included) is the figure the target is judged on.

Each round gives both stacks a new user and a new thread (created with one turn, timed apart),
then times TURNS_PER_THREAD more turns on it, alternating ours and the floor turn by turn (the
one going first alternates too), so load on the shared machine hits both alike. A turn adds 3
items, so the measured turns see threads of 3 to 18 items (10.5 on average).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    cpu_timed_send,
    floor_server,
    item_count,
    machine_note,
    ms,
    our_server,
    p95,
    timed_create,
)
from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.collector import freeze_loaded_objects, tune_collector
from chatkit_bridge.context import RequestContext

WARMUP_ROUNDS, ROUNDS, TURNS_PER_THREAD = 3, 40, 6


async def main() -> None:
    """Run the rounds and print medians, p95 and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--default-gc", action="store_true", help="keep CPython's collector settings"
    )
    args = parser.parse_args()
    if not args.default_gc:
        tune_collector()  # as app.py does; one process, so both stacks collect alike
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        ours = our_server(Path(folder) / "ours")
        floor = floor_server(Path(folder) / "floor")
        if not args.default_gc:
            freeze_loaded_objects()
        times: dict[str, list[float]] = {"ours": [], "floor": [], "ours new": [], "floor new": []}
        cpu: dict[str, list[float]] = {"ours": [], "floor": []}
        ratios: list[float] = []
        cpu_ratios: list[float] = []
        history: list[int] = []
        for round_ in range(WARMUP_ROUNDS + ROUNDS):
            measured = round_ >= WARMUP_ROUNDS
            user = f"bench{round_}"
            context = RequestContext(user_id=user)
            pair = {"ours": ours, "floor": floor}
            order = ["ours", "floor"] if round_ % 2 else ["floor", "ours"]
            clients = {name: ChatKitClient(pair[name], context) for name in order}
            threads: dict[str, str] = {}
            for name in order:
                threads[name], elapsed = await timed_create(clients[name])
                if measured:
                    times[f"{name} new"].append(elapsed)
            for turn in range(TURNS_PER_THREAD):
                if measured:
                    history.append(await item_count(ours, threads["ours"], user))
                pair_times = {}
                for name in order if turn % 2 else reversed(order):
                    pair_times[name] = await cpu_timed_send(clients[name], threads[name])
                if measured:
                    for name, (elapsed, used) in pair_times.items():
                        times[name].append(elapsed)
                        cpu[name].append(used)
                    ratios.append(pair_times["ours"][0] / pair_times["floor"][0])
                    cpu_ratios.append(pair_times["ours"][1] / max(pair_times["floor"][1], 1e-6))

    print(f"machine: {machine_note()}")
    print(
        f"{ROUNDS} threads x {TURNS_PER_THREAD} timed turns per stack; history before a timed "
        f"turn: {min(history)}-{max(history)} items (mean {statistics.mean(history):.1f})"
    )
    for name in ("ours", "floor", "ours new", "floor new"):
        values = times[name]
        label = f"{name} ({'threads.create' if 'new' in name else 'add_user_message'})"
        print(f"{label:36} median {ms(statistics.median(values))}  p95 {ms(p95(values))}")
    for name in ("ours", "floor"):
        print(f"{name + ' CPU per turn':36} median {ms(statistics.median(cpu[name]))}")
    ours_median = statistics.median(times["ours"])
    ratio = ours_median / statistics.median(times["floor"])
    cpu_ratio = statistics.median(cpu["ours"]) / statistics.median(cpu["floor"])
    print(f"wall: ratio of medians ours/floor:    {ratio:.2f}")
    print(f"wall: median of paired ratios:        {statistics.median(ratios):.2f}")
    print(f"CPU: ratio of medians ours/floor:     {cpu_ratio:.2f} (target <= 1.3)")
    print(f"CPU: median of paired ratios:         {statistics.median(cpu_ratios):.2f}")
    print(f"targets met:                          {'yes' if cpu_ratio <= 1.3 else 'no'}")


if __name__ == "__main__":
    asyncio.run(main())
