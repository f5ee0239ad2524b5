"""Run `python app.py` as a real process on 127.0.0.1 for HTTP tests."""

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from chatkit_bridge.startup import STARTING
from tests.polling import STARTUP_PATIENCE, wait_for

ROOT = Path(__file__).resolve().parents[1]
#: Seconds a stopped process gets to shut down gracefully before it is killed.
STOP_PATIENCE = 15.0


def free_port() -> int:
    """Ask the OS for a port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(data: Path, **env: str) -> Iterator[str]:
    """Start the app on a free port with the given settings; yield its base URL."""
    with app_process(data, **env) as (base_url, _):
        yield base_url


@contextmanager
def app_process(data: Path, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start the app; yield its base URL and the process, whose log is `app-<port>.log`."""
    port = free_port()
    settings = {
        "APP_HOST": "127.0.0.1",
        "APP_PORT": str(port),
        "DATA_STORE_PATH": str(data),
        "LLM_PROVIDER": "offline",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    log = (data.parent / f"app-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        cwd=data.parent,
        env={**app_environment(), **settings},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, process)
        yield base_url, process
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen[Any]) -> None:
    """End a process started for a test: ask it to stop, kill it if it takes too long, reap it.

    The tests are done with it, so a kill loses nothing they check; a process killed but not
    waited for would stay behind as a zombie.
    """
    process.terminate()
    try:
        process.wait(timeout=STOP_PATIENCE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def app_environment() -> dict[str, str]:
    """Return this environment without pytest's variables, which NiceGUI reads as test mode."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST_", "NICEGUI_"))
    }


def loaded(base_url: str) -> bool:
    """Whether the app answers /healthz and has loaded its chat (see chatkit_bridge/startup.py).

    It listens before it has loaded the chat; meanwhile /chatkit and the API wait (pages are
    served and say the assistant is starting), and /readyz answers 503 with the reason STARTING.
    Tests start once that is over.
    """
    try:
        if httpx.get(f"{base_url}/healthz", timeout=5).status_code != 200:
            return False
        ready = httpx.get(f"{base_url}/readyz", timeout=30)
    except httpx.HTTPError:
        return False
    return not (ready.status_code == 503 and ready.json().get("reason") == STARTING)


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes]) -> None:
    """Poll until the app answers and has loaded, or fail with its exit code."""

    def healthy() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"app.py exited with {process.returncode}")
        return loaded(base_url)

    try:
        wait_for(healthy, timeout=STARTUP_PATIENCE, what="app.py answering and loaded")
    except AssertionError as error:
        raise RuntimeError(str(error)) from None
