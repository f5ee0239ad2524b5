"""Threads per user and items per thread over real HTTP: a 409 that names the limit."""

from pathlib import Path

import httpx

from tests.app_process import running_app
from tests.wire import call, errors_in, say, start_thread, thread_items, user_input


def test_limits_are_refused_with_a_message_naming_the_setting(tmp_path: Path) -> None:
    settings = {"MAX_THREADS_PER_USER": "2", "MAX_ITEMS_PER_THREAD": "10"}
    with (
        running_app(tmp_path / "data", **settings) as url,
        httpx.Client(base_url=url, timeout=60) as alice,
        httpx.Client(base_url=url, timeout=60) as bob,
    ):
        first, _ = start_thread(alice, "Add buy milk")
        start_thread(alice, "Add pay rent")
        refused = call(alice, "threads.create", input=user_input("Add one more"))
        assert refused.status_code == 409, refused.text
        assert "MAX_THREADS_PER_USER=2" in refused.json()["error"]
        assert len(call(alice, "threads.list", limit=10).json()["data"]) == 2

        while len(thread_items(alice, first)) < 10:
            assert not errors_in(say(alice, first, "What's on my list?"))
        full = call(alice, "threads.add_user_message", thread_id=first, input=user_input("hi"))
        assert full.status_code == 409, full.text
        assert "MAX_ITEMS_PER_THREAD=10" in full.json()["error"]
        assert "Start a new chat" in full.json()["error"]

        # Limits are per user and per thread: others go on.
        start_thread(bob, "Add walk the dog")
        assert call(bob, "threads.create", input=user_input("Add feed cat")).status_code == 200
