"""Faults from outside, seen over real HTTP: a failing model service and a failing disk."""

import errno
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from chatkit_bridge.model_input import STATE_HEADING
from tests.app_process import running_app
from tests.fake_openai import BreakStream, CallTool, Fail, FakeOpenAI, Hang, Say, Step
from tests.polling import wait_for
from tests.wire import (
    Event,
    add_todos,
    assert_no_traceback,
    assistant_texts,
    call,
    done_items,
    errors_in,
    events_of,
    file_hashes,
    folder_of,
    list_cards,
    remount,
    say,
    start_thread,
    stream,
    thread_items,
    tmpfs,
    todos,
    user_input,
)

SECRET = "faults-secret-at-least-32-characters"
BROKEN_ARGUMENTS = CallTool("add_todos", '{"titles": ["broken')


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    """Run the scripted model server for the whole module."""
    with FakeOpenAI().running() as server:
        yield server


@pytest.fixture(scope="module")
def model_app(fake: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve `python app.py` on the scripted model, without retries and with a 2 s timeout."""
    data = tmp_path_factory.mktemp("model-faults") / "data"
    with running_app(
        data,
        LLM_PROVIDER="openai",
        OPENAI_BASE_URL=fake.base_url,
        LLM_CONTEXT_TOKENS="128000",  # the fake stands in for a large model: no budget trims
        LLM_MAX_RETRIES="0",
        LLM_TIMEOUT_SECONDS="2",
        STORAGE_SECRET=SECRET,
    ) as url:
        yield url


@pytest.fixture
def model(fake: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """Start each test with an empty script whose default answer is plain text."""
    fake.script, fake.default = [], Say("ok")
    yield fake
    fake.script, fake.default = [], Say("ok")


@pytest.fixture
def alice(model_app: str) -> Iterator[httpx.Client]:
    """A browser session of its own."""
    with httpx.Client(base_url=model_app, timeout=30) as client:
        yield client


@pytest.fixture
def bob(model_app: str) -> Iterator[httpx.Client]:
    """Another browser session."""
    with httpx.Client(base_url=model_app, timeout=30) as client:
        yield client


def assert_one_clear_error(events: list[Event], message: str) -> None:
    """Check a stream ends in exactly one retryable error that explains itself."""
    (error,) = errors_in(events)
    assert message in (error["message"] or ""), error
    assert error["allow_retry"] is True


def assert_retry_recovers(client: httpx.Client, model: FakeOpenAI, thread_id: str) -> None:
    """Retry after the thread's user message and check the new answer replaces the failure."""
    items = thread_items(client, thread_id)
    assert [item["type"] for item in items] == ["user_message"], "no half answer is kept"
    model.script = [Say("Recovered.")]
    retried = stream(
        client, "threads.retry_after_item", thread_id=thread_id, item_id=items[0]["id"]
    )
    assert not errors_in(retried)
    after = thread_items(client, thread_id)
    assert [item["id"] for item in after][:1] == [items[0]["id"]]
    assert assistant_texts(after) == ["Recovered."]


def assert_serves_another_user(client: httpx.Client, model: FakeOpenAI) -> None:
    """Check a different browser can still chat and read its todos."""
    model.script = [Say("Hello Bob.")]
    _, events = start_thread(client, "hi")
    assert not errors_in(events)
    assert assistant_texts(done_items(events, "assistant_message")) == ["Hello Bob."]
    assert todos(client) == []


# -- model faults ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "insists", "message"),
    [
        pytest.param(
            [Fail(500)], None, "The model service failed (HTTP 500); try again", id="http-500"
        ),
        pytest.param(
            [Fail(429, {"Retry-After": "1"})],
            None,
            "The model service is rate limited; try again in a moment.",
            id="http-429-retry-after",
        ),
        pytest.param(
            [BreakStream("Half a sen")],
            None,
            "The model service dropped the connection mid-answer; try again.",
            id="stream-breaks-halfway",
        ),
        pytest.param(
            [CallTool("launch_rockets", "{}")],
            None,
            "The model gave an answer that could not be used; try again.",
            id="unknown-tool",
        ),
        pytest.param(
            [],
            BROKEN_ARGUMENTS,
            "The model gave an answer that could not be used; try again.",
            id="tool-arguments-never-valid-json",
        ),
    ],
)
def test_a_model_fault_is_a_clear_error_that_retry_recovers_from(
    alice: httpx.Client,
    bob: httpx.Client,
    model: FakeOpenAI,
    steps: list[Step],
    insists: Step | None,
    message: str,
) -> None:
    add_todos(alice, "keep me")
    model.script = list(steps)
    model.default = insists or Say("unused")

    thread_id, events = start_thread(alice, "Add buy milk and walk the dog")

    assert_one_clear_error(events, message)
    assert todos(alice) == [("keep me", False)]
    model.default = Say("ok")
    assert_serves_another_user(bob, model)
    assert_retry_recovers(alice, model, thread_id)
    assert todos(alice) == [("keep me", False)]


def test_a_hanging_model_times_out_while_another_user_is_served(
    alice: httpx.Client, bob: httpx.Client, model: FakeOpenAI
) -> None:
    add_todos(alice, "keep me")
    model.script = [Hang(5)]
    asked = len(model.requests)
    with ThreadPoolExecutor(max_workers=1) as pool:
        hanging = pool.submit(start_thread, alice, "Add buy milk")
        wait_for(lambda: len(model.requests) > asked)

        assert_serves_another_user(bob, model)
        assert add_todos(bob, "bob's task")
        assert not hanging.done(), "Bob was answered while Alice's reply still waited"

        thread_id, events = hanging.result(timeout=30)

    assert_one_clear_error(events, "The model took too long to answer; try again in a moment.")
    assert todos(alice) == [("keep me", False)]
    assert todos(bob) == [("bob's task", False)]
    assert_retry_recovers(alice, model, thread_id)


def test_a_failure_after_a_tool_ran_keeps_the_change_and_says_so(
    alice: httpx.Client, model: FakeOpenAI
) -> None:
    model.script = [CallTool("add_todos", '{"titles": ["buy milk"]}'), Fail(503)]
    thread_id, events = start_thread(alice, "Add buy milk")

    assert_one_clear_error(events, "The model service failed (HTTP 503)")
    # The tool ran before the model failed: the todo exists and the card shows it.
    assert todos(alice) == [("buy milk", False)]
    assert done_items(events, "widget"), "the card of the change that happened is shown"
    assert "buy milk" in str(thread_items(alice, thread_id))


def test_retry_after_a_failure_that_followed_a_tool_tells_the_model_what_already_happened(
    alice: httpx.Client, model: FakeOpenAI
) -> None:
    model.script = [CallTool("add_todos", '{"titles": ["buy milk"]}'), Fail(503)]
    thread_id, _ = start_thread(alice, "Add buy milk")
    (message,) = [i["id"] for i in thread_items(alice, thread_id) if i["type"] == "user_message"]
    asked = len(model.requests)

    model.script = [Say("Done.")]
    stream(alice, "threads.retry_after_item", thread_id=thread_id, item_id=message)

    assert todos(alice) == [("buy milk", False)]
    retry_prompt = model.requests[asked].body["messages"]
    # The app's current state follows the history, after what the user typed.
    state = retry_prompt[-1]["content"][-1]["text"]
    assert STATE_HEADING in state and "buy milk" in state, "the model hears it was added"


# -- storage faults --------------------------------------------------------------------


def assert_storage_refusal(response: httpx.Response) -> None:
    """Check a write the disk refused is a clear JSON error, not a crash page."""
    assert response.status_code == 503, response.text
    assert_no_traceback(response)
    message = response.json()["error"]
    assert "could not be read or saved" in message
    assert "/users/" not in message, "no server paths reach the client"


def assert_chat_refusal(response: httpx.Response) -> None:
    """Check a chat turn the disk refused: a 503 before the stream, or an error event in it."""
    if response.status_code != 200:
        assert_storage_refusal(response)
        return
    (error,) = errors_in(events_of(response))
    assert "could not be read or saved" in (error["message"] or ""), error
    assert error["allow_retry"] is True


def message_to(thread_id: str, text: str) -> dict[str, object]:
    """Build the request that adds a user message to a thread."""
    params = {"thread_id": thread_id, "input": user_input(text)}
    return {"type": "threads.add_user_message", "params": params}


def new_thread(text: str) -> dict[str, object]:
    """Build the request that starts a thread."""
    return {"type": "threads.create", "params": {"input": user_input(text)}}


@pytest.fixture
def clients() -> Iterator[Callable[..., httpx.Client]]:
    """Open browser sessions against an app and close them after the test."""
    opened: list[httpx.Client] = []

    def open_client(url: str, cookies: httpx.Cookies | None = None) -> httpx.Client:
        client = httpx.Client(base_url=url, timeout=30, cookies=cookies)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()


def test_a_read_only_data_folder_refuses_writes_clearly_and_keeps_data(
    tmp_path: Path, clients: Callable[..., httpx.Client]
) -> None:
    with (
        tmpfs(tmp_path / "data", "16m") as data,
        running_app(data, STORAGE_SECRET=SECRET) as url,
    ):
        alice, bob = clients(url), clients(url)
        thread_id, events = start_thread(alice, "Add buy milk")
        (card,) = list_cards(events)
        (todo_id,) = [t["id"] for t in alice.get("/api/todos").json()["todos"]]
        items_before = thread_items(alice, thread_id)
        files_before = file_hashes(data)

        remount(data, "ro")
        try:
            for response in (
                alice.post("/api/todos", json={"titles": ["eggs"]}),
                alice.patch(f"/api/todos/{todo_id}", json={"completed": True}),
                alice.delete(f"/api/todos/{todo_id}"),
                call(alice, "threads.update", thread_id=thread_id, title="Groceries"),
                call(alice, "threads.delete", thread_id=thread_id),
            ):
                assert_storage_refusal(response)
            assert_chat_refusal(alice.post("/chatkit", json=message_to(thread_id, "Add eggs")))
            assert_chat_refusal(bob.post("/chatkit", json=new_thread("Add tea")))
            toggled = stream(
                alice,
                "threads.custom_action",
                thread_id=thread_id,
                item_id=card["id"],
                action={"type": "todo.toggle", "payload": {"id": todo_id}},
            )
            # A click the disk refused ends in an error event; it carries no message yet
            # (the SDK turns the storage error inside the action into a bare stream.error).
            assert errors_in(toggled)

            assert todos(alice) == [("buy milk", False)]
            assert thread_items(alice, thread_id) == items_before
            assert todos(bob) == []
            assert call(bob, "threads.list").json()["data"] == []
            assert bob.get("/").status_code == 200
            assert alice.get("/readyz").status_code == 503
            assert file_hashes(data) == files_before
        finally:
            remount(data, "rw")

        add_todos(alice, "eggs")
        assert todos(alice) == [("buy milk", False), ("eggs", False)]
        assert not errors_in(say(alice, thread_id, "Add bread"))
        assert todos(alice)[-1] == ("bread", False)
        ids_before = [item["id"] for item in items_before]
        ids_after = [item["id"] for item in thread_items(alice, thread_id)]
        assert ids_after[: len(ids_before)] == ids_before


def fill(path: Path) -> None:
    """Write to a file until the disk under it is full."""
    chunk = b"\0" * 65536
    with path.open("wb", buffering=0) as handle:
        while chunk:
            try:
                handle.write(chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
                chunk = chunk[: len(chunk) // 2]


def test_a_full_disk_refuses_writes_and_keeps_serving_reads(
    tmp_path: Path, clients: Callable[..., httpx.Client]
) -> None:
    with (
        tmpfs(tmp_path / "data", "2m") as data,
        running_app(data, STORAGE_SECRET=SECRET) as url,
    ):
        alice, bob = clients(url), clients(url)
        thread_id, _ = start_thread(alice, "Add buy milk")
        (todo_id,) = [t["id"] for t in alice.get("/api/todos").json()["todos"]]
        items_before = thread_items(alice, thread_id)
        filler = data / "filler"

        fill(filler)
        try:
            assert_storage_refusal(alice.post("/api/todos", json={"titles": ["eggs"]}))
            assert_storage_refusal(alice.patch(f"/api/todos/{todo_id}", json={"title": "oat milk"}))
            # A new chat needs new file space (a message to this chat may still fit in the disk
            # block its log already holds, and then it is kept like any other).
            assert_chat_refusal(alice.post("/chatkit", json=new_thread("Add eggs")))

            assert todos(alice) == [("buy milk", False)]
            assert thread_items(alice, thread_id) == items_before
            assert [t["id"] for t in call(alice, "threads.list").json()["data"]] == [thread_id]
            assert alice.get("/").status_code == 200
            assert todos(bob) == []
            assert bob.get("/").status_code == 200
        finally:
            filler.unlink()

        add_todos(alice, "eggs")
        assert todos(alice) == [("buy milk", False), ("eggs", False)]
        assert not [p for p in data.rglob("*.tmp")], "no temporary files are left behind"


def test_a_user_folder_replaced_by_a_file_fails_clearly_for_that_user_only(
    tmp_path: Path, clients: Callable[..., httpx.Client]
) -> None:
    data = tmp_path / "data"
    with running_app(data, STORAGE_SECRET=SECRET) as url:
        alice, bob = clients(url), clients(url)
        thread_id, _ = start_thread(alice, "Add buy milk")
        add_todos(bob, "bob's task")
        folder = folder_of(alice, data)
        aside = folder.with_name(folder.name + ".moved")
        folder.rename(aside)
        folder.write_text("not a folder")
        try:
            assert_storage_refusal(alice.post("/api/todos", json={"titles": ["eggs"]}))
            assert_storage_refusal(call(alice, "threads.update", thread_id=thread_id, title="x"))
            assert_chat_refusal(alice.post("/chatkit", json=message_to(thread_id, "Add eggs")))
            assert_chat_refusal(alice.post("/chatkit", json=new_thread("Add tea")))

            add_todos(bob, "bob's second task")
            assert todos(bob) == [("bob's task", False), ("bob's second task", False)]
            assert not errors_in(start_thread(bob, "Add call mom")[1])
        finally:
            folder.unlink()
            aside.rename(folder)

        assert todos(alice) == [("buy milk", False)]
        add_todos(alice, "eggs")
        assert todos(alice) == [("buy milk", False), ("eggs", False)]


def test_a_corrupt_user_file_is_set_aside_logged_and_others_unaffected(
    tmp_path: Path, clients: Callable[..., httpx.Client]
) -> None:
    data = tmp_path / "data"
    with running_app(data, STORAGE_SECRET=SECRET) as url:
        alice, bob = clients(url), clients(url)
        start_thread(alice, "Add buy milk")
        bob_thread, _ = start_thread(bob, "Add call mom")
        bob_items = thread_items(bob, bob_thread)
        alice_folder, bob_folder = folder_of(alice, data), folder_of(bob, data)
    bob_files = file_hashes(bob_folder)
    broken = {
        alice_folder / "todos" / "000000.json": b'{"todos": {"1": {"id": "todo_1", "tit',
        alice_folder / "threads.json": b"\xff\xfe not even text",
    }
    for path, content in broken.items():
        path.write_bytes(content)

    with running_app(data, STORAGE_SECRET=SECRET) as url:
        alice, bob = clients(url, alice.cookies), clients(url, bob.cookies)
        assert todos(alice) == []
        assert call(alice, "threads.list").json()["data"] == []
        assert todos(bob) == [("call mom", False)]
        assert thread_items(bob, bob_thread) == bob_items
        add_todos(alice, "start again")
        assert todos(alice) == [("start again", False)]
        port = url.rsplit(":", 1)[1]

    log = (data.parent / f"app-{port}.log").read_text()
    for path, content in broken.items():
        (aside,) = path.parent.glob(f"{path.name}.corrupt-*")
        assert aside.read_bytes() == content, "the unreadable file is kept for recovery"
        assert f"Unreadable data file {path}" in log
    assert file_hashes(bob_folder) == bob_files
