"""Time a full chat turn through our stack against the bare ChatKit floor.

Run: python bench/turn.py

One turn is "add buy milk" on the offline model, sent with `ChatKitClient.send_message` and
read to the last event. Ours: TinyDBStore on a temp folder + BridgeServer + TodoUseCase. The
floor: the same agent and todo tools (todos on disk too) behind a bare `ChatKitServer` whose
respond() only loads the history and runs `Runner.run_streamed` + `stream_agent_response`,
over a dict store in memory.

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
    floor_server,
    item_count,
    machine_note,
    ms,
    our_server,
    p95,
    timed_create,
    timed_send,
)
from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.context import RequestContext

WARMUP_ROUNDS, ROUNDS, TURNS_PER_THREAD = 3, 40, 6


async def main() -> None:
    """Run the rounds and print medians, p95 and ratios."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        ours = our_server(Path(folder) / "ours")
        floor = floor_server(Path(folder) / "floor")
        times: dict[str, list[float]] = {"ours": [], "floor": [], "ours new": [], "floor new": []}
        ratios: list[float] = []
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
                    pair_times[name] = await timed_send(clients[name], threads[name])
                if measured:
                    for name, elapsed in pair_times.items():
                        times[name].append(elapsed)
                    ratios.append(pair_times["ours"] / pair_times["floor"])

    print(f"machine: {machine_note()}")
    print(
        f"{ROUNDS} threads x {TURNS_PER_THREAD} timed turns per stack; history before a timed "
        f"turn: {min(history)}-{max(history)} items (mean {statistics.mean(history):.1f})"
    )
    for name in ("ours", "floor", "ours new", "floor new"):
        values = times[name]
        label = f"{name} ({'threads.create' if 'new' in name else 'add_user_message'})"
        print(f"{label:36} median {ms(statistics.median(values))}  p95 {ms(p95(values))}")
    ours_median = statistics.median(times["ours"])
    ratio = ours_median / statistics.median(times["floor"])
    print(f"ratio of medians ours/floor:          {ratio:.2f} (target <= 1.5)")
    print(f"median of paired ratios ours/floor:   {statistics.median(ratios):.2f}")
    print(f"ours median:                          {ms(ours_median)} (target < 20 ms)")
    met = ratio <= 1.5 and ours_median < 0.020
    print(f"targets met:                          {'yes' if met else 'no'}")


if __name__ == "__main__":
    asyncio.run(main())
