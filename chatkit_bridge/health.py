"""`/healthz` (the process is alive) and `/readyz` (it can serve: store writable, model set)."""

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import JSONResponse


def health_router(
    ready_problem: Callable[[], str | None], model_label: Callable[[], str]
) -> APIRouter:
    """Build the router for the health and readiness probes.

    :param ready_problem: blocking check of the storage: None when it takes writes, else why not.
    :param model_label: names the model in use in the ready answer (asked for only once the
        app is built: /readyz waits for that, see chatkit_bridge/startup.py).
    """
    router = APIRouter()

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Answer 200 while the process is alive."""
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        """Answer 200 when the store takes writes, else 503 with the reason."""
        problem = await asyncio.to_thread(ready_problem)
        if problem is not None:
            return JSONResponse({"status": "not ready", "reason": problem}, status_code=503)
        return JSONResponse({"status": "ready", "model": model_label()})

    return router


def write_problem(folder: Path) -> str | None:
    """Try a small write in the data folder; describe what went wrong, if anything."""
    probe = folder / f".ready-probe-{os.getpid()}"
    try:
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as error:
        # Only the reason: a probe answer must not tell strangers where the data lives.
        return f"the data folder is not writable ({error.strerror or 'unknown error'})"
    return None
