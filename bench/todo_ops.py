"""What todo operations cost at 100 and at 10,000 todos: add, find, "last", clear, delete all.

Run: python bench/todo_ops.py [--todos 10000] [--small 100] [--rounds 30]
     [--database-url postgresql://...]   (PostgreSQL documents in a scratch schema instead)

Two users in one temporary data folder (TinyDB files, as app.py keeps them): one with
`--small` todos, one with `--todos`, titles made of everyday words. Each round runs, for both
users in turn (so disk noise hits both alike):

- add: one todo, as the API and the card add (then deleted again, untimed);
- chat add: one todo with the turn's origin, as the agent's tool adds (deduplicates retries);
- add, cold: the same through a fresh file registry (nothing parsed in memory, as after a
  restart or once the user's files left the cache);
- find by words: `resolve` of a two-word description, as "tick call mom" does;
- last: `resolve("last")`;
- clear completed: three todos ticked (untimed), then cleared (timed), then put back.

Then once per user, on a copy of the list: tick all and delete all, as "tick all" / "delete
all" do in the chat (the tool's path), with the `os.fsync` calls they made.

Times are CPU time of the calling thread (`time.thread_time`), which moves little on a
busy machine, and wall time. The last lines are the CPU ratios large / small within this run:
an operation bounded by what it touches keeps them near 1; delete all and tick all touch
every todo, so for them the cost per todo is what should not grow.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import machine_note
from chatkit_bridge import document_index, document_tags
from chatkit_bridge.jsonfiles import JsonFiles, user_folder
from use_cases.todo.data import TodoRepository
from use_cases.todo.limits import TodoLimits
from use_cases.todo.references import resolve

VERBS = "call buy fix write plan clean book pay send read water pick check cook email"
THINGS = "mom bike report taxes garden car dentist rent tickets invoice plants kids oven"
Times = dict[tuple[str, str], list[tuple[float, float]]]


def titles(rng: random.Random, count: int) -> list[str]:
    return [f"{rng.choice(VERBS.split())} {rng.choice(THINGS.split())} {n}" for n in range(count)]


def fill(repo: TodoRepository, user: str, count: int, rng: random.Random) -> None:
    """Give a user `count` todos (in batches of 500, as many API calls would)."""
    made = titles(rng, count)
    for start in range(0, count, 500):
        repo.add(user, made[start : start + 500])


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """Return the wall and thread-CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.thread_time()
    call()
    return time.perf_counter() - wall, time.thread_time() - cpu


def cold(root: Path, limits: TodoLimits) -> TodoRepository:
    """Return a repository that has parsed nothing yet (as a fresh process)."""
    document_index._known.clear()
    document_index._indexes.clear()
    document_tags._on_disk.clear()
    return TodoRepository(root, files=JsonFiles(), limits=limits)


def one_round(
    repo: TodoRepository,
    open_cold: Callable[[], TodoRepository],
    user: str,
    n: int,
    rng: random.Random,
) -> list[tuple[str, tuple[float, float]]]:
    """Run each bounded operation once for a user; leave the list as it was."""
    took = []
    added: list[str] = []
    took.append(("add", timed(lambda: added.extend(t.id for t in repo.add(user, ["new one"])))))
    origin = f"thr_bench/msg_{n}"
    # Twice: the second is a retried turn, which finds the first instead of adding again.
    for _ in range(2):
        add = lambda: added.extend(t.id for t in repo.add(user, ["chat"], origin=origin))  # noqa: E731
        took.append(("chat add", timed(add)))
    fresh = open_cold()
    took.append(("add, cold", timed(lambda: added.extend(t.id for t in fresh.add(user, ["x"])))))
    reference = f"{rng.choice(VERBS.split())} {rng.choice(THINGS.split())}"
    took.append(("find by words", timed(lambda: resolve(repo, user, reference, allow_all=True))))
    took.append(("last", timed(lambda: resolve(repo, user, "last", allow_all=True))))
    for todo in repo.page(user, 3).todos:
        repo.set_completed(user, todo.id, True)
    cleared = []
    took.append(("clear completed", timed(lambda: cleared.extend(repo.clear_completed(user)))))
    repo.restore(user, cleared)
    for todo_id in dict.fromkeys(added):
        repo.delete(user, todo_id)
    return took


def everything(repo: TodoRepository, user: str) -> list[tuple[str, tuple[float, float], int]]:
    """Tick all, then delete all, as the chat tools do; return times and fsyncs of each."""
    counted = [0]
    real = os.fsync

    def counting(fd: int) -> None:
        counted[0] += 1
        real(fd)

    results = []
    os.fsync = counting  # type: ignore[assignment]
    try:
        for name, op in (("tick all", _tick_all), ("delete all", _delete_all)):
            counted[0] = 0
            took = timed(lambda op=op: op(repo, user))  # type: ignore[misc]
            results.append((name, took, counted[0]))
    finally:
        os.fsync = real  # type: ignore[assignment]
    return results


def _tick_all(repo: TodoRepository, user: str) -> None:
    many = getattr(repo, "set_completed_many", None)
    if many is not None:
        many(user, None, True)
        return
    # The code before: the tool ticked the resolved todos one by one.
    for todo in repo.list(user):
        repo.set_completed(user, todo.id, True)


def _delete_all(repo: TodoRepository, user: str) -> None:
    many = getattr(repo, "delete_many", None)
    if many is not None:
        many(user, None)
        return
    for todo in repo.list(user):
        repo.delete(user, todo.id)


def main() -> None:
    """Measure and print medians per user and operation, and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--todos", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument(
        "--no-bulk", action="store_true", help="skip tick all / delete all (slow on old code)"
    )
    parser.add_argument(
        "--database-url",
        help="measure PostgresDocuments in a scratch schema of this database instead of TinyDB",
    )
    args = parser.parse_args()
    print(f"machine: {machine_note()}")
    limits = TodoLimits(todo_max_per_user=max(args.todos, args.small) + 10)
    users = {"small": args.small, "large": args.todos}
    with tempfile.TemporaryDirectory() as folder, backend(args.database_url, folder) as open_repo:
        repo = open_repo(limits)
        rng = random.Random(7)
        for user, count in users.items():
            fill(repo, user, count, rng)
        os.sync()  # the fill's writeback must not land in the timed fsyncs
        times: Times = {}
        for n in range(args.rounds):
            for user in list(users) if n % 2 == 0 else list(reversed(users)):
                for name, took in one_round(repo, lambda: open_repo(limits), user, n, rng):
                    times.setdefault((user, name), []).append(took)
        report(times, users)
        if args.no_bulk:
            print(f"machine after: {machine_note()}")
            return
        bulk = {}
        for user in users:
            if args.database_url:
                bulk[user] = everything(repo, user)
                continue
            # A copy of the user's files, so the timed rounds' registry holds none of them.
            copy = Path(folder) / f"copy-{user}"
            shutil.copytree(user_folder(Path(folder), user), user_folder(copy, user))
            os.sync()
            bulk[user] = everything(TodoRepository(copy, files=JsonFiles(), limits=limits), user)
        report_bulk(bulk, users)
    print(f"machine after: {machine_note()}")


@contextmanager
def backend(url: str | None, folder: str) -> Iterator[Callable[[TodoLimits], TodoRepository]]:
    """Yield how to open the list afresh: TinyDB files in `folder`, or a scratch schema."""
    if not url:
        yield lambda limits: cold(Path(folder), limits)
        return
    import psycopg

    from chatkit_bridge.postgres_documents import PostgresDocuments

    schema = f"bench_todo_ops_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    dsn = f"{url}{separator}options={quote(f'-c search_path={schema}')}"
    try:
        yield lambda limits: TodoRepository(PostgresDocuments(dsn, "todos"), limits=limits)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def report(times: Times, users: dict[str, int]) -> None:
    """Print each operation's medians per user and its CPU ratio large / small."""
    print(f"{'operation':16} {'todos':>6} {'wall median':>12} {'CPU median':>11}")
    names = list(dict.fromkeys(name for _, name in times))
    for name in names:
        for user in users:
            samples = times[(user, name)]
            wall = statistics.median(s[0] for s in samples)
            cpu = statistics.median(s[1] for s in samples)
            print(f"{name:16} {users[user]:>6} {wall * 1000:9.2f} ms {cpu * 1000:8.2f} ms")
    for name in names:
        small = statistics.median(s[1] for s in times[("small", name)])
        large = statistics.median(s[1] for s in times[("large", name)])
        print(f"CPU ratio {name}: {users['large']} / {users['small']} todos = {large / small:.2f}")


def report_bulk(
    bulk: dict[str, list[tuple[str, tuple[float, float], int]]], users: dict[str, int]
) -> None:
    """Print tick all / delete all per user: times, fsyncs, CPU per todo and its ratio."""
    per_todo: dict[tuple[str, str], float] = {}
    for user, results in bulk.items():
        for name, (wall, cpu), fsyncs in results:
            per_todo[(user, name)] = cpu / users[user]
            print(
                f"{name:16} {users[user]:>6} {wall * 1000:9.1f} ms wall {cpu * 1000:8.1f} ms CPU"
                f" ({cpu / users[user] * 1e6:.1f} us/todo), {fsyncs} fsyncs"
            )
    for name in ("tick all", "delete all"):
        ratio = per_todo[("large", name)] / per_todo[("small", name)]
        print(f"CPU per todo ratio {name}: {users['large']} / {users['small']} todos = {ratio:.2f}")


if __name__ == "__main__":
    main()
