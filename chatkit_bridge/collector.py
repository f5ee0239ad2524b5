"""Garbage collector policy for the long-running app process (and benchmarks that compare).

A chat turn allocates tens of thousands of short-lived objects (pydantic models, dicts, events);
a page load several thousand that live as long as its tab. CPython 3.11 collects on allocation
counts, and each collection holds the GIL while it walks its generations: every request waits.
- The default young threshold (700) made GC 18 % of the app's CPU (50 users x 10 turns over
  HTTP), with full collections of 100-300 ms.
- A young threshold of 10,000 cut that to ~6 %, but the count is allocations *minus*
  deallocations: while old pages are freed, the young generation grew to 100,000+ objects
  before a young collection (78 ms of CPU), and middle collections walked ~140,000 objects
  (100-120 ms). Full collections walked every page alive (~1 s when closed pages were left in
  reference cycles; those are now freed by reference counting: tests/test_page_garbage.py).

So the collector runs on a clock instead, from a daemon thread: the young generation every
0.1 s (a few ms at most), the middle one every second (<= ~45 ms of CPU with a user reloading a
page back to back, bench/heavy_user.py), and a full collection only when the process is idle
after some work, or at the latest every 2 minutes of work. The allocation thresholds stay as a
safety net far above what the clock lets accumulate.
"""

import gc
import threading
import time
from dataclasses import dataclass

YOUNG_EVERY = 0.1
"""Seconds between young collections."""
MIDDLE_EVERY = 10
"""Young collections per middle collection (about one a second)."""
FULL_WHEN_IDLE_AFTER = 60.0
"""Seconds since the last full collection after which an idle moment gets one."""
FULL_AT_LATEST_AFTER = 120.0
"""Seconds since the last full collection after which a busy process gets one anyway.

What is still left in cycles (a closed websocket: engineio's handler frame and uvicorn's
parser, ~50 objects each) waits for it; with a page reloaded back to back, one a minute cost
115-155 ms of CPU (mostly the pages alive, not the garbage).
"""
IDLE_SHARE = 0.05
"""Process CPU per second (all threads) over the last second under which it counts as idle."""
WORK_BEFORE_FULL = 1.0
"""Seconds of process CPU since the last full collection without which none is needed."""
SAFETY_THRESHOLDS = (100_000, 1_000, 1_000_000)
"""CPython's allocation-count triggers, reached only if the clock stops (young, middle, full)."""
THREAD_NAME = "collector"


@dataclass
class Schedule:
    """Which generation to collect at each tick of the clock (pure: given times, no clock)."""

    last_full: float
    """Monotonic time of the last full collection (or the start)."""
    cpu_at_full: float
    """Process CPU time then."""
    window_start: float
    """Monotonic time of the last middle collection (or the start)."""
    cpu_at_window: float
    """Process CPU time then."""
    ticks: int = 0

    def step(self, now: float, cpu: float) -> int:
        """Return the generation to collect at this tick: 2 (full), 1 (middle) or 0 (young).

        :param now: monotonic time.
        :param cpu: process CPU time (all threads).
        """
        self.ticks += 1
        if self.ticks % MIDDLE_EVERY:
            return 0
        busy = (cpu - self.cpu_at_window) / max(now - self.window_start, YOUNG_EVERY)
        self.window_start, self.cpu_at_window = now, cpu
        since_full = now - self.last_full
        worked = cpu - self.cpu_at_full >= WORK_BEFORE_FULL
        idle_and_due = busy < IDLE_SHARE and since_full >= FULL_WHEN_IDLE_AFTER
        if worked and (idle_and_due or since_full >= FULL_AT_LATEST_AFTER):
            self.last_full, self.cpu_at_full = now, cpu
            return 2
        return 1


def tune_collector() -> None:
    """Collect on a clock (see the module's docstring) from now on, in this process."""
    gc.set_threshold(*SAFETY_THRESHOLDS)
    if not any(thread.name == THREAD_NAME for thread in threading.enumerate()):
        threading.Thread(target=_collect_on_schedule, name=THREAD_NAME, daemon=True).start()


def _collect_on_schedule() -> None:
    """Run the schedule forever (a daemon thread: it ends with the process)."""
    now, cpu = time.monotonic(), time.process_time()
    schedule = Schedule(last_full=now, cpu_at_full=cpu, window_start=now, cpu_at_window=cpu)
    while True:
        time.sleep(YOUNG_EVERY)
        generation = schedule.step(time.monotonic(), time.process_time())
        # Off like the automatic collector while someone turned collection off (gc.disable()):
        # code that measures what reference counting alone frees (tests/test_page_garbage.py).
        if gc.isenabled():
            gc.collect(generation)


def freeze_loaded_objects() -> None:
    """Move everything alive now (modules, classes, schemas) out of future collections' work.

    Call once the app is loaded: what it allocates later is still collected as usual.
    """
    gc.collect()
    gc.freeze()
