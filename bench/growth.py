"""Time a full chat turn with an empty data folder and with 200,000 stored items.

Run: python bench/growth.py

The full folder holds 100 users x 100 threads x 20 items (user and assistant messages taking
turns), written directly as shard files in the store's format, as bench/store.py does, and
synced to disk before timing starts. Both folders get our whole stack (TinyDBStore +
BridgeServer + TodoUseCase, offline model) and the same turns as bench/turn.py: each round,
user N (in the full folder a user who already has 100 threads) starts a new thread with "add
buy milk" and sends it TURNS_PER_THREAD more times, alternating the two folders turn by turn.
The prefilled users have no todos, so both folders answer with the same card.

A last figure times a turn on 100 random prefilled threads of other users (20 items, files
not yet in memory), which has no counterpart in the empty folder.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    InferenceOptions,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
)

from bench.harness import machine_note, ms, our_server, p95, timed_create, timed_send
from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.context import RequestContext
from chatkit_bridge.jsonfiles import user_folder

USERS, THREADS_PER_USER, ITEMS_PER_THREAD = 100, 100, 20
WARMUP_ROUNDS, ROUNDS, TURNS_PER_THREAD = 3, 40, 6
COLD_TURNS = 100
START = datetime(2026, 1, 1, tzinfo=UTC)


def templates() -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the JSON form of a typical user message and assistant reply."""
    user = UserMessageItem(
        id="x",
        thread_id="x",
        created_at=START,
        content=[UserMessageTextContent(text="add call the plumber about the kitchen sink")],
        attachments=[],
        inference_options=InferenceOptions(),
    )
    reply = AssistantMessageItem(
        id="x",
        thread_id="x",
        created_at=START,
        content=[AssistantMessageContent(text='Added "call the plumber about the kitchen sink".')],
    )
    return user.model_dump(mode="json"), reply.model_dump(mode="json")


def fill(root: Path) -> int:
    """Write the shard files of the full folder directly; return the item count."""
    user_template, reply_template = templates()
    count = 0
    for u in range(USERS):
        folder = user_folder(root, f"bench{u}")
        (folder / "threads").mkdir(parents=True)
        threads: dict[str, dict[str, Any]] = {}
        for t in range(THREADS_PER_USER):
            thread_id = f"thr_u{u}t{t}"
            at = START + timedelta(minutes=t)
            meta = ThreadMetadata(id=thread_id, created_at=at, title=f"Add call the plumber {t}")
            threads[str(t + 1)] = meta.model_dump(mode="json")
            items = {}
            for i in range(ITEMS_PER_THREAD):
                template = reply_template if i % 2 else user_template
                stamp = (at + timedelta(seconds=i)).isoformat()
                item = {**template, "id": f"msg_{u}_{t}_{i}", "thread_id": thread_id}
                items[str(i + 1)] = {**item, "created_at": stamp}
            count += len(items)
            text = json.dumps({"items": items}, separators=(",", ":"))
            (folder / "threads" / f"{thread_id}.json").write_text(text)
        text = json.dumps({"threads": threads}, separators=(",", ":"))
        (folder / "threads.json").write_text(text)
    return count


async def main() -> None:
    """Fill, run the rounds and print medians, p95 and the ratio."""
    with (
        tempfile.TemporaryDirectory(dir=Path.cwd()) as empty_dir,
        tempfile.TemporaryDirectory(dir=Path.cwd()) as full_dir,
    ):
        started = time.perf_counter()
        count = fill(Path(full_dir))
        written = time.perf_counter() - started
        # A real store's files reached the disk long ago; without this, the writeback of
        # 10,000 fresh files lands in the fsyncs of the measured turns (ext4 journal commits).
        os.sync()
        print(
            f"wrote {count:,} items in {USERS * THREADS_PER_USER:,} thread files of {USERS} "
            f"users in {written:.1f} s, synced in {time.perf_counter() - started - written:.1f} s"
        )
        servers = {"empty": our_server(Path(empty_dir)), "full": our_server(Path(full_dir))}
        times: dict[str, list[float]] = {"empty": [], "full": [], "empty new": [], "full new": []}
        ratios: list[float] = []
        for round_ in range(WARMUP_ROUNDS + ROUNDS):
            measured = round_ >= WARMUP_ROUNDS
            context = RequestContext(user_id=f"bench{round_}")
            order = ["empty", "full"] if round_ % 2 else ["full", "empty"]
            clients = {name: ChatKitClient(servers[name], context) for name in order}
            threads: dict[str, str] = {}
            for name in order:
                threads[name], elapsed = await timed_create(clients[name])
                if measured:
                    times[f"{name} new"].append(elapsed)
            for turn in range(TURNS_PER_THREAD):
                pair = {}
                for name in order if turn % 2 else reversed(order):
                    pair[name] = await timed_send(clients[name], threads[name])
                if measured:
                    times["empty"].append(pair["empty"])
                    times["full"].append(pair["full"])
                    ratios.append(pair["full"] / pair["empty"])

        rng = random.Random(7)
        cold = []
        for _ in range(COLD_TURNS):
            u = rng.randrange(WARMUP_ROUNDS + ROUNDS, USERS)
            client = ChatKitClient(servers["full"], RequestContext(user_id=f"bench{u}"))
            cold.append(await timed_send(client, f"thr_u{u}t{rng.randrange(THREADS_PER_USER)}"))

    print(f"machine: {machine_note()}")
    print(f"{ROUNDS} threads x {TURNS_PER_THREAD} timed turns per folder (history 3-18 items)")
    for name in ("empty", "full", "empty new", "full new"):
        values = times[name]
        label = f"{name} ({'threads.create' if 'new' in name else 'add_user_message'})"
        print(f"{label:36} median {ms(statistics.median(values))}  p95 {ms(p95(values))}")
    ratio = statistics.median(times["full"]) / statistics.median(times["empty"])
    print(f"ratio of medians full/empty:          {ratio:.2f} (target <= 1.3)")
    print(f"median of paired ratios full/empty:   {statistics.median(ratios):.2f}")
    print(
        f"turn on a stored 20-item thread, file not in memory: median "
        f"{ms(statistics.median(cold))}  p95 {ms(p95(cold))} (n={len(cold)})"
    )
    print(f"target met:                           {'yes' if ratio <= 1.3 else 'no'}")


if __name__ == "__main__":
    asyncio.run(main())
