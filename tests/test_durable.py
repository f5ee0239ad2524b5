"""Deferred folder syncs (chatkit_bridge/durable.py): done by the background flush, or at once
by `flush_deferred`, which then leaves no timer running."""

import os
import threading
from pathlib import Path

import pytest

from chatkit_bridge import durable
from tests.polling import PATIENCE, wait_for


@pytest.fixture
def folder_syncs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Record each folder of this test asked to be made durable, passing every sync on.

    Only folders under the test's own folder count: another thread may sync its own meanwhile.
    """
    synced: list[str] = []
    real = os.fsync

    def watched(fd: int) -> None:
        target = os.readlink(f"/proc/self/fd/{fd}")
        if os.path.isdir(target) and Path(target).is_relative_to(tmp_path):
            synced.append(target)
        real(fd)

    durable.flush_deferred()  # what earlier tests deferred is not this test's
    monkeypatch.setattr(os, "fsync", watched)
    return synced


def deferred_write(folder: Path) -> threading.Thread:
    """Write a file with its folder sync deferred; return the timer thread that started."""
    before = set(threading.enumerate())
    with durable.deferred_folder_sync():
        durable.atomic_write_text(folder / "reply.json", "{}")
    (timer,) = [
        t for t in threading.enumerate() if t not in before and isinstance(t, threading.Timer)
    ]
    return timer


def test_a_deferred_folder_sync_happens_in_the_background(
    tmp_path: Path, folder_syncs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(durable, "FLUSH_DELAY", 0.1)
    (tmp_path / "thread").mkdir()
    timer = deferred_write(tmp_path / "thread")
    assert folder_syncs == [], "the folder sync is left to the background flush"
    wait_for(lambda: folder_syncs == [str(tmp_path / "thread")], what="the background sync")
    wait_for(lambda: not timer.is_alive(), what="the flush timer's end")


def test_flushing_syncs_at_once_and_stops_the_timer(
    tmp_path: Path, folder_syncs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A timer left waiting would keep a thread alive and then sync a later write's folder
    # early (inside another test's fsync counts, as on the official CI). It waits far longer
    # than the test waits for its end.
    monkeypatch.setattr(durable, "FLUSH_DELAY", 10 * PATIENCE)
    (tmp_path / "thread").mkdir()
    timer = deferred_write(tmp_path / "thread")
    durable.flush_deferred()
    assert folder_syncs == [str(tmp_path / "thread")]
    wait_for(lambda: not timer.is_alive(), what="the flush timer's end")

    later = deferred_write(tmp_path / "thread")
    assert later is not timer, "the next deferred write starts its own timer"
    durable.flush_deferred()
    assert folder_syncs == [str(tmp_path / "thread")] * 2
