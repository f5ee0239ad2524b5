"""Register the NiceGUI pages: one chat per use case, a home page when there are several, and
the widget gallery at `/gallery`."""

from collections.abc import Callable, Sequence

from fastapi import Request
from nicegui import ui
from nicegui.client import ClientConnectionTimeout

from chatkit_bridge.chat_host import ChatHost
from chatkit_bridge.compat import (
    cache_change_handler_signatures,
    free_deleted_pages_without_collector,
)
from chatkit_bridge.context import RequestContext
from chatkit_bridge.identity import UnauthenticatedError, user_id_of
from chatkit_bridge.ui.chat_page import CONNECT_PATIENCE, ChatPage
from chatkit_bridge.ui.theme import apply_theme, dark_preference, name_icon_button, tailwind_css


def chat_path(server: ChatHost, servers: Sequence[ChatHost]) -> str:
    """Return the address of a use case's chat: `/` alone, `/<name>` among several."""
    return "/" if len(servers) == 1 else f"/{server.use_case.name}"


def register_pages(servers: Sequence[ChatHost], auth_mode: str) -> None:
    """Add the chat pages, the home page (several use cases) and the gallery to the app.

    They need no more than the chat hosts: a page is served before the chat stack has loaded.
    """
    # The Tailwind utilities the pages use, built once (`ui.run(tailwind=False)` in app.py):
    # NiceGUI's in-browser Tailwind rebuilt them on every page load and DOM change.
    ui.add_css(tailwind_css(), shared=True)
    cache_change_handler_signatures()  # halves the CPU of creating an element
    free_deleted_pages_without_collector()  # no ~1 s full collections of dead pages
    for server in servers:
        switcher = _switcher(server, servers) if len(servers) > 1 else None
        register_chat(chat_path(server, servers), server, auth_mode, switcher)
    if len(servers) > 1:

        @ui.page("/", title="Assistants", language="en-US")
        def home() -> None:
            """List the assistants this app serves."""
            with ui.column().classes("w-full max-w-3xl mx-auto p-6 gap-4"):
                ui.label("Assistants").classes("text-3xl font-bold")
                for server in servers:
                    with ui.card().classes("w-full use-case-card"):
                        ui.link(server.use_case.title, chat_path(server, servers)).classes(
                            "text-xl font-medium"
                        )
                        prompts = [p.label for p in server.use_case.starter_prompts]
                        if prompts:
                            ui.label("Try: " + " · ".join(prompts)).classes("text-grey-8")

    @ui.page("/gallery", title="Widget gallery", language="en-US")
    def gallery(request: Request) -> None:
        """Show one example of every widget component, then the use cases' .widget files."""
        # Loaded with the chat stack (app.py), not before the first chat page, which needs none.
        from chatkit_bridge.ui.gallery import render_gallery
        from chatkit_bridge.ui.gallery_files import render_widget_files

        apply_theme(dark_preference(request))
        render_gallery()
        render_widget_files([server.use_case for server in servers])


def register_chat(
    path: str, server: ChatHost, auth_mode: str, switcher: Callable[[], None] | None = None
) -> None:
    """Serve a use case's chat page at `path`; `switcher` renders the use case menu."""

    @ui.page(path, title=server.use_case.title, language="en-US")
    async def chat(request: Request, thread: str | None = None) -> None:
        """Show the chat for the signed-in browser or user."""
        try:
            user_id = user_id_of(request, auth_mode)
        except UnauthenticatedError:
            ui.label("Sign in to use this app.").classes("text-lg p-8")
            return
        context = RequestContext(user_id=user_id)
        # Read the user's threads before building anything: an unreadable data file is then a
        # 503 page, not a page whose drawer and panel fail later, after the 200 was sent.
        await server.store.load_threads(1, None, "desc", context)
        page = ChatPage(server, context, header_extra=switcher, dark=dark_preference(request))
        if not server.loaded:
            # Just after a start the chat stack is still loading: send the page now (it says
            # the assistant is starting); the thread list and the thread follow once it is in.
            try:
                await ui.context.client.connected(timeout=CONNECT_PATIENCE)
            except ClientConnectionTimeout:
                return  # no browser came for this page: nothing to fill in
        await page.open_thread(thread)


def _switcher(current: ChatHost, servers: Sequence[ChatHost]) -> Callable[[], None]:
    """Build the header menu that moves to another use case's chat."""

    def render() -> None:
        with (
            name_icon_button(ui.button(icon="swap_horiz"), "Switch assistant")
            .props("flat round color=white")
            .classes("use-case-switcher"),
            ui.menu(),
        ):
            ui.menu_item("All assistants", lambda: ui.navigate.to("/"))
            for server in servers:
                if server is not current:
                    path = chat_path(server, servers)
                    ui.menu_item(server.use_case.title, lambda path=path: ui.navigate.to(path))

    return render
