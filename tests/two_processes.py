"""Write through two app processes that share one store, then check each sees everything."""

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.wire import add_todos, say, start_thread, thread_ids, todos, user_texts


def write_through_both_and_check(url_a: str, url_b: str) -> None:
    """One browser session on both processes: writes in turn and at once, none lost."""
    with httpx.Client(base_url=url_a, timeout=60) as a:
        thread_id, _ = start_thread(a, "Add buy bread")
        # The same browser session, served by the other process.
        with httpx.Client(base_url=url_b, timeout=60, cookies=dict(a.cookies)) as b:
            assert thread_ids(b) == {thread_id}, "B accepts A's session and sees its thread"

            # Alternately: every write goes through the process that did not make the last one.
            for n in range(4):
                add_todos(a if n % 2 else b, f"alternate {n}")
                say(b if n % 2 else a, thread_id, f"Add turn {n}")

            # At once: both processes write the same user's data concurrently.
            def write(n: int) -> str:
                client = (a, b)[n % 2]
                if n % 3 == 0:
                    return start_thread(client, f"Add parallel chat {n}")[0]
                add_todos(client, f"parallel {n}")
                return ""

            with ThreadPoolExecutor(max_workers=6) as pool:
                made = {thread for thread in pool.map(write, range(18)) if thread}

            expected_todos = (
                {"buy bread"}
                | {f"alternate {n}" for n in range(4)}
                | {f"turn {n}" for n in range(4)}
                | {f"parallel {n}" for n in range(18) if n % 3}
                | {f"parallel chat {n}" for n in range(18) if n % 3 == 0}
            )
            for client in (a, b):
                assert sorted(title for title, _ in todos(client)) == sorted(expected_todos)
                assert thread_ids(client) == {thread_id} | made
                assert user_texts(client, thread_id) == [
                    "Add buy bread",
                    *(f"Add turn {n}" for n in range(4)),
                ]
