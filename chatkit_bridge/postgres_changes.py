"""Changes announced between processes through PostgreSQL's LISTEN/NOTIFY.

A writer calls `announce(conn, topic, user_id)` inside its transaction: PostgreSQL delivers
the note to every listening process when (and only if) the transaction commits. Each process
runs one listener thread per database (`ChangeFeed.for_dsn`) that calls the callbacks
subscribed to a topic, skipping the notes this process sent itself (it told its own
listeners already, without the round trip).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any, ClassVar

import psycopg

from chatkit_bridge.postgres_auth import Connection

logger = logging.getLogger(__name__)

CHANNEL = "chatkit_changes"
ORIGIN = secrets.token_hex(8)
"""This process's mark on the notes it sends."""

Callback = Callable[[str], None]
"""Called with the user id whose data changed in another process."""


def announce(conn: psycopg.Connection[Any], topic: str, user_id: str) -> None:
    """Queue a change note; it is sent when the connection's transaction commits."""
    payload = json.dumps({"origin": ORIGIN, "topic": topic, "user": user_id})
    conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))


class ChangeFeed:
    """One listener thread per database URL, dispatching notes to topic callbacks."""

    _feeds: ClassVar[dict[str, ChangeFeed]] = {}
    _feeds_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, dsn: str) -> None:
        """Listen on `dsn` once the first callback subscribes."""
        self.dsn = dsn
        self._callbacks: defaultdict[str, list[Callback]] = defaultdict(list)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.listening = threading.Event()

    @classmethod
    def for_dsn(cls, dsn: str) -> ChangeFeed:
        """Return this process's feed for a database, creating it on first use."""
        with cls._feeds_lock:
            if dsn not in cls._feeds:
                cls._feeds[dsn] = cls(dsn)
            return cls._feeds[dsn]

    def subscribe(self, topic: str, callback: Callback) -> None:
        """Call `callback(user_id)` for every change of `topic` made by another process."""
        with self._lock:
            self._callbacks[topic].append(callback)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._listen, name="chatkit-change-feed", daemon=True
                )
                self._thread.start()

    def stop(self) -> None:
        """End the listener thread (within about a second)."""
        self._stop.set()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with Connection.connect(self.dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self._dispatch(note.payload)
            except psycopg.Error:
                self.listening.clear()
                logger.warning("Change feed lost its connection; reconnecting", exc_info=True)
                self._stop.wait(2.0)

    def _dispatch(self, payload: str) -> None:
        try:
            note = json.loads(payload)
            if note["origin"] == ORIGIN:
                return
            topic, user_id = str(note["topic"]), str(note["user"])
        except (ValueError, KeyError, TypeError):
            logger.warning("Ignoring a malformed change note: %r", payload[:200])
            return
        with self._lock:
            callbacks = list(self._callbacks.get(topic, ()))
        for callback in callbacks:
            try:
                callback(user_id)
            except Exception:
                logger.exception("Change callback for %s failed", topic)


class PostgresRelay:
    """Announce and hear one topic's changes through the database (a `thread_events.Relay`)."""

    def __init__(self, dsn: str, topic: str) -> None:
        """Carry the changes of `topic` (e.g. "threads:todo") through the database at `dsn`."""
        self.dsn, self.topic = dsn, topic

    def announce(self, user_id: str) -> None:
        """Tell the other processes that the user's data of this topic changed."""
        from chatkit_bridge.postgres_documents import shared_pool

        try:
            with shared_pool(self.dsn).connection() as conn:
                announce(conn, self.topic, user_id)
        except Exception:  # pages elsewhere catch up on their next read; this one is fine
            logger.warning("Could not announce a %s change to other processes", self.topic)

    def listen(self, callback: Callback) -> None:
        """Call `callback(user_id)` for this topic's changes made by other processes."""
        ChangeFeed.for_dsn(self.dsn).subscribe(self.topic, callback)
