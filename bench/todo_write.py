"""What one change of a long todo list costs: tick, add and delete at 100 and 10,000 todos.

Run: python bench/todo_write.py [--todos 10000] [--small 100] [--rounds 40]

Two users in one temporary data folder (TinyDB files, as app.py keeps them): one with
`--small` todos, one with `--todos`. Each round ticks (and then unticks) a random todo,
adds one and deletes it again, for both users in turn, so disk noise hits both alike.
Every call is `TodoRepository`'s own (lock, read, change, atomic write with fsync), timed in
wall time and in CPU time of the calling thread (`time.thread_time`), which moves little on a
busy machine. The last lines give the ratios large / small (a write bounded by the change
keeps them near 1) and the bytes one tick and one add wrote for each user.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import machine_note
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from use_cases.todo.data import TodoRepository
from use_cases.todo.limits import TodoLimits


def fill(repo: TodoRepository, user: str, count: int) -> list[str]:
    """Give a user `count` todos (in batches, as many API calls would); return their ids."""
    for start in range(0, count, 500):
        repo.add(user, [f"errand number {n}" for n in range(start, min(start + 500, count))])
    return [todo.id for todo in repo.list(user)]


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """Return the wall and thread-CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.thread_time()
    call()
    return time.perf_counter() - wall, time.thread_time() - cpu


def one_round(
    repo: TodoRepository, user: str, todo_id: str
) -> list[tuple[str, tuple[float, float]]]:
    """Tick and untick a todo, add one and delete it again; return each call's times."""
    took = [
        ("tick", timed(lambda: repo.set_completed(user, todo_id, True))),
        ("untick", timed(lambda: repo.set_completed(user, todo_id, False))),
        ("add", timed(lambda: repo.add(user, ["one more errand"]))),
    ]
    newest = repo.list(user)[-1].id
    took.append(("delete", timed(lambda: repo.delete(user, newest))))
    return took


def folder_bytes(folder: Path) -> int:
    """Return the bytes of every file under a folder."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def written_by(folder: Path, change: Callable[[], object]) -> int:
    """Return the bytes of the files a change replaced (new inode or new size/time).

    Every file counts: chunks, the index and the tags files beside them (document_tags.py).
    """

    def versions() -> dict[Path, tuple[int, int, int]]:
        return {
            p: (p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*")
            if p.is_file()
        }

    before = versions()
    change()
    after = versions()
    return sum(p.stat().st_size for p, v in after.items() if before.get(p) != v)


def bytes_written(repo: TodoRepository, folder: Path, user: str, ids: list[str]) -> tuple[int, int]:
    """Return the bytes one tick (of a todo mid-list) and one add wrote."""
    todo_id = ids[len(ids) // 2]
    tick = written_by(folder, lambda: repo.set_completed(user, todo_id, True))
    repo.set_completed(user, todo_id, False)
    return tick, written_by(folder, lambda: repo.add(user, ["one more errand"]))


def main() -> None:
    """Measure and print medians per user and operation, and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--todos", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    print(f"machine: {machine_note()}")
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        limits = TodoLimits(todo_max_per_user=max(args.todos, args.small) + 10)
        repo = TodoRepository(root, files=JsonFiles(), limits=limits)
        users = {"small": args.small, "large": args.todos}
        ids = {user: fill(repo, user, count) for user, count in users.items()}
        os.sync()  # the fill's writeback must not land in the timed fsyncs
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for round_number in range(args.rounds):
            order = list(users) if round_number % 2 == 0 else list(reversed(users))
            for user in order:
                for name, took in one_round(repo, user, rng.choice(ids[user])):
                    times.setdefault((user, name), []).append(took)
        print(f"{'operation':10} {'user':>14} {'wall median':>12} {'CPU median':>11}")
        for (user, name), samples in sorted(times.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            wall = statistics.median(s[0] for s in samples)
            cpu = statistics.median(s[1] for s in samples)
            print(f"{name:10} {users[user]:>8} todos {wall * 1000:9.2f} ms {cpu * 1000:8.2f} ms")
        for name in ("tick", "add", "delete"):
            small = statistics.median(s[1] for s in times[("small", name)])
            large = statistics.median(s[1] for s in times[("large", name)])
            sizes = f"{users['large']} / {users['small']} todos"
            print(f"CPU ratio {name}: {sizes} = {large / small:.2f}")
        for user in users:
            tick, add = bytes_written(repo, user_folder(root, user), user, ids[user])
            total = folder_bytes(user_folder(root, user))
            print(f"one tick of {users[user]} todos rewrote {tick / 1024:.1f} KiB, one add "
                  f"{add / 1024:.1f} KiB (the user's files: {total / 1024:.1f} KiB)")  # fmt: skip


if __name__ == "__main__":
    main()
