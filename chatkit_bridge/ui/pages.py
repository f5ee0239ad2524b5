"""Register the NiceGUI pages: the chat at `/` and the widget gallery at `/gallery`."""

from fastapi import Request
from nicegui import ui

from chatkit_bridge.context import RequestContext
from chatkit_bridge.identity import UnauthenticatedError, user_id_of
from chatkit_bridge.server import BridgeServer
from chatkit_bridge.ui.chat_page import ChatPage
from chatkit_bridge.ui.gallery import render_gallery


def register_pages(server: BridgeServer, auth_mode: str) -> None:
    """Add the chat and gallery pages to the app."""

    @ui.page("/", title=server.use_case.title)
    async def chat(request: Request, thread: str | None = None) -> None:
        """Show the chat for the signed-in browser or user."""
        try:
            user_id = user_id_of(request, auth_mode)
        except UnauthenticatedError:
            ui.label("Sign in to use this app.").classes("text-lg p-8")
            return
        page = ChatPage(server, RequestContext(user_id=user_id))
        await page.open_thread(thread)

    @ui.page("/gallery", title="Widget gallery")
    def gallery() -> None:
        """Show one example of every widget component."""
        render_gallery()
