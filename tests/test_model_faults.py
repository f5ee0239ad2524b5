"""A failing model service over real HTTP: clear errors, retries that recover, others served."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from chatkit_bridge.model_input import STATE_HEADING
from tests.app_process import running_app
from tests.fake_openai import (
    GATE_PATIENCE,
    BreakStream,
    CallTool,
    Fail,
    FakeOpenAI,
    Hang,
    Say,
    Step,
)
from tests.polling import wait_for
from tests.wire import (
    Event,
    add_todos,
    assistant_texts,
    done_items,
    errors_in,
    start_thread,
    stream,
    thread_items,
    todos,
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
    """Serve `python app.py` on the scripted model, without retries and with a 10 s timeout.

    Every model call of the module has this limit, and Bob must be served within it while
    Alice's call hangs: 10 s holds on a busy machine (2 s did not leave enough room).
    """
    data = tmp_path_factory.mktemp("model-faults") / "data"
    with running_app(
        data,
        LLM_PROVIDER="openai",
        OPENAI_BASE_URL=fake.base_url,
        LLM_CONTEXT_TOKENS="128000",  # the fake stands in for a large model: no budget trims
        LLM_MAX_RETRIES="0",
        LLM_TIMEOUT_SECONDS="10",
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
    model.script = [Hang(GATE_PATIENCE)]  # past the app's timeout, until the server stops
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
