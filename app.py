"""ChatKit Todo: wiring only. Run with `python app.py` (`--dev` reloads on save)."""

import asyncio
import importlib
import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if __name__ == "__main__" and "NICEGUI_USER_SIMULATION" not in os.environ:
    # Importing NiceGUI and the rest takes seconds (far more on a busy machine): say so first.
    print("ChatKit Todo is starting…", flush=True)

from nicegui import app, ui

from chatkit_bridge.collector import freeze_loaded_objects, tune_collector
from chatkit_bridge.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from fastapi.middleware.gzip import GZipMiddleware
    from starlette.types import ASGIApp

    from chatkit_bridge.backends import Backend
    from chatkit_bridge.chat_host import ChatHost
    from chatkit_bridge.server import BridgeServer
    from chatkit_bridge.startup import Startup

# Imported by the worker thread that loads the chat stack (so the event loop never does), with
# the pages that the first chat page does not need (the gallery).
CHAT_MODULES = (
    "chatkit_bridge.http",
    "chatkit_bridge.server",
    "chatkit_bridge.llm",
    "chatkit_bridge.ui.gallery",
    "chatkit_bridge.ui.gallery_files",
)
# Idle keep-alive connections stay open this long. Longer than clients keep them (httpx 5 s,
# aiohttp 15 s, load balancers often 60 s), so a client never reuses a connection at the moment
# the server closes it: with uvicorn's 5 s, 3 of 240 requests sent after ~5 s idle failed.
KEEP_ALIVE_SECONDS = 75

# `--dev`: restart when a .py or .widget file under these folders is saved.
DEV_WATCHED = "use_cases,chatkit_bridge"
DEV_FILES = "*.py,*.widget"


def settings_or_exit() -> Settings:
    """Load the settings, or stop with one line naming the bad variable."""
    try:
        return load_settings()
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def build_hosts(
    settings: Settings, backend: "Backend", wanted: Callable[[], None] = lambda: None
) -> "list[ChatHost]":
    """Find the use cases USE_CASES names and give each a chat host with its own threads.

    :param wanted: called when a page needs a server before the chat stack has loaded.
    """
    from chatkit_bridge.chat_host import ChatHost
    from chatkit_bridge.discovery import UseCaseError, load_all
    from chatkit_bridge.model_label import model_label
    from chatkit_bridge.scoped_store import ScopedStore
    from chatkit_bridge.use_case import Host

    host = Host(settings.data_store_path, settings.auth_mode, backend.documents)
    try:
        use_cases = load_all(settings.use_case_names, host)
    except UseCaseError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    label = model_label(settings)
    return [
        ChatHost(use_case, ScopedStore(backend.store, use_case.thread_scope), label, wanted)
        for use_case in use_cases
    ]


def build_server(settings: Settings, host: "ChatHost") -> "BridgeServer":
    """Give a chat host its server: the use case's agent on the configured model."""
    from chatkit_bridge.llm import build_model
    from chatkit_bridge.server import BridgeServer

    model = build_model(settings, host.use_case.interpreter)
    return BridgeServer(host.store, host.use_case, model, host.thread_events)


def build_servers(settings: Settings, backend: "Backend") -> "list[BridgeServer]":
    """Build the use cases USE_CASES names and a server for each."""
    return [build_server(settings, host) for host in build_hosts(settings, backend)]


def main() -> None:
    """Open the storage, install the edge and /healthz, and serve; the rest loads meanwhile."""
    settings = settings_or_exit()
    dev = "--dev" in sys.argv[1:]
    # Imported after the settings check: the chatkit package reads LOG_LEVEL when imported.
    # None of these loads the Agents SDK, openai or ChatKit's server (chatkit_bridge/startup.py).
    from chatkit_bridge.backends import open_backend
    from chatkit_bridge.health import health_router
    from chatkit_bridge.security import install_edge
    from chatkit_bridge.unavailable import register_storage_errors

    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    limits = {
        "max_threads": settings.max_threads_per_user,
        "max_items": settings.max_items_per_thread,
    }
    backend = open_backend(
        settings.data_store_path, settings.database_url, settings.database_auth, limits
    )
    if backend.shared_secret is not None and not settings.storage_secret:
        settings.storage_secret = backend.shared_secret()
    hosts: list[ChatHost] = []
    app.include_router(health_router(backend.ready_problem, lambda: hosts[0].model_label))
    startup = begin_loading(settings, backend, hosts)
    register_storage_errors(app)
    install_edge(app, settings)
    ui.run(
        host=settings.app_host,
        port=settings.app_port,
        storage_secret=settings.storage_secret,
        title="ChatKit Todo",
        favicon="✅",
        reload=dev,
        uvicorn_reload_dirs=DEV_WATCHED,
        uvicorn_reload_includes=DEV_FILES,
        show=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        # chatkit_bridge/ui/assets/tailwind.css instead (see pages.py); `--dev` keeps NiceGUI's
        # in-browser build too, so a utility class new to the app works before the file is rebuilt.
        tailwind=dev,
        gzip_middleware_factory=compressed,
    )
    if startup is not None and startup.exit_code is not None:
        raise SystemExit(startup.exit_code)  # loading failed after the server listened


def begin_loading(
    settings: Settings, backend: "Backend", hosts: "list[ChatHost]"
) -> "Startup | None":
    """Load the pages, then the chat stack, into `hosts`: in the background once the server
    listens (requests wait at the gate meanwhile), or at once under NiceGUI's user simulation.

    :return: the background loading, None when everything is loaded already.
    """
    from chatkit_bridge.startup import Stage, Startup, StartupGate

    def install_hosts(built: "list[ChatHost]") -> None:
        hosts.extend(built)
        install_pages(settings, backend, built)

    if "NICEGUI_USER_SIMULATION" in os.environ:
        # Tests open pages without a server listening: build everything now.
        install_hosts(load_pages(settings, backend))
        install_chat(settings, hosts, load_chat(settings, hosts))
        return None
    tune_collector()

    def load_and_freeze() -> "list[BridgeServer]":
        built = load_chat(settings, hosts)
        freeze_loaded_objects()  # one full collection before the app is ready, few later
        return built

    def pages() -> "list[ChatHost]":
        return load_pages(settings, backend, startup.hurry)

    startup = Startup(
        Stage(pages, install_hosts),
        Stage(load_and_freeze, lambda servers: install_chat(settings, hosts, servers)),
        app.shutdown,
    )
    app.add_middleware(StartupGate, startup=startup, router=app.router)
    app.on_startup(startup.begin)
    return startup


def compressed(app: "ASGIApp") -> "GZipMiddleware":
    """Compress responses at zlib level 6 instead of Starlette's 9, on the event loop."""
    from fastapi.middleware.gzip import GZipMiddleware

    # Sizes within ~1 % of level 9 for our pages and JSON, at a quarter of the CPU: a page of
    # 500 todos from /api/todos took 2.3 ms to compress at 9 and 0.5 ms at 6.
    return GZipMiddleware(app, minimum_size=500, compresslevel=6)


def load_pages(
    settings: Settings, backend: "Backend", wanted: Callable[[], None] = lambda: None
) -> "list[ChatHost]":
    """Import the pages and build the use cases' chat hosts (run off the event loop)."""
    importlib.import_module("chatkit_bridge.ui.pages")
    return build_hosts(settings, backend, wanted)


def install_pages(settings: Settings, backend: "Backend", hosts: "list[ChatHost]") -> None:
    """Add the pages and share thread-list news between processes (quick: on the event loop)."""
    from chatkit_bridge.ui.pages import register_pages

    if backend.relay is not None:
        relay = backend.relay

        def share_thread_lists() -> None:
            # Other processes' new, renamed and deleted threads reach this process's pages.
            for host in hosts:
                host.thread_events.relay_through(relay(f"threads:{host.use_case.name}"))

        if app.is_started:
            share_thread_lists()
        else:
            app.on_startup(share_thread_lists)
    register_pages(hosts, settings.auth_mode)
    logging.getLogger(__name__).info("model: %s", hosts[0].model_label)


def load_chat(settings: Settings, hosts: "list[ChatHost]") -> "list[BridgeServer]":
    """Import the chat stack and build the servers: the slow part, run off the event loop."""
    for module in CHAT_MODULES:
        importlib.import_module(module)
    return [build_server(settings, host) for host in hosts]


def install_chat(
    settings: Settings, hosts: "list[ChatHost]", servers: "list[BridgeServer]"
) -> None:
    """Add the chat routes and the use cases' routes; hand the servers to the pages."""
    from chatkit_bridge.http import chatkit_router

    # `/chatkit` serves the first use case; with several, each also has `/chatkit/<name>`.
    app.include_router(chatkit_router(servers[0], settings.auth_mode))
    for server in servers if len(servers) > 1 else ():
        path = f"/chatkit/{server.use_case.name}"
        app.include_router(chatkit_router(server, settings.auth_mode, path))
    for server in servers:
        for router in server.use_case.routers():
            app.include_router(router)

    async def drain() -> None:
        await asyncio.gather(*(server.drain() for server in servers))

    app.on_shutdown(drain)
    for host, server in zip(hosts, servers, strict=True):
        host.deliver(server)


if __name__ in {"__main__", "__mp_main__"}:
    main()
