"""What a test leaves running fails it by name, instead of disturbing the tests after it.

- A test's deferred folder syncs (chatkit_bridge/durable.py, up to FLUSH_DELAY later) are done
  when it ends: otherwise they ran inside a later test, under its patches and counts.
- Once a module's tests and fixtures are done, every thread and child process it started must
  have ended: a server left running keeps its port and files, and a thread left running calls
  into whatever a later test patched (os.fsync counts failed on the official CI that way).
  Daemon threads count too: being daemon only means they do not block the process's exit.
"""

import os
import threading
from pathlib import Path

import pytest

from chatkit_bridge import durable
from chatkit_bridge.collector import THREAD_NAME as COLLECTOR_THREAD
from tests.polling import PATIENCE, wait_for

#: Seconds a module's leftovers get to end on their own after its teardown (a busy machine
#: may take long to end a thread that is on its way out; only a real leak waits this long).
ENDING_PATIENCE = PATIENCE

_before: dict[str, tuple[set[threading.Thread], set[int]]] = {}


def children() -> dict[int, str]:
    """Return this process's child processes, with their command lines."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            if int(parent) == os.getpid() and state != "Z":  # a zombie has ended
                found[int(entry.name)] = (entry / "cmdline").read_text().replace("\0", " ")
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    return found


def running(item_module: str) -> tuple[list[str], list[str]]:
    """Name the threads and child processes started since the module began and still alive."""
    threads, processes = _before[item_module]
    new_threads = [
        f"{t.name} ({type(t).__qualname__})"
        for t in threading.enumerate()
        if t not in threads and t.is_alive() and not _process_wide(t)
    ]
    new_processes = [
        f"{pid} {cmdline.strip()}"
        for pid, cmdline in children().items()
        if pid not in processes and not _session_wide(cmdline)
    ]
    return new_threads, new_processes


def module_of(item: pytest.Item) -> str:
    """Name the test file an item belongs to (its module fixtures end with it)."""
    return item.nodeid.split("::", 1)[0]


def _process_wide(thread: threading.Thread) -> bool:
    """Threads one per process by design: an event loop's workers, tqdm's monitor, and the
    app's garbage collector clock (the `screen` fixture runs app.py in this process)."""
    return (
        thread.name.startswith("asyncio_")
        or thread.name == COLLECTOR_THREAD
        or type(thread).__qualname__ == "TMonitor"
    )


def _session_wide(cmdline: str) -> bool:
    """Chromium and its driver serve every browser test of the session (NiceGUI's fixtures)."""
    return "chrom" in cmdline


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> object:
    """Note what runs before a module's first test sets up."""
    module = module_of(item)
    if module not in _before:
        _before[module] = (set(threading.enumerate()), set(children()))
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    """After each test, do its deferred syncs; after a module, fail on what it left running."""
    outcome = yield
    durable.flush_deferred()  # its deferred folder syncs, now; this also stops their timer
    module = module_of(item)
    if nextitem is not None and module_of(nextitem) == module:
        return outcome
    try:
        wait_for(lambda: running(module) == ([], []), timeout=ENDING_PATIENCE)
    except AssertionError:
        threads, processes = running(module)
        raise AssertionError(
            f"{module} left running: threads {threads}, processes {processes}"
        ) from None
    return outcome
