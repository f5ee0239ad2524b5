"""Does a turn's cost grow with the conversation? Turn 100 against turn 2 of one thread.

Run: python bench/long_thread.py [--turns 100]

In process (our stack as app.py wires it, offline model): one user, one thread, each turn
"add errand N" (so turn 100 has 100 todos on the card and ~300 items in the thread). Prints the
median wall and CPU time of turns 2-11 and of the last ten turns and their ratio (target: the
last ten at most 1.5x turns 2-11), then the time to read the thread back as the page does when it
is reopened (the thread and its newest 60 items; target under 1 s including drawing).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import cpu_timed_send, machine_note, ms, our_server, timed_create
from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.context import RequestContext


async def main() -> None:
    """Run one long thread and print how its turns' cost grows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        server = our_server(Path(folder))
        client = ChatKitClient(server, RequestContext(user_id="long"))
        thread_id, _ = await timed_create(client, "add errand 1")
        wall: list[float] = []
        cpu: list[float] = []
        for turn in range(2, args.turns + 1):
            elapsed, used = await cpu_timed_send(client, thread_id, f"add errand {turn}")
            wall.append(elapsed)
            cpu.append(used)
        started = time.perf_counter()
        await server.store.load_thread(thread_id, client.context)
        items = (await client.list_items(thread_id, limit=60, order="desc")).data
        reload = time.perf_counter() - started
        total = len((await client.list_items(thread_id, limit=10_000)).data)

    print(f"machine: {machine_note()}")
    early, late = slice(0, 10), slice(-10, None)
    for name, values in (("wall", wall), ("CPU", cpu)):
        first, last = statistics.median(values[early]), statistics.median(values[late])
        print(
            f"{name}: turns 2-11 median {ms(first)}, last ten median {ms(last)}, "
            f"ratio {last / first:.2f} (target <= 1.5)"
        )
    print(
        f"thread: {total} items; reading it back (thread + newest {len(items)} items): {ms(reload)}"
    )


if __name__ == "__main__":
    asyncio.run(main())
