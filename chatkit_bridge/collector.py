"""Garbage collector settings for the long-running app process (and benchmarks that compare).

A chat turn allocates tens of thousands of short-lived objects (pydantic models, dicts, events).
With CPython's default young-generation threshold of 700, 50 users x 10 turns over HTTP ran
~1,400 young, 130 middle and 11 full collections: 18 % of the app's CPU, the full ones 100-300 ms
each while holding the GIL (every other request waits). With a threshold of 10,000 and the
loaded modules frozen out of the collector's view: about 6 % and rarely a full collection
(bench/README.md, "Concurrency over HTTP").
"""

import gc

YOUNG_THRESHOLD = 10_000
"""Allocations (minus deallocations) of container objects between young collections."""


def tune_collector() -> None:
    """Collect the young generation less often; the older generations keep their ratios."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def freeze_loaded_objects() -> None:
    """Move everything alive now (modules, classes, schemas) out of future collections' work.

    Call once the app is loaded: what it allocates later is still collected as usual.
    """
    gc.collect()
    gc.freeze()
