"""Generated bodies against `POST /chatkit` of a real app: only 4xx for bad input, never 5xx.

A victim browser session owns threads, items, a todo card and todos; the fuzzer is
another session that knows every one of those ids. After each batch the app still
answers /healthz and every file of the victim is byte-for-byte what it was.
"""

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from chatkit_bridge.security import MAX_BODY_BYTES
from tests.app_process import running_app
from tests.fuzz_requests import (
    malformed_bodies,
    mutated_requests,
    oversized_bodies,
    valid_requests,
)
from tests.fuzz_world import STREAMING, World
from tests.wire import (
    add_todos,
    call,
    done_items,
    say,
    start_thread,
    thread_items,
)

FUZZ = settings(
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Serve the app, give the victim data, and let the fuzzer learn every id."""
    data = tmp_path_factory.mktemp("fuzz") / "data"
    with (
        running_app(data, STORAGE_SECRET="fuzz-secret-at-least-32-characters") as url,
        httpx.Client(base_url=url, timeout=60) as victim,
        httpx.Client(base_url=url, timeout=60) as fuzzer,
    ):
        victim_threads, victim_widgets = [], []
        for text in ("Add buy milk and walk the dog", "Add call mom tomorrow"):
            thread_id, events = start_thread(victim, text)
            victim_threads.append(thread_id)
            victim_widgets += [item["id"] for item in done_items(events, "widget")]
        say(victim, victim_threads[0], "I finished buy milk")
        first = thread_items(victim, victim_threads[0])
        feedback = {"thread_id": victim_threads[0], "item_ids": [first[-1]["id"]]}
        assert call(victim, "items.feedback", **feedback, kind="positive").status_code == 200
        victim_items = [i["id"] for t in victim_threads for i in thread_items(victim, t)]
        victim_todos = [t["id"] for t in victim.get("/api/todos").json()["todos"]]

        own_thread, events = start_thread(fuzzer, "Add fuzz one and fuzz two")
        add_todos(fuzzer, "fuzz three")
        world = World(
            url=url,
            data=data,
            fuzzer=fuzzer,
            victim=victim,
            victim_threads=victim_threads,
            victim_items=victim_items,
            victim_widgets=victim_widgets,
            victim_todos=victim_todos,
            own_threads=[own_thread],
            own_items=[i["id"] for i in thread_items(fuzzer, own_thread)],
            own_widgets=[item["id"] for item in done_items(events, "widget")],
        )
        world.before = world.other_folders()
        yield world


def decode(response: httpx.Response) -> None:
    """Check a 200 answer is the JSON or the event stream it claims to be."""
    if response.headers["content-type"].startswith("text/event-stream"):
        for line in response.text.split("\n"):
            if line:
                assert line.startswith("data: "), line
                json.loads(line.removeprefix("data: "))
    else:
        json.loads(response.text)


def assert_client_error(response: httpx.Response) -> None:
    """Check a refused body got a 4xx JSON error."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert isinstance(response.json()["error"], str)


def test_malformed_bodies_get_400(world: World) -> None:
    @settings(FUZZ, max_examples=300)
    @given(body=malformed_bodies(world))
    def check(body: bytes) -> None:
        response = world.post(body)
        assert_client_error(response)

    check()
    world.assert_victim_untouched()


def test_wrong_types_and_unknown_fields_never_fail_the_server(world: World) -> None:
    @settings(FUZZ, max_examples=300)
    @given(request=mutated_requests(world))
    def check(request: dict[str, Any]) -> None:
        response = world.post(json.dumps(request).encode())
        if response.status_code == 200:
            decode(response)
        else:
            assert_client_error(response)

    check()
    world.assert_victim_untouched()


def test_requests_naming_another_users_ids_are_refused(world: World) -> None:
    @settings(FUZZ, max_examples=320)
    @given(request=valid_requests(world))
    def check(request: dict[str, Any]) -> None:
        response = world.post(json.dumps(request).encode())
        params = request["params"]
        if params.get("thread_id") in world.victim_threads:
            assert response.status_code == 404, response.text[:300]
        if response.status_code == 200:
            decode(response)
            assert not any(t in response.text for t in world.victim_items), "victim data leaked"
        else:
            assert_client_error(response)

    check()
    world.assert_victim_untouched()


def test_huge_strings_and_deep_nesting_are_refused_cleanly(world: World) -> None:
    @settings(FUZZ, max_examples=100)
    @given(body=oversized_bodies(world))
    def check(body: bytes) -> None:
        response = world.post(body)
        if len(body) > MAX_BODY_BYTES:
            assert response.status_code == 413, response.text[:300]
        if response.status_code == 200:
            decode(response)
        else:
            assert_client_error(response)

    check()
    world.assert_victim_untouched()


def test_the_fuzzer_sent_over_a_thousand_bodies_and_the_victim_kept_everything(
    world: World,
) -> None:
    assert len(world.sent) >= 1000
    assert max(world.sent) > MAX_BODY_BYTES
    statuses = {status for _, status in world.answers}
    assert statuses == {200, 400, 404, 413}, world.answers
    answered = {kind for kind, status in world.answers if status == 200}
    assert answered >= STREAMING - {
        "threads.add_client_tool_output",
        "threads.add_structured_input",
    }, "the fuzzer also reached the handlers, not only the checks before them"
    world.assert_victim_untouched()
    victim_todos = [t["id"] for t in world.victim.get("/api/todos").json()["todos"]]
    assert victim_todos == world.victim_todos
    for thread_id in world.victim_threads:
        assert call(world.victim, "threads.get_by_id", thread_id=thread_id).status_code == 200


def test_what_fuzzing_found_is_a_clear_400(world: World) -> None:
    own_thread = world.own_threads[0]
    message = world.own_items[0]  # the thread's first user message, not a widget
    found = {
        "audio that is not base64": (
            {"type": "input.transcribe", "params": {"audio_base64": "abc", "mime_type": "a/b"}},
            "not valid base64",
        ),
        "a sync action sent by a message": (
            {
                "type": "threads.sync_custom_action",
                "params": {"thread_id": own_thread, "item_id": message, "action": {"type": "x"}},
            },
            "is not a widget",
        ),
        "an action sent by a message": (
            {
                "type": "threads.custom_action",
                "params": {"thread_id": own_thread, "item_id": message, "action": {"type": "x"}},
            },
            "is not a widget",
        ),
    }
    for name, (request, reason) in found.items():
        response = world.post(json.dumps(request).encode())
        assert response.status_code == 400, (name, response.text)
        assert reason in response.json()["error"], name
