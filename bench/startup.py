"""Time `python app.py` from launch to its first output line and to answering /healthz.

Run: python bench/startup.py [--runs 3]

Each run starts the app on a free port with an empty temporary data folder and the offline
model, reads its output as it comes (unbuffered) and polls GET /healthz every 20 ms.
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
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import machine_note
from tests.app_process import ROOT, app_environment, free_port


def one_start() -> tuple[float, float, float, str]:
    """Start the app once; return seconds to its first line and to /healthz 200, the CPU
    seconds it used until then (about the wall time on a quiet machine), and the first line."""
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
            [sys.executable, str(ROOT / "app.py")],
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
        try:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"app.py exited with {process.returncode}")
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.02)
            ready = time.perf_counter() - started
            cpu = cpu_seconds(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
            reader.join(timeout=5)
        return (first[0][0] if first else float("nan")), ready, cpu, (first[0][1] if first else "")


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    """Start the app several times and print each run and the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine_note()}")
    firsts, readies, cpus = [], [], []
    for run in range(args.runs):
        first, ready, cpu, line = one_start()
        firsts.append(first)
        readies.append(ready)
        cpus.append(cpu)
        print(
            f"run {run + 1}: first line {first:.2f} s ({line[:50]!r}), "
            f"/healthz {ready:.2f} s, CPU until then {cpu:.2f} s"
        )
    print(
        f"median: first line {statistics.median(firsts):.2f} s, /healthz "
        f"{statistics.median(readies):.2f} s, CPU {statistics.median(cpus):.2f} s "
        "(target: ready < 3 s on a quiet machine, where wall time is about the CPU time)"
    )


if __name__ == "__main__":
    main()
