"""Time `python app.py` from launch to its first line, /healthz, the first page and readiness.

Run: python bench/startup.py [--runs 3] [--app OTHER/app.py]  (--app: another checkout, e.g. the
commit before a change, to compare in the same minutes)

Each run starts the app on a free port with an empty temporary data folder and the offline
model, reads its output as it comes (unbuffered) and polls GET /healthz every 20 ms; once that
answers 200 it asks for GET / (the chat page, for a new browser) and waits for its answer, then
polls GET /readyz every 20 ms until it answers 200 (the chat stack has loaded: a turn runs at
once). The app serves /healthz first, then the pages, then loads the chat stack
(chatkit_bridge/startup.py): a request for / waits for the pages only. For each step: wall
seconds since launch and the CPU seconds the app had used (user + system, from /proc), which on
a busy machine move far less than wall time; on a quiet machine wall time is about the CPU time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import machine_note
from tests.app_process import ROOT, app_environment, free_port


@dataclass
class Start:
    """What one start took: seconds since launch (wall) and CPU seconds used by then."""

    first_line: float
    line: str
    healthz: float
    healthz_cpu: float
    page: float
    page_cpu: float
    ready: float
    ready_cpu: float


def one_start(app: Path) -> Start:
    """Start the app once and time its first line, /healthz and the first page."""
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {
            **app_environment(),
            "APP_HOST": "127.0.0.1",
            "APP_PORT": str(port),
            "DATA_STORE_PATH": str(Path(folder) / "data"),
            "LLM_PROVIDER": "offline",
            "STORAGE_SECRET": "startup-bench-secret-0123456789-0123456789-0123",
            "PYTHONUNBUFFERED": "1",
        }
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(app)],
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        first: list[tuple[float, str]] = []

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                if not first:
                    first.append((time.perf_counter() - started, line.decode().strip()))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        base = f"http://127.0.0.1:{port}"
        try:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"app.py exited with {process.returncode}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.02)
            healthz, healthz_cpu = time.perf_counter() - started, cpu_seconds(process.pid)
            page = httpx.get(f"{base}/", timeout=300)
            if page.status_code != 200:
                raise RuntimeError(f"GET / answered {page.status_code}")
            loaded, loaded_cpu = time.perf_counter() - started, cpu_seconds(process.pid)
            while httpx.get(f"{base}/readyz", timeout=300).status_code != 200:
                time.sleep(0.02)
            ready, ready_cpu = time.perf_counter() - started, cpu_seconds(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
            reader.join(timeout=5)
        line_at, line = first[0] if first else (float("nan"), "")
        return Start(line_at, line, healthz, healthz_cpu, loaded, loaded_cpu, ready, ready_cpu)


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    """Start the app several times and print each run and the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--app", type=Path, default=ROOT / "app.py", help="the app.py to start")
    args = parser.parse_args()
    print(f"machine: {machine_note()}; app: {args.app}")
    starts = []
    for run in range(args.runs):
        start = one_start(args.app.resolve())
        starts.append(start)
        print(
            f"run {run + 1}: first line {start.first_line:.2f} s ({start.line[:30]!r}), "
            f"/healthz {start.healthz:.2f} s (CPU {start.healthz_cpu:.2f} s), "
            f"/ {start.page:.2f} s (CPU {start.page_cpu:.2f} s), "
            f"ready {start.ready:.2f} s (CPU {start.ready_cpu:.2f} s)"
        )

    def median(field: str) -> float:
        return statistics.median(getattr(start, field) for start in starts)

    print(
        f"median: first line {median('first_line'):.2f} s, /healthz {median('healthz'):.2f} s "
        f"(CPU {median('healthz_cpu'):.2f} s), / {median('page'):.2f} s "
        f"(CPU {median('page_cpu'):.2f} s), ready {median('ready'):.2f} s "
        f"(CPU {median('ready_cpu'):.2f} s); target: first page < 3 s on a quiet machine"
    )


if __name__ == "__main__":
    main()
