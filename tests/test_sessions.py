"""Who a request speaks for: forged or tampered session cookies, and Azure easy auth."""

import base64
import json
import string
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from itsdangerous import TimestampSigner
from nicegui import ui
from nicegui.testing import User

from tests.app_process import running_app
from tests.wire import add_todos, call, start_thread, user_input

SECRET = "sessions-secret-at-least-32-characters"
PRINCIPAL = "X-MS-CLIENT-PRINCIPAL-ID"
DAY = 24 * 3600
B64 = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"


def sign(session: dict[str, str], secret: str, signed_at: float | None = None) -> str:
    """Sign a session the way Starlette's SessionMiddleware does (itsdangerous, base64 JSON)."""
    signer = TimestampSigner(secret)
    if signed_at is not None:
        signer.get_timestamp = lambda: int(signed_at)  # type: ignore[method-assign]
    return signer.sign(base64.b64encode(json.dumps(session).encode())).decode()


def flip(text: str, index: int) -> str:
    """Change one base64 character so that the bits it carries change, not only its padding."""
    index %= len(text)
    value = B64.find(text[index]) % 64 if text[index] in B64 else "+/".index(text[index]) + 62
    return text[:index] + B64[value ^ 0b10000] + text[index + 1 :]


def cookie_id(value: str) -> str:
    """Read the browser id out of a signed session cookie."""
    return json.loads(base64.b64decode(value.split(".")[0]))["id"]


def forgeries(genuine: str) -> dict[str, str]:
    """Build cookies that claim to be the owner of `genuine` without its secret."""
    payload, timestamp, signature = genuine.split(".")
    owner = {"id": cookie_id(genuine)}
    return {
        "signature byte flipped": f"{payload}.{timestamp}.{flip(signature, 3)}",
        "last signature byte flipped": f"{payload}.{timestamp}.{flip(signature, -1)}",
        "payload byte flipped": f"{flip(payload, 8)}.{timestamp}.{signature}",
        "timestamp changed": f"{payload}.{flip(timestamp, 1)}.{signature}",
        "signature cut off": f"{payload}.{timestamp}",
        "payload only": payload,
        "signed with another secret": sign(owner, "not-the-secret"),
        "owner id with another user's signature": f"{payload}.{timestamp}.{sign({}, SECRET)[-27:]}",
        "empty": "",
        "garbage": "not-a-session",
    }


def request_with(
    url: str, cookie: str, method: str, path: str, json: object = None
) -> httpx.Response:
    """Send one request that carries exactly this session cookie."""
    headers = {"cookie": f"session={cookie}"}
    return httpx.request(method, f"{url}{path}", headers=headers, json=json, timeout=30)


@dataclass
class Owner:
    """A browser session with a thread and a todo, and its cookie."""

    cookie: str
    thread_id: str
    todo_id: str


@pytest.fixture(scope="module")
def browser_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app with browser sessions signed with a known secret."""
    data = tmp_path_factory.mktemp("sessions") / "data"
    with running_app(data, STORAGE_SECRET=SECRET) as url:
        yield url


@pytest.fixture(scope="module")
def owner(browser_app: str) -> Owner:
    """Give one browser a thread and a todo."""
    with httpx.Client(base_url=browser_app, timeout=30) as client:
        thread_id, _ = start_thread(client, "Add owner's secret")
        todo_id = client.get("/api/todos").json()["todos"][0]["id"]
        return Owner(client.cookies["session"], thread_id, todo_id)


def assert_is_owner(url: str, cookie: str, owner: Owner) -> None:
    """Check a cookie reaches the owner's todos and thread."""
    listed = request_with(url, cookie, "GET", "/api/todos").json()["todos"]
    assert [todo["title"] for todo in listed] == ["owner's secret"]
    body = {"type": "threads.get_by_id", "params": {"thread_id": owner.thread_id}}
    assert request_with(url, cookie, "POST", "/chatkit", json=body).status_code == 200


def test_the_genuine_cookie_and_a_correctly_signed_copy_reach_the_owner(
    browser_app: str, owner: Owner
) -> None:
    assert_is_owner(browser_app, owner.cookie, owner)
    # The forging helper makes real cookies when it has the secret, so the forgeries
    # below fail because of what they lack, not because the helper is wrong.
    assert_is_owner(browser_app, sign({"id": cookie_id(owner.cookie)}, SECRET), owner)


@pytest.mark.parametrize("kind", list(forgeries(sign({"id": "x" * 36}, SECRET))))
def test_a_forged_or_tampered_cookie_gets_a_fresh_empty_session(
    browser_app: str, owner: Owner, kind: str
) -> None:
    forged = forgeries(owner.cookie)[kind]

    listed = request_with(browser_app, forged, "GET", "/api/todos")
    assert listed.status_code == 200
    assert listed.json()["todos"] == []
    fresh = listed.cookies["session"]
    assert cookie_id(fresh) != cookie_id(owner.cookie)

    for path, body in (
        ("/chatkit", {"type": "threads.list", "params": {}}),
        ("/chatkit", {"type": "threads.get_by_id", "params": {"thread_id": owner.thread_id}}),
    ):
        response = request_with(browser_app, forged, "POST", path, json=body)
        assert response.status_code in (200, 404)
        assert "owner's secret" not in response.text
        assert response.json().get("data", []) == []
    patched = request_with(
        browser_app, forged, "PATCH", f"/api/todos/{owner.todo_id}", json={"completed": True}
    )
    assert patched.status_code == 404

    # The fresh session is a real one: it keeps what is written with it, apart from the owner.
    with httpx.Client(base_url=browser_app, timeout=30) as client:
        client.cookies.set("session", fresh)
        add_todos(client, "newcomer's task")
        assert [t["title"] for t in client.get("/api/todos").json()["todos"]] == ["newcomer's task"]
    assert_is_owner(browser_app, owner.cookie, owner)


def test_a_cookie_is_good_for_a_year_of_absence_and_refused_after(
    browser_app: str, owner: Owner
) -> None:
    owner_id = {"id": cookie_id(owner.cookie)}
    # Starlette's default (14 days) silently took every chat from a browser away for a fortnight.
    away_a_month = sign(owner_id, SECRET, time.time() - 30 * DAY)
    assert_is_owner(browser_app, away_a_month, owner)

    stale = sign(owner_id, SECRET, time.time() - 366 * DAY)
    listed = request_with(browser_app, stale, "GET", "/api/todos")

    assert listed.json()["todos"] == []
    assert cookie_id(listed.cookies["session"]) != cookie_id(owner.cookie)


def test_an_active_browser_gets_its_cookie_renewed_once_a_day(
    browser_app: str, owner: Owner
) -> None:
    signed_two_days_ago = sign(
        {"id": cookie_id(owner.cookie), "renewed": int(time.time() - 2 * DAY)},
        SECRET,
        time.time() - 2 * DAY,
    )
    renewed = request_with(browser_app, signed_two_days_ago, "GET", "/api/todos")
    fresh = renewed.cookies["session"]
    assert cookie_id(fresh) == cookie_id(owner.cookie), "the same browser, not a new one"
    assert TimestampSigner(SECRET).unsign(fresh, max_age=60), "signed just now"

    again = request_with(browser_app, fresh, "GET", "/api/todos")
    assert "set-cookie" not in again.headers, "no new cookie within the day"


def test_the_session_cookie_is_httponly_lax_a_year_long_and_secure_behind_https(
    browser_app: str,
) -> None:
    plain = httpx.get(f"{browser_app}/api/todos").headers["set-cookie"].lower()
    assert "httponly" in plain
    assert "samesite=lax" in plain
    assert f"max-age={365 * DAY}" in plain
    assert "secure" not in plain, "a cookie marked Secure would never come back over plain HTTP"

    behind_tls = httpx.get(f"{browser_app}/api/todos", headers={"X-Forwarded-Proto": "https"})
    assert "secure" in behind_tls.headers["set-cookie"].lower().split("; ")


# -- the page with a tampered cookie --------------------------------------------------


def use_cookie(user: User, value: str, domain: str) -> None:
    """Make a simulated browser send this session cookie."""
    user.http_client.cookies.clear()
    user.http_client.cookies.set("session", value, domain=domain)


async def test_a_tampered_cookie_opens_an_empty_chat_page(
    user: User, create_user: Callable[[], User]
) -> None:
    await user.open("/")
    user.find(marker="composer").type("Add owner's secret plan")
    user.find(marker="send").click()
    await user.should_see(marker="todo-card")  # a turn takes seconds when busy
    (genuine,) = user.http_client.cookies.jar
    assert genuine.value is not None

    twin = create_user()
    use_cookie(twin, genuine.value, genuine.domain)
    await twin.open("/")
    await twin.should_see(kind=ui.item_label, content="Add owner's secret plan")

    payload, timestamp, signature = genuine.value.split(".")
    for forged in (f"{payload}.{timestamp}.{flip(signature, 3)}", sign({"id": "x"}, "guess")):
        stranger = create_user()
        use_cookie(stranger, forged, genuine.domain)
        await stranger.open("/")
        await stranger.should_see("No chats yet")
        await stranger.should_not_see("owner's secret plan")
        await stranger.should_not_see(marker="todo-card")
        assert stranger.http_client.cookies["session"] != forged, "a new session was issued"


# -- Azure Container Apps authentication --------------------------------------------


@pytest.fixture(scope="module")
def easyauth_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app behind (simulated) Azure easy auth."""
    data: Path = tmp_path_factory.mktemp("easyauth") / "data"
    with running_app(data, AUTH_MODE="easyauth", STORAGE_SECRET=SECRET) as url:
        yield url


ANONYMOUS_REQUESTS = [
    ("GET", "/api/todos", None),
    ("POST", "/api/todos", {"titles": ["sneaky"]}),
    ("PATCH", "/api/todos/todo_000000", {"completed": True}),
    ("DELETE", "/api/todos/todo_000000", None),
    ("POST", "/chatkit", {"type": "threads.list", "params": {}}),
    ("POST", "/chatkit", {"type": "threads.create", "params": {"input": user_input("hi")}}),
    ("POST", "/chatkit", {"type": "threads.get_by_id", "params": {"thread_id": "thr_x"}}),
]


@pytest.mark.parametrize(
    "headers",
    [{}, {PRINCIPAL: ""}, {"X-MS-CLIENT-PRINCIPAL-NAME": "ann@example.com"}],
    ids=["no header", "empty principal", "only a name"],
)
@pytest.mark.parametrize(("method", "path", "body"), ANONYMOUS_REQUESTS)
def test_easyauth_refuses_requests_without_a_principal(
    easyauth_app: str, headers: dict[str, str], method: str, path: str, body: object
) -> None:
    # A signed browser session is no identity in this mode.
    headers = {**headers, "cookie": f"session={sign({'id': 'browser-1'}, SECRET)}"}

    response = httpx.request(method, f"{easyauth_app}{path}", json=body, headers=headers)

    assert response.status_code == 401, response.text
    assert "Not signed in" in response.json()["error"]


def test_easyauth_page_asks_to_sign_in_without_a_principal(easyauth_app: str) -> None:
    anonymous = httpx.get(f"{easyauth_app}/", timeout=30)
    assert anonymous.status_code == 200
    assert "Sign in to use this app." in anonymous.text

    signed_in = httpx.get(f"{easyauth_app}/", headers={PRINCIPAL: "ann-123"}, timeout=30)
    assert "Sign in to use this app." not in signed_in.text


def test_easyauth_principal_is_one_user_everywhere_and_no_one_else(easyauth_app: str) -> None:
    ann, ben = {PRINCIPAL: "ann-123"}, {PRINCIPAL: "ben-456"}
    with (
        httpx.Client(base_url=easyauth_app, headers=ann, timeout=30) as as_ann,
        httpx.Client(base_url=easyauth_app, headers=ben, timeout=30) as as_ben,
        httpx.Client(base_url=easyauth_app, headers={PRINCIPAL: "../ann-123"}) as lookalike,
    ):
        thread_id, _ = start_thread(as_ann, "Add ann's task")
        assert [t["title"] for t in as_ann.get("/api/todos").json()["todos"]] == ["ann's task"]
        assert call(as_ann, "threads.get_by_id", thread_id=thread_id).status_code == 200

        for other in (as_ben, lookalike):
            assert other.get("/api/todos").json()["todos"] == []
            assert call(other, "threads.get_by_id", thread_id=thread_id).status_code == 404
            assert call(other, "threads.list").json()["data"] == []
