"""The Dockerfile: what it declares, and its CMD serving from an image replayed without Docker."""

import re
import shlex
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from chatkit_bridge.settings import Settings
from tests.app_process import free_port, stop, wait_until_healthy
from tests.docker_replay import (
    DOCKERFILE,
    SKIPPED,
    Instruction,
    Replay,
    exec_form,
    parse_dockerfile,
    parse_healthcheck,
    read_dockerignore,
    replay,
    split_run,
)

# The first test here pays the replay: `pip install` into a fresh venv, minutes on a busy machine.
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def instructions() -> list[Instruction]:
    """The Dockerfile, parsed."""
    return parse_dockerfile(DOCKERFILE)


@pytest.fixture(scope="module")
def image(instructions: list[Instruction], tmp_path_factory: pytest.TempPathFactory) -> Replay:
    """Replay the Dockerfile once for the module (slow: pip installs into a fresh venv)."""
    replayed = replay(instructions, tmp_path_factory.mktemp("docker"))
    print("\nReplayed:", *replayed.ran, "Not run here:", *replayed.skipped, sep="\n  ")
    return replayed


def keywords(instructions: list[Instruction]) -> list[str]:
    """The instruction keywords in order."""
    return [instruction.keyword for instruction in instructions]


def index_of(instructions: list[Instruction], keyword: str, args: str = "") -> int:
    """Position of the first instruction with this keyword whose arguments contain `args`."""
    for position, instruction in enumerate(instructions):
        if instruction.keyword == keyword and args in instruction.args:
            return position
    raise AssertionError(f"no {keyword} {args} in the Dockerfile")


def test_base_image_is_python_slim(instructions: list[Instruction]) -> None:
    """Build from one slim official Python image."""
    assert keywords(instructions).count("FROM") == 1
    base = instructions[index_of(instructions, "FROM")].args
    assert re.fullmatch(r"python:3\.\d+-slim(-\w+)?", base), base


def test_requirements_are_installed_before_the_code_is_copied(
    instructions: list[Instruction],
) -> None:
    """Install dependencies in their own layer so code changes reuse it."""
    copy_requirements = index_of(instructions, "COPY", "requirements.txt")
    install = index_of(instructions, "RUN", "-r requirements.txt")
    copy_code = next(
        position
        for position, instruction in enumerate(instructions)
        if instruction.keyword == "COPY" and shlex.split(instruction.args)[0] == "."
    )
    assert copy_requirements < install < copy_code


def test_runs_as_a_user_who_owns_only_the_data_volume(instructions: list[Instruction]) -> None:
    """Switch to a non-root user before CMD; that user is created and owns the data folder."""
    users = [i for i in instructions if i.keyword == "USER"]
    assert users, "no USER: the app would run as root"
    user = users[-1].args.split(":")[0]
    assert user not in {"root", "0"}
    assert index_of(instructions, "USER") < index_of(instructions, "CMD")
    assert index_of(instructions, "USER") > max(
        position for position, i in enumerate(instructions) if i.keyword in {"RUN", "COPY"}
    ), "RUN/COPY after USER would run as the app user"
    commands = [c for i in instructions if i.keyword == "RUN" for c in split_run(i.args)]
    created = [c for c in commands if c[0] == "useradd"]
    assert created and created[0][-1] == user, f"no `useradd ... {user}`"
    uid = created[0][created[0].index("--uid") + 1]
    assert int(uid) > 0
    data = final_env(instructions)["DATA_STORE_PATH"]
    chowns = [c for c in commands if c[0] == "chown" and data in c]
    assert chowns and chowns[0][-2].split(":")[0] == user, f"{user} must own {data}"


def final_env(instructions: list[Instruction]) -> dict[str, str]:
    """Every ENV of the Dockerfile merged: what the container starts with."""
    return instructions[-1].env


def test_data_lives_in_the_declared_volume(instructions: list[Instruction]) -> None:
    """Point DATA_STORE_PATH at /app/data and declare that folder a VOLUME."""
    volume = instructions[index_of(instructions, "VOLUME")].args
    assert "/app/data" in (exec_form(volume) if volume.startswith("[") else volume.split())
    assert final_env(instructions)["DATA_STORE_PATH"] == "/app/data"


def test_exposes_the_default_port(instructions: list[Instruction]) -> None:
    """EXPOSE the port the app listens on when nothing is configured."""
    default_port = Settings.model_fields["app_port"].default
    exposed = instructions[index_of(instructions, "EXPOSE")].args.split()
    assert exposed == [str(default_port)]
    assert final_env(instructions).get("APP_PORT", str(default_port)) == str(default_port)


def test_healthcheck_and_cmd_use_python_only(instructions: list[Instruction]) -> None:
    """Probe /healthz with Python's urllib (slim has no curl) and start with `python app.py`."""
    _, check = parse_healthcheck(instructions[index_of(instructions, "HEALTHCHECK")].args)
    assert check[:2] == ["python", "-c"] and "/healthz" in check[2] and "urllib" in check[2]
    assert exec_form(instructions[index_of(instructions, "CMD")].args) == ["python", "app.py"]


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        (".git/config", True),
        (".env", True),
        (".venv/bin/python", True),
        (".azure/dev/.env", True),
        ("data/.storage_secret", True),
        ("data/users/ab/todos.json", True),
        ("tests/test_store.py", True),
        ("bench/store.py", True),
        ("docs/DEPLOY.md", True),
        ("chatkit_bridge/__pycache__/store.cpython-311.pyc", True),
        (".pytest_cache/v/cache", True),
        ("infra/main.bicep", True),
        ("app.py", False),
        ("requirements.txt", False),
        ("chatkit_bridge/store.py", False),
        ("use_cases/todo/data.py", False),
        (".env.example", False),
    ],
)
def test_dockerignore_keeps_out_secrets_data_and_dev_files(path: str, ignored: bool) -> None:
    """Leave secrets, data, tests, docs and caches out of the build context; keep the code."""
    assert read_dockerignore().matches(path) is ignored


def test_replay_skips_only_the_root_only_steps(image: Replay) -> None:
    """Run every RUN step except the user and ownership commands listed in SKIPPED."""
    assert image.skipped, "expected the useradd/chown steps to be listed as skipped"
    assert all(line.split()[0] in SKIPPED for line in image.skipped)
    assert image.host("/app/data").is_dir(), "the data folder is made in a RUN step"
    assert image.host("/app/app.py").is_file() and not image.host("/app/tests").exists()


@contextmanager
def container(image: Replay, **overrides: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Start the image's CMD in its WORKDIR; yield the base URL and the environment."""
    port = free_port()
    env = image.runtime_env(APP_HOST="127.0.0.1", APP_PORT=str(port), **overrides)
    log_path = image.root.parent / f"container-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            image.argv(image.cmd),
            cwd=image.host("."),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_until_healthy(base_url, process)
            except RuntimeError as error:
                pytest.fail(f"{error}\n{log_path.read_text(encoding='utf-8')[-4000:]}")
            yield base_url, env
        finally:
            stop(process)


def tree(folder: Path, skip: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file under `folder`, leaving out `skip`."""
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file() and skip not in path.parents
    }


def run_healthcheck(image: Replay, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the HEALTHCHECK command as Docker would inside the container."""
    return subprocess.run(
        image.argv(image.healthcheck), env=env, capture_output=True, text=True, timeout=30
    )


def add_todo(client: httpx.Client, text: str) -> None:
    """Ask the assistant (offline model) to add a todo over `POST /chatkit`."""
    body = {
        "type": "threads.create",
        "params": {
            "input": {
                "content": [{"type": "input_text", "text": text}],
                "attachments": [],
                "inference_options": {},
            }
        },
    }
    response = client.post("/chatkit", json=body)
    assert response.status_code == 200, response.text


def test_cmd_serves_with_no_configuration(image: Replay) -> None:
    """Start with only the image's ENV: offline model, data and secret in the volume only."""
    data = image.host(image.env["DATA_STORE_PATH"])
    app_dir = image.host(".")
    before = tree(app_dir, data)
    with container(image) as (base_url, env), httpx.Client(base_url=base_url, timeout=30) as user:
        assert user.get("/healthz").status_code == 200
        ready = user.get("/readyz")
        assert ready.status_code == 200, ready.text
        add_todo(user, "add buy milk")
        titles = [todo["title"] for todo in user.get("/api/todos").json()["todos"]]
        assert any("milk" in title for title in titles), titles
        check = run_healthcheck(image, env)
        assert check.returncode == 0, f"HEALTHCHECK fails against a healthy app: {check.stderr}"
    down = run_healthcheck(image, {**env, "APP_PORT": str(free_port())})
    assert down.returncode != 0, "the HEALTHCHECK command passes with nothing listening"
    # The app user owns only the data folder: the app must not write anywhere else.
    assert tree(app_dir, data) == before
    files = [path for path in data.rglob("*") if path.is_file()]
    assert (data / ".storage_secret").is_file(), "the generated secret belongs in the volume"
    loose = [f"{p.relative_to(data)} {p.stat().st_mode & 0o777:o}" for p in files]
    assert all(p.stat().st_mode & 0o077 == 0 for p in files), loose


def test_cmd_serves_with_the_azure_settings(image: Replay, tmp_path: Path) -> None:
    """Start with the variables infra/ sets on Azure (the endpoint is never called here)."""
    settings = {
        # A closed local port: starting must not need Azure; no chat request is sent.
        "AZURE_OPENAI_ENDPOINT": f"http://127.0.0.1:{free_port()}/",
        "AZURE_OPENAI_DEPLOYMENT": "gpt-4o",
        "AZURE_OPENAI_API_VERSION": "2025-01-01-preview",
        "LLM_PROVIDER": "azure",
        "AUTH_MODE": "easyauth",
        "STORAGE_SECRET": "a-secret-from-container-apps-32-chars-or-more",
        "DATA_STORE_PATH": str(tmp_path / "share"),
    }
    with container(image, **settings) as (base_url, _):
        assert httpx.get(f"{base_url}/healthz", timeout=10).status_code == 200
        ready = httpx.get(f"{base_url}/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
        assert "Azure" in ready.json().get("model", ""), ready.text
    assert not (tmp_path / "share" / ".storage_secret").exists(), "STORAGE_SECRET was ignored"
