"""Generated bodies against `POST /chatkit` of a real app: only 4xx for bad input, never 5xx.

A victim browser session owns threads, items, a todo card and todos; the fuzzer is
another session that knows every one of those ids. After each batch the app still
answers /healthz and every file of the victim is byte-for-byte what it was.
"""

import copy
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatkit_bridge.security import MAX_BODY_BYTES
from tests.app_process import running_app
from tests.wire import (
    add_todos,
    call,
    done_items,
    file_hashes,
    folder_of,
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
STREAMING = {
    "threads.create",
    "threads.add_user_message",
    "threads.add_client_tool_output",
    "threads.add_structured_input",
    "threads.retry_after_item",
    "threads.custom_action",
}
ALL_TYPES = {
    *STREAMING,
    "threads.sync_custom_action",
    "threads.get_by_id",
    "threads.list",
    "items.list",
    "items.feedback",
    "attachments.create",
    "attachments.delete",
    "threads.update",
    "threads.delete",
    "input.transcribe",
}
WEIRD_IDS = [
    "",
    " ",
    "..",
    "../../etc/passwd",
    "threads",
    "thr_" + "a" * 300,
    "thr_\u0000",
    "thr_😀",
    "%2e%2e%2f",
    "null",
    "todo_000000",
]
TEXTS = [
    "Add buy milk",
    "Show my todos",
    "Delete all my todos",
    "hello",
    "What can you do?",
    "<script>alert(1)</script>",
]


def request_type(body: bytes) -> str:
    """Return the `type` a body names, or "?" when it names none."""
    try:
        kind = json.loads(body).get("type")
    except (ValueError, AttributeError, RecursionError):
        return "?"
    return kind if isinstance(kind, str) and kind in ALL_TYPES else "?"


@dataclass
class World:
    """The app, a victim with data, and a fuzzer that knows all the victim's ids."""

    url: str
    data: Path
    fuzzer: httpx.Client
    victim: httpx.Client
    victim_threads: list[str]
    victim_items: list[str]
    victim_widgets: list[str]
    victim_todos: list[str]
    own_threads: list[str]
    own_items: list[str]
    own_widgets: list[str]
    sent: list[int] = field(default_factory=list)
    answers: Counter[tuple[str, int]] = field(default_factory=Counter)
    before: dict[str, dict[str, str]] = field(default_factory=dict)

    def __repr__(self) -> str:
        """Keep failure reports short."""
        return f"World({self.url})"

    @property
    def thread_ids(self) -> list[str]:
        """Return every thread id either user has."""
        return self.victim_threads + self.own_threads

    @property
    def item_ids(self) -> list[str]:
        """Return every item id either user has."""
        return self.victim_items + self.own_items

    def post(self, body: bytes) -> httpx.Response:
        """Send one body as the fuzzer and count it."""
        self.sent.append(len(body))
        response = self.fuzzer.post(
            "/chatkit", content=body, headers={"content-type": "application/json"}
        )
        kind = request_type(body)
        self.answers[(kind, response.status_code)] += 1
        if kind == "threads.delete" and response.status_code == 200:
            self.keep_own_threads()
        return response

    def keep_own_threads(self) -> None:
        """Give the fuzzer a thread again once it deleted its own, so it can keep using one."""
        listed = call(self.fuzzer, "threads.list", limit=1000).json()["data"]
        alive = {thread["id"] for thread in listed}
        if not set(self.own_threads) - alive:
            return
        thread_id, events = start_thread(self.fuzzer, "Add fuzz again")
        self.own_threads[:] = [thread_id]
        self.own_items[:] = [item["id"] for item in thread_items(self.fuzzer, thread_id)]
        self.own_widgets[:] = [item["id"] for item in done_items(events, "widget")]

    def other_folders(self) -> dict[str, dict[str, str]]:
        """Hash every user folder except the fuzzer's own."""
        own = folder_of(self.fuzzer, self.data)
        users = self.data / "users"
        return {f.name: file_hashes(f) for f in sorted(users.iterdir()) if f != own}

    def assert_victim_untouched(self) -> None:
        """Check the app is alive and no other user's file changed by a byte."""
        assert self.fuzzer.get("/healthz").status_code == 200
        assert self.other_folders() == self.before
        victim = folder_of(self.victim, self.data).name
        assert self.before[victim], "the victim's files are part of the check"


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


# -- strategies --------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def ids_from(*pools: list[str]) -> st.SearchStrategy[str]:
    """Draw a known id from the pools, an odd one, or random text."""
    known = [value for pool in pools for value in pool]
    return st.one_of(st.sampled_from(known), st.sampled_from(WEIRD_IDS), st.text(max_size=40))


@st.composite
def user_inputs(draw: st.DrawFn, world: World) -> dict[str, Any]:
    """Draw a user message input, sometimes with tags, attachments or options."""
    text = draw(st.sampled_from(TEXTS) | st.text(max_size=60))
    if draw(st.booleans()):
        text = f"{text} {draw(st.sampled_from(world.victim_todos))}"
    content: list[dict[str, Any]] = [{"type": "input_text", "text": text}]
    if draw(st.integers(0, 4)) == 0:
        content.append(
            {"type": "input_tag", "id": draw(st.text(max_size=10)), "text": "tag", "data": {}}
        )
    attachments = draw(st.lists(ids_from(world.victim_items), max_size=1))
    options: dict[str, Any] = {}
    if draw(st.integers(0, 4)) == 0:
        options = {"model": draw(st.text(max_size=10)), "tool_choice": {"id": "add_todos"}}
    quoted = draw(st.none() | st.text(max_size=20))
    return {
        "content": content,
        "attachments": attachments,
        "inference_options": options,
        "quoted_text": quoted,
    }


@st.composite
def actions(draw: st.DrawFn, world: World) -> dict[str, Any]:
    """Draw a widget action, mostly a todo action naming the victim's todos."""
    kind = draw(
        st.sampled_from(["todo.toggle", "todo.delete", "todo.rename", "todo.add", "todo.refresh"])
        | st.text(max_size=20)
    )
    payload: dict[str, Any] = {"id": draw(ids_from(world.victim_todos))}
    if draw(st.booleans()):
        payload["title"] = draw(st.text(max_size=30))
    if draw(st.booleans()):
        payload["checked"] = draw(st.booleans() | st.sampled_from(["on", "off", "maybe"]))
    return {"type": kind, "payload": draw(st.just(payload) | json_values)}


@st.composite
def valid_requests(draw: st.DrawFn, world: World) -> dict[str, Any]:
    """Draw a well-formed request of any type, with ids of either user or none."""
    # Whose thread and item the request names: the fuzzer's own, the victim's, the
    # fuzzer's thread with a victim's item, or ids nobody has.
    kind = draw(st.sampled_from(sorted(ALL_TYPES)))
    owner = draw(st.sampled_from(["own", "own", "victim", "mixed", "junk"]))
    threads = {"own": world.own_threads, "victim": world.victim_threads}
    own_items = world.own_items[:1] if kind == "threads.retry_after_item" else world.own_items
    items = {"own": own_items, "victim": world.victim_items, "mixed": world.victim_items}
    thread_pool = threads.get(owner, world.own_threads if owner == "mixed" else [])
    item_pool = items.get(owner, [])
    thread_id = draw(st.sampled_from(thread_pool) if thread_pool else ids_from(world.thread_ids))
    item_id = draw(st.sampled_from(item_pool) if item_pool else ids_from(world.item_ids))
    listing = {
        "limit": draw(st.none() | st.integers(-5, 10**6)),
        "order": draw(st.sampled_from(["asc", "desc"])),
        "after": draw(st.none() | ids_from(world.thread_ids, world.item_ids)),
    }
    params: dict[str, Any] = {
        "threads.create": lambda: {"input": draw(user_inputs(world))},
        "threads.add_user_message": lambda: {
            "thread_id": thread_id,
            "input": draw(user_inputs(world)),
        },
        "threads.add_client_tool_output": lambda: {
            "thread_id": thread_id,
            "result": draw(json_values),
        },
        "threads.add_structured_input": lambda: {
            "thread_id": thread_id,
            "item_id": item_id,
            "input": {"status": "answered", "answers": {"q": {"values": ["yes"]}}},
        },
        "threads.retry_after_item": lambda: {"thread_id": thread_id, "item_id": item_id},
        "threads.custom_action": lambda: {
            "thread_id": thread_id,
            "item_id": draw(st.none() | st.just(item_id)),
            "action": draw(actions(world)),
        },
        "threads.sync_custom_action": lambda: {
            "thread_id": thread_id,
            "item_id": draw(st.none() | st.just(item_id)),
            "action": draw(actions(world)),
        },
        "threads.get_by_id": lambda: {"thread_id": thread_id},
        "threads.list": lambda: dict(listing),
        "items.list": lambda: {"thread_id": thread_id, **listing},
        "items.feedback": lambda: {
            "thread_id": thread_id,
            "item_ids": draw(st.lists(ids_from(world.item_ids), max_size=3)),
            "kind": draw(st.sampled_from(["positive", "negative"])),
        },
        "attachments.create": lambda: {
            "name": draw(st.text(max_size=20)),
            "size": draw(st.integers(-1, 10**12)),
            "mime_type": "text/plain",
        },
        "attachments.delete": lambda: {"attachment_id": draw(ids_from(world.item_ids))},
        "threads.update": lambda: {"thread_id": thread_id, "title": draw(st.text(max_size=300))},
        "threads.delete": lambda: {"thread_id": thread_id},
        "input.transcribe": lambda: {
            "audio_base64": draw(st.sampled_from(["", "abc", "AAAA", "!!!!", "aGVsbG8="])),
            "mime_type": draw(st.sampled_from(["audio/webm", "text/plain", ""])),
        },
    }[kind]()
    request: dict[str, Any] = {"type": kind, "params": params}
    if draw(st.integers(0, 5)) == 0:
        request["metadata"] = draw(st.dictionaries(st.text(max_size=8), json_values, max_size=3))
    return request


@st.composite
def mutated_requests(draw: st.DrawFn, world: World) -> dict[str, Any]:
    """Draw a valid request, then give a field a wrong type, add unknown fields or drop one."""
    request = copy.deepcopy(draw(valid_requests(world)))
    for _ in range(draw(st.integers(1, 3))):
        if not request:
            break
        holder, key = draw(places(request))
        how = draw(st.sampled_from(["retype", "unknown", "drop"]))
        if how == "retype":
            holder[key] = draw(json_values)
        elif how == "unknown":
            target = holder[key] if isinstance(holder[key], dict) else holder
            target[draw(st.text(min_size=1, max_size=12))] = draw(json_values)
        else:
            del holder[key]
    return request


@st.composite
def places(draw: st.DrawFn, request: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Draw one (dict, key) position inside a request."""
    found: list[tuple[dict[str, Any], str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                found.append((node, key))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(request)
    return draw(st.sampled_from(found))


@st.composite
def malformed_bodies(draw: st.DrawFn, world: World) -> bytes:
    """Draw a body that is not a ChatKit request at all."""
    valid = json.dumps(draw(valid_requests(world))).encode()
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return draw(st.binary(max_size=200))
    if choice == 1:
        return valid[: draw(st.integers(0, len(valid) - 1))]  # cut short
    if choice == 2:
        return json.dumps(draw(json_values)).encode()
    if choice == 3:
        kind = draw(st.text(max_size=30).filter(lambda t: "." not in t or " " in t))
        return json.dumps({"type": kind, "params": {}}).encode()
    return valid.replace(b'"', b"'", 1 + draw(st.integers(0, 5)))  # not JSON quotes


@st.composite
def oversized_bodies(draw: st.DrawFn, world: World) -> bytes:
    """Draw a request carrying one huge string or one deep nesting."""
    request = draw(valid_requests(world))
    holder, key = draw(places(request))
    if draw(st.booleans()):
        size = draw(st.integers(MAX_BODY_BYTES - 100_000, MAX_BODY_BYTES + 200_000))
        holder[key] = draw(st.sampled_from('x€😀"\\')) * (size // 4)
        return json.dumps(request, ensure_ascii=draw(st.booleans())).encode()
    depth = draw(st.integers(10, 20_000))
    opening, closing = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    marker = "__deep__"
    holder[key] = marker
    text = json.dumps(request).replace(f'"{marker}"', opening * depth + "1" + closing * depth)
    return text.encode()


# -- tests ----------------------------------------------------------------------------


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
