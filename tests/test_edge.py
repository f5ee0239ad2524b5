"""The edge of `python app.py`: body caps, JSON only, cross-site refusals, headers, bad text."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chatkit_bridge.security import MAX_BODY_BYTES
from tests.app_process import running_app
from tests.wire import add_todos, call, start_thread, todos, user_input

FOREIGN = "http://127.0.0.1:1"  # another port of the same host: the same site for cookies
FRONT_END = "https://chat.example.com"
LONE_SURROGATE = "buy \ud800 milk"
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app with one separately hosted front end allowed."""
    data = tmp_path_factory.mktemp("edge") / "data"
    with running_app(data, ALLOWED_ORIGINS=f"{FRONT_END}, http://localhost:5173") as url:
        yield url


@pytest.fixture
def alice(app_url: str) -> Iterator[httpx.Client]:
    """A browser session of its own."""
    with httpx.Client(base_url=app_url, timeout=60) as client:
        yield client


def threads(client: httpx.Client) -> list[dict[str, object]]:
    """Return the caller's threads."""
    response = call(client, "threads.list", limit=100)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def raw_json(client: httpx.Client, method: str, path: str, text: str) -> httpx.Response:
    """Send JSON text as is (json.dumps would refuse nothing, httpx would re-encode)."""
    body = text.encode("utf-8", "surrogatepass")
    return client.request(method, path, content=body, headers=JSON)


# -- 2. every body is capped -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/chatkit", "/api/todos"])
def test_a_body_over_the_limit_is_413_declared_or_chunked(alice: httpx.Client, path: str) -> None:
    big = json.dumps({"titles": ["x" * (MAX_BODY_BYTES + 10)]}).encode()
    declared = alice.post(path, content=big, headers={"content-type": "application/json"})
    assert declared.status_code == 413
    assert f"larger than {MAX_BODY_BYTES} bytes" in declared.json()["error"]

    def pieces() -> Iterator[bytes]:  # no Content-Length: Transfer-Encoding: chunked
        for start in range(0, len(big), 64_000):
            yield big[start : start + 64_000]

    chunked = alice.post(path, content=pieces(), headers={"content-type": "application/json"})
    assert chunked.status_code == 413
    assert "larger than" in chunked.json()["error"]
    assert todos(alice) == []
    assert alice.get("/healthz").status_code == 200


def test_a_chunked_body_under_the_limit_still_works(alice: httpx.Client) -> None:
    body = json.dumps({"titles": ["streamed in"]}).encode()
    added = alice.post("/api/todos", content=iter([body[:5], body[5:]]), headers=JSON)
    assert added.status_code == 201, added.text
    assert todos(alice) == [("streamed in", False)]


# -- 3. JSON only, no cross-site requests -----------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"content-type": "text/plain"},
        {"content-type": "application/x-www-form-urlencoded"},
        {"content-type": "multipart/form-data; boundary=x"},
        {},
    ],
    ids=["text", "form", "multipart", "none"],
)
def test_a_body_that_is_not_json_is_415_and_changes_nothing(
    alice: httpx.Client, headers: dict[str, str]
) -> None:
    create = {"type": "threads.create", "params": {"input": user_input("Add forged task")}}
    for path, body in (("/chatkit", create), ("/api/todos", {"titles": ["forged task"]})):
        response = alice.post(path, content=json.dumps(body), headers=headers)
        assert response.status_code == 415, (path, response.text)
        assert "application/json" in response.json()["error"]
    assert todos(alice) == []
    assert threads(alice) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": FOREIGN},
        {"origin": "null"},
        {"origin": "http://127.0.0.1.evil.example"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
    ],
    ids=["other-port", "null", "lookalike", "cross-site", "same-site"],
)
def test_a_foreign_page_is_refused_with_403_on_every_route(
    alice: httpx.Client, headers: dict[str, str]
) -> None:
    todo_id = add_todos(alice, "mine")[0]
    thread_id, _ = start_thread(alice, "hello")
    create = {"type": "threads.create", "params": {"input": user_input("Add forged task")}}
    for method, path, body in (
        ("POST", "/chatkit", create),
        ("POST", "/chatkit", {"type": "threads.delete", "params": {"thread_id": thread_id}}),
        ("POST", "/api/todos", {"titles": ["forged"]}),
        ("PATCH", f"/api/todos/{todo_id}", {"completed": True}),
        ("DELETE", f"/api/todos/{todo_id}", None),
        ("GET", "/api/todos", None),
    ):
        response = alice.request(method, path, json=body, headers=headers)
        assert response.status_code == 403, (method, path, response.text)
        assert "ALLOWED_ORIGINS" in response.json()["error"]
    assert todos(alice) == [("mine", False)]
    assert [t["id"] for t in threads(alice)] == [thread_id]


def test_the_apps_own_origin_and_an_allowed_front_end_get_through(
    alice: httpx.Client, app_url: str
) -> None:
    own = {"origin": app_url, "sec-fetch-site": "same-origin"}
    assert alice.post("/api/todos", json={"titles": ["own page"]}, headers=own).status_code == 201
    front_end = {"origin": FRONT_END, "sec-fetch-site": "cross-site"}
    added = alice.post("/api/todos", json={"titles": ["front end"]}, headers=front_end)
    assert added.status_code == 201
    assert added.headers["access-control-allow-origin"] == FRONT_END
    thread_id, _ = start_thread(alice, "hello")  # no Origin at all: a script, not a browser page
    assert thread_id
    assert todos(alice) == [("own page", False), ("front end", False)]

    preflight = alice.options(
        "/chatkit",
        headers={
            "origin": FRONT_END,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-credentials"] == "true"
    refused = alice.options(
        "/chatkit", headers={"origin": FOREIGN, "access-control-request-method": "POST"}
    )
    assert "access-control-allow-origin" not in refused.headers


def test_behind_a_proxy_the_public_origin_is_the_apps_own(alice: httpx.Client) -> None:
    proxied = {"origin": "https://todo.example.org", "x-forwarded-host": "todo.example.org"}
    added = alice.post("/api/todos", json={"titles": ["via proxy"]}, headers=proxied)
    assert added.status_code == 201, added.text
    other = {"origin": "https://evil.example.org", "x-forwarded-host": "todo.example.org"}
    assert alice.post("/api/todos", json={"titles": ["x"]}, headers=other).status_code == 403
    assert todos(alice) == [("via proxy", False)]


def test_pages_and_answers_forbid_framing_sniffing_and_referrers(alice: httpx.Client) -> None:
    for path in ("/", "/api/todos", "/healthz"):
        headers = alice.get(path).headers
        assert "frame-ancestors 'self'" in headers["content-security-policy"], path
        assert headers["x-frame-options"] == "SAMEORIGIN"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_a_foreign_page_cannot_open_the_pages_socket(app_url: str) -> None:
    url = f"{app_url}/_nicegui_ws/socket.io/?EIO=4&transport=polling"
    assert httpx.get(url, headers={"origin": FOREIGN}).status_code == 403
    assert httpx.get(url, headers={"origin": app_url}).status_code == 200


# -- 5. text that cannot be encoded -----------------------------------------------------


def test_a_lone_surrogate_is_400_everywhere_and_never_stored(alice: httpx.Client) -> None:
    todo_id = add_todos(alice, "keep me")[0]
    thread_id, _ = start_thread(alice, "hello")
    escaped = json.dumps(LONE_SURROGATE)  # "buy \ud800 milk", as a JSON escape
    raw_bytes = '"buy \udfff milk"'  # UTF-8 encoded surrogate: not valid UTF-8
    for text in (escaped, raw_bytes):
        message = f'{{"content": [{{"type": "input_text", "text": {text}}}], "attachments": []}}'
        for method, path, body in (
            ("POST", "/api/todos", f'{{"titles": [{text}]}}'),
            ("PATCH", f"/api/todos/{todo_id}", f'{{"title": {text}}}'),
            ("POST", "/chatkit", f'{{"type": "threads.create", "params": {{"input": {message}}}}}'),
            (
                "POST",
                "/chatkit",
                f'{{"type": "threads.update", "params": {{"thread_id": "{thread_id}", '
                f'"title": {text}}}}}',
            ),
        ):
            response = raw_json(alice, method, path, body)
            assert response.status_code == 400, (path, text, response.text)
            assert "cannot be stored" in response.json()["error"]

    assert todos(alice) == [("keep me", False)]
    assert [t["id"] for t in threads(alice)] == [thread_id]
    # A correct surrogate pair (what json.dumps writes for an emoji) is ordinary text.
    pair = raw_json(alice, "POST", "/api/todos", json.dumps({"titles": ["buy 🥛"]}))
    assert pair.status_code == 201, pair.text
    assert todos(alice)[-1] == ("buy 🥛", False)


# -- 7. titles, and what /readyz tells strangers ----------------------------------------


def test_titles_lose_control_bidi_and_zero_width_characters(alice: httpx.Client) -> None:
    hostile = "Pay\u202e\u200bgpj.exe\u0000 bill\u2066\n\tnow\ufeff"
    thread_id, _ = start_thread(alice, hostile)
    titles = [t["title"] for t in threads(alice) if t["id"] == thread_id]
    assert titles == ["Paygpj.exe bill now"]

    hidden = "\u200fEvil\u202d title\u0007"
    renamed = call(alice, "threads.update", thread_id=thread_id, title=hidden)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["title"] == "Evil title"
    invisible = call(alice, "threads.update", thread_id=thread_id, title="\u200b\u202e\u0000")
    assert invisible.status_code == 400
    assert [t["title"] for t in threads(alice)] == ["Evil title"]


def test_readyz_never_shows_the_data_path(tmp_path: Path) -> None:
    data = tmp_path / "secret-location" / "data"
    data.parent.mkdir()
    with running_app(data) as url:
        shutil.rmtree(data)
        data.write_text("the volume went away")
        broken = httpx.get(f"{url}/readyz")
    assert broken.status_code == 503
    assert "not writable" in broken.json()["reason"]
    assert "secret-location" not in broken.text
    assert str(tmp_path) not in broken.text


def test_a_surrogate_escape_in_a_deeply_nested_body_is_a_clear_400(alice: httpx.Client) -> None:
    deep = "[" * 5000 + "1" + "]" * 5000
    for path in ("/chatkit", "/api/todos"):
        response = raw_json(alice, "POST", path, f'{{"titles": {deep}, "x": "\\ud83e\\udd5b"}}')
        assert response.status_code == 400, (path, response.text[:300])
        assert response.headers["content-type"] == "application/json"
