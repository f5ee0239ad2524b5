"""What the fuzzer sends: odd ids and texts, and strategies for valid, mutated and bad bodies."""

import copy
import json
from typing import Any

from hypothesis import strategies as st

from chatkit_bridge.security import MAX_BODY_BYTES
from tests.fuzz_world import ALL_TYPES, World

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
