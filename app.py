"""ChatKit Todo: wiring only. Run with `python app.py`."""

import logging
import sys

from nicegui import app, ui

from chatkit_bridge.settings import Settings, SettingsError, load_settings


def settings_or_exit() -> Settings:
    """Load the settings, or stop with one line naming the bad variable."""
    try:
        return load_settings()
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def main() -> None:
    """Build the store, model and server, register pages and routes, and serve."""
    settings = settings_or_exit()
    # Imported after the settings check: the chatkit package reads LOG_LEVEL when imported.
    from chatkit_bridge.health import health_router
    from chatkit_bridge.http import chatkit_router
    from chatkit_bridge.llm import build_model
    from chatkit_bridge.server import BridgeServer
    from chatkit_bridge.store import TinyDBStore
    from chatkit_bridge.ui.pages import register_pages
    from use_cases.todo.api import todo_router
    from use_cases.todo.data import TodoRepository
    from use_cases.todo.use_case import TodoUseCase

    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    store = TinyDBStore(settings.data_store_path)
    todos = TodoRepository(settings.data_store_path)
    use_case = TodoUseCase(todos)
    model = build_model(settings, use_case.interpreter)
    server = BridgeServer(store, use_case, model)

    app.include_router(health_router(settings.data_store_path, model))
    app.include_router(chatkit_router(server, settings.auth_mode))
    app.include_router(todo_router(todos, settings.auth_mode))
    app.on_shutdown(lambda: server.drain())
    register_pages(server, settings.auth_mode)

    logging.getLogger(__name__).info("model: %s", model.label)
    ui.run(
        host=settings.app_host,
        port=settings.app_port,
        storage_secret=settings.storage_secret,
        title="ChatKit Todo",
        favicon="✅",
        reload=False,
        show=False,
    )


if __name__ in {"__main__", "__mp_main__"}:
    main()
