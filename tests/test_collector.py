"""The garbage collector runs on a clock: short young and middle collections, full ones rarely."""

import subprocess
import sys
import textwrap

from chatkit_bridge.collector import (
    FULL_AT_LATEST_AFTER,
    FULL_WHEN_IDLE_AFTER,
    MIDDLE_EVERY,
    YOUNG_EVERY,
    Schedule,
)
from tests.app_process import ROOT


def run(schedule: Schedule, seconds: float, cpu_share: float, start: float = 0.0) -> list[int]:
    """Tick the schedule for `seconds` from `start`, the process busy `cpu_share` of the time."""
    ticks = round(seconds / YOUNG_EVERY)
    return [
        schedule.step(start + n * YOUNG_EVERY, (start + n * YOUNG_EVERY) * cpu_share)
        for n in range(1, ticks + 1)
    ]


def fresh() -> Schedule:
    return Schedule(last_full=0.0, cpu_at_full=0.0, window_start=0.0, cpu_at_window=0.0)


def test_a_busy_process_gets_young_and_middle_collections_and_a_full_one_at_the_latest() -> None:
    schedule = fresh()
    steps = run(schedule, FULL_AT_LATEST_AFTER - 1, cpu_share=0.9)
    assert steps[:MIDDLE_EVERY] == [0] * (MIDDLE_EVERY - 1) + [1]
    assert 2 not in steps  # never a full collection while busy, before the latest moment
    assert steps.count(1) == len(steps) // MIDDLE_EVERY
    later = run(schedule, 2, cpu_share=0.9, start=FULL_AT_LATEST_AFTER - 1)
    assert later.count(2) == 1


def test_an_idle_moment_after_work_gets_the_full_collection() -> None:
    schedule = fresh()
    busy = run(schedule, FULL_WHEN_IDLE_AFTER + 5, cpu_share=0.5)
    assert 2 not in busy
    cpu = (FULL_WHEN_IDLE_AFTER + 5) * 0.5
    quiet = [schedule.step(FULL_WHEN_IDLE_AFTER + 5 + n * YOUNG_EVERY, cpu) for n in range(1, 21)]
    assert quiet.count(2) == 1
    # Idle with no work since: nothing more to collect, however long it stays idle.
    later = [schedule.step(FULL_AT_LATEST_AFTER * 2 + n * YOUNG_EVERY, cpu) for n in range(50)]
    assert 2 not in later


def test_the_app_collects_by_the_clock_in_one_thread() -> None:
    code = textwrap.dedent(
        """
        import gc, threading, time
        from chatkit_bridge.collector import tune_collector
        tune_collector()
        tune_collector()  # a second call starts no second clock
        before = gc.get_stats()[0]["collections"]
        time.sleep(1.05)  # no allocations meanwhile: only the clock collects
        stats = gc.get_stats()
        names = [t.name for t in threading.enumerate()].count("collector")
        gc.disable()
        time.sleep(0.2)  # a collection the clock began before the switch has ended
        off = gc.get_stats()[0]["collections"]
        time.sleep(0.5)  # five ticks of the clock
        print(names, stats[0]["collections"] - before, gc.get_stats()[0]["collections"] - off)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    threads, young, while_off = map(int, done.stdout.split())
    assert threads == 1
    assert young >= 3  # ~10 on a quiet machine; a busy one delays the thread's wake-ups
    assert while_off == 0, "the clock collected while collection was turned off"
