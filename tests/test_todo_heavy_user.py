"""A user with 10,000 todos against the real `python app.py`: bounded answers, clear limits,
and everybody else still served while that user works.

Latency figures live in bench/heavy_user.py; this suite checks what a user would notice.
"""

import json
import threading
from collections.abc import Iterator

import httpx
import pytest

from tests.app_process import running_app
from tests.wire import errors_in, list_cards, stream, user_input
from use_cases.todo.data import TodoRepository
from use_cases.todo.widgets import CARD_ROWS

HEAVY = {"X-MS-CLIENT-PRINCIPAL-ID": "heavy-user"}
LIGHT = {"X-MS-CLIENT-PRINCIPAL-ID": "light-user"}
MANY = 10_000


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a data folder where one user already has 10,000 todos (the default limit)."""
    data = tmp_path_factory.mktemp("heavy") / "data"
    TodoRepository(data).add("aad:heavy-user", [f"chore {n}" for n in range(MANY)])
    with running_app(data, AUTH_MODE="easyauth", TODO_MAX_TITLE_LENGTH="200") as url:
        yield url


@pytest.fixture
def heavy(app: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=app, headers=HEAVY, timeout=60) as client:
        yield client


@pytest.fixture
def light(app: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=app, headers=LIGHT, timeout=60) as client:
        yield client


def test_the_api_pages_through_every_todo_once(heavy: httpx.Client) -> None:
    first = heavy.get("/api/todos").json()
    assert len(first["todos"]) == 500 and first["total"] == MANY and first["next"]
    seen = [todo["id"] for todo in first["todos"]]
    cursor = first["next"]
    while cursor:
        page = heavy.get("/api/todos", params={"after": cursor, "limit": 1000})
        assert page.status_code == 200, page.text
        seen += [todo["id"] for todo in page.json()["todos"]]
        cursor = page.json()["next"]
    assert len(seen) == len(set(seen)) == MANY
    assert heavy.get("/api/todos", params={"limit": 1001}).status_code == 422
    bad = heavy.get("/api/todos", params={"after": "not-a-cursor"})
    assert bad.status_code == 400 and "cursor" in bad.json()["error"]


def test_show_my_todos_streams_a_bounded_card(heavy: httpx.Client) -> None:
    events = stream(heavy, "threads.create", input=user_input("show my todos"))
    assert not errors_in(events)
    (card,) = list_cards(events)
    text = json.dumps(card)
    assert text.count('"type": "Checkbox"') == CARD_ROWS
    assert f"and {MANY - CARD_ROWS} more" in text and f"{MANY} pending" in text
    # The whole answer stays small however long the list is (it was 9.7 MB).
    assert len(json.dumps(events)) < 100_000


def test_the_page_opens_and_a_tick_is_answered(heavy: httpx.Client) -> None:
    page = heavy.get("/")
    assert page.status_code == 200 and "<html" in page.text
    todo = heavy.get("/api/todos", params={"limit": 1}).json()["todos"][0]
    ticked = heavy.patch(f"/api/todos/{todo['id']}", json={"completed": True})
    assert ticked.status_code == 200 and ticked.json()["todo"]["completed"] is True
    assert heavy.get("/api/todos", params={"limit": 1}).json()["done"] >= 1


def test_limits_are_refused_with_the_setting_named(
    heavy: httpx.Client, light: httpx.Client
) -> None:
    full = heavy.post("/api/todos", json={"titles": ["one more"]})
    assert full.status_code == 409 and "TODO_MAX_PER_USER" in full.json()["error"]
    events = stream(heavy, "threads.create", input=user_input("add one more thing"))
    assert "TODO_MAX_PER_USER" in json.dumps(events)
    assert heavy.get("/api/todos", params={"limit": 1}).json()["total"] == MANY

    long = light.post("/api/todos", json={"titles": ["x" * 201]})
    assert long.status_code == 400 and "TODO_MAX_TITLE_LENGTH" in long.json()["error"]
    assert light.get("/api/todos").json()["todos"] == []


def test_another_user_is_served_while_the_heavy_user_works(
    heavy: httpx.Client, light: httpx.Client
) -> None:
    failures: list[str] = []
    stop = threading.Event()

    def work() -> None:
        # Page loads, "show my todos" and ticks, over and over, until the other user is done.
        todo_id = heavy.get("/api/todos", params={"limit": 1}).json()["todos"][0]["id"]
        thread = None
        while not stop.is_set():
            if heavy.get("/").status_code != 200:
                failures.append("page")
            if thread is None:
                events = stream(heavy, "threads.create", input=user_input("show my todos"))
                thread = next(e["thread"]["id"] for e in events if e["type"] == "thread.created")
            else:
                events = stream(
                    heavy,
                    "threads.add_user_message",
                    thread_id=thread,
                    input=user_input("show my todos"),
                )
            if errors_in(events):
                failures.append("show my todos")
            for done in (True, False):
                tick = heavy.patch(f"/api/todos/{todo_id}", json={"completed": done})
                if tick.status_code != 200:
                    failures.append(f"tick {tick.status_code}")

    worker = threading.Thread(target=work)
    worker.start()
    try:
        for n in range(3):
            assert light.get("/healthz").status_code == 200
            events = stream(light, "threads.create", input=user_input(f"add light task {n}"))
            assert not errors_in(events)
    finally:
        stop.set()
        worker.join(timeout=120)
    assert not worker.is_alive() and failures == []
    titles = [todo["title"] for todo in light.get("/api/todos").json()["todos"]]
    assert titles == ["light task 0", "light task 1", "light task 2"]
