"""The chat page: threads on the left, the conversation in the middle, a use case panel right."""

import asyncio
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chatkit.actions import ActionConfig
from chatkit.store import NotFoundError
from chatkit.types import FeedbackKind, ThreadItem
from nicegui import background_tasks, ui
from nicegui.client import ClientConnectionTimeout

from chatkit_bridge.chat_host import ChatHost
from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.compat import wait_patiently_for_drawer_state
from chatkit_bridge.context import RequestContext
from chatkit_bridge.feedback import feedback_of
from chatkit_bridge.ui.chat_header import chat_header
from chatkit_bridge.ui.chat_retries import ChatRetries
from chatkit_bridge.ui.composer import Composer
from chatkit_bridge.ui.message_actions import MessageActions
from chatkit_bridge.ui.theme import apply_theme, icon_button
from chatkit_bridge.ui.thread_drawer import ThreadDrawer
from chatkit_bridge.ui.thread_errors import ThreadError, errors_of
from chatkit_bridge.ui.thread_view import ThreadView
from chatkit_bridge.ui.weak import weakly
from chatkit_bridge.ui.widget_content import material_icon

FLUSH_INTERVAL = 0.1
SHOWN_ITEMS = 60  # items a thread opens with (about 20 turns with cards)
FIRST_SHOWN = 12  # of those, shown first (the screen's worth at the end), the rest right after
CONNECT_PATIENCE = 30.0  # seconds to wait for a new page's browser before adding the rest anyway
FLUSH_PATIENCE = 0.5  # seconds to wait for the newest items to be sent first
SEND_TIME = 0.05  # seconds the socket gets to write them before the earlier items are built
MAX_ITEMS = 1000
STARTING_NOTE = "The assistant is starting… You can write already: it answers once it is ready."

if TYPE_CHECKING:
    from chatkit_bridge.server import BridgeServer


class ChatPage(ChatRetries):
    """One browser tab's chat, talking to the server in process."""

    def __init__(
        self,
        chat: "ChatHost | BridgeServer",
        context: RequestContext,
        header_extra: Callable[[], None] | None = None,
        dark: bool = False,
    ) -> None:
        """:param chat: the use case's chat host (its server may still be loading), or a server.
        :param header_extra: renders more header controls (the use case switcher).
        :param dark: start in dark mode (the browser's remembered choice).
        """
        self.host = chat if isinstance(chat, ChatHost) else ChatHost.of(chat)
        self.header_extra = header_extra
        self.dark = dark
        self.use_case = self.host.use_case
        self.context = context
        self.client = ChatKitClient(self.host, context)
        self.thread_id: str | None = None
        self.path = ui.context.client.page.path  # the address of this page, for reloads
        self.browser = ui.context.client  # the NiceGUI client of this tab
        super().__init__()
        self._build()

    def _build(self) -> None:
        """Lay out header, drawers, message list and composer; the window itself scrolls."""
        dark = apply_theme(self.dark)
        with (
            ui.left_drawer(bordered=True)
            .classes("p-3")
            .props('aria-label="Chats"') as threads_drawer
        ):
            self.drawer = ThreadDrawer(
                self.client, weakly(self.open_thread), self.host.thread_events
            )
        wait_patiently_for_drawer_state(threads_drawer)
        panel_drawer: ui.right_drawer | None = None
        if self.use_case.has_panel:
            with (
                ui.right_drawer(bordered=True)
                .classes("p-3")
                .props('aria-label="Side panel"') as panel_drawer
            ):
                self.use_case.render_panel(self.context)
            wait_patiently_for_drawer_state(panel_drawer)
        chat_header(
            self.use_case.title,
            self.host.model_label,
            on_menu=threads_drawer.toggle,
            dark=dark,
            on_panel=panel_drawer.toggle if panel_drawer is not None else None,
            extra=self.header_extra,
        )
        self.scroll = ui.column().classes("w-full gap-0 chat-page")
        with ui.footer().classes("chat-footer p-3"):
            if not self.host.loaded:
                self._say_starting()
            self.composer = Composer(on_send=weakly(self.send), on_stop=weakly(self.stop))
        with ui.page_sticky(position="bottom", y_offset=12):
            icon_button("arrow_downward", "Jump to latest").props("round").classes(
                "jump-latest"
            ).on("click", js_handler="() => window.chatUI.jump()").mark("jump-latest")
        self.scroll.mark("chat-page")
        self.page_root = self.scroll
        self._new_view()
        # The timer (an element of this tab's client) also keeps this page alive until NiceGUI
        # deletes the client: the page's parts call back into it weakly (ui/weak.py).
        ui.timer(FLUSH_INTERVAL, self._flush)
        unsubscribe = self.use_case.subscribe(self.context.user_id, self._data_changed_elsewhere)
        ui.context.client.on_delete(unsubscribe)

    def _say_starting(self) -> None:
        """Say that the assistant is still starting (a page served just after a start)."""
        with ui.row().classes("w-full max-w-3xl mx-auto items-center gap-2") as notice:
            ui.spinner(size="1em")
            ui.label(STARTING_NOTE).classes("text-sm chat-caption")
        notice.props("role=status aria-live=polite").mark("assistant-starting")

        async def remove_once_loaded() -> None:
            await self.host.until_loaded()
            if not self.gone:
                notice.delete()

        background_tasks.create(remove_once_loaded(), name="starting notice")

    def _new_view(self) -> None:
        """Start an empty message list."""
        self.scroll.clear()
        with self.scroll:
            self.view = ThreadView(
                on_widget_action=weakly(self.send_action),
                on_feedback=weakly(self.send_feedback),
                on_retry=weakly(self.retry),
                client_actions=self.use_case.client_actions(),
                message_actions=MessageActions(weakly(self.regenerate), weakly(self.edit_message)),
            )
            self.starters = ui.row().classes("w-full max-w-3xl mx-auto gap-2 p-4 starters")

    async def open_thread(self, thread_id: str | None, everything: bool = False) -> None:
        """Show a thread's newest items (all of them if `everything`), or an empty new chat."""
        # Called from clicks on elements this replaces ("Show earlier messages"): work in the
        # page's own context, not in the clicked element's slot, which is about to go.
        with self.page_root:
            await self._open_thread(thread_id, everything)

    async def _open_thread(self, thread_id: str | None, everything: bool) -> None:
        await self.stop()
        self._new_view()
        self.thread_id = thread_id
        thread, earlier, newest = None, [], []
        if thread_id is not None:
            # A long thread shows its newest items: the page builds in bounded time.
            limit = MAX_ITEMS if everything else SHOWN_ITEMS
            try:
                page = await self.client.list_items(thread_id, limit=limit, order="desc")
                thread = await self.host.store.load_thread(thread_id, self.context)
            except NotFoundError:
                ui.notify("That chat does not exist any more", type="warning")
                self.thread_id = None
                thread = None
            if thread is not None:
                if page.has_more and not everything:
                    self._offer_earlier()
                items = list(reversed(page.data))
                feedback, errors = feedback_of(thread), errors_of(thread)
                split = 0 if everything else max(len(items) - FIRST_SHOWN, 0)
                earlier, newest = items[:split], items[split:]
                self.view.show_items(newest, feedback, [e for e in errors if _among(e, newest)])
        self._show_starters()
        self._show_thread_id()
        await self.drawer.refresh()
        self.composer.focus()
        if not everything:  # after "Show earlier messages" the reader stays at the top
            ui.run_javascript("window.chatUI.jump()")
        if thread is not None and earlier:
            rest = [e for e in errors_of(thread) if not _among(e, newest)]
            await self._show_earlier(earlier, feedback_of(thread), rest)

    async def _show_earlier(
        self, items: list[ThreadItem], feedback: dict[str, FeedbackKind], errors: list[ThreadError]
    ) -> None:
        """Add the items before the newest ones once those are in the browser.

        A reload shows the end of the conversation first; building and sending all of it
        before the first paint made the reader wait for the whole thread (the browser's socket
        only connects once the page's build leaves the event loop).
        """
        view = self.view
        with contextlib.suppress(ClientConnectionTimeout):
            await self.browser.connected(timeout=CONNECT_PATIENCE)
        # NiceGUI's outbox sends queued updates every 0.1 s at most: let the newest items go
        # out on their own, then build the earlier ones.
        deadline = asyncio.get_running_loop().time() + FLUSH_PATIENCE
        while self.browser.outbox.updates and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.01)
        await asyncio.sleep(SEND_TIME)  # the update is taken from the queue before it is written
        if view is self.view and not self.gone:
            with self.page_root:
                view.show_earlier_items(items, feedback, errors)

    def _offer_earlier(self) -> None:
        """Put a button above the shown items that loads the whole thread."""
        with self.view.container:
            ui.button(
                "Show earlier messages",
                icon="expand_less",
                on_click=lambda: self.open_thread(self.thread_id, everything=True),
            ).props("flat no-caps").classes("self-center").mark("show-earlier")

    def _show_thread_id(self) -> None:
        """Put the open thread in the address bar, so a reload comes back to it."""
        query = f"?thread={self.thread_id}" if self.thread_id else ""
        ui.navigate.history.replace(f"{self.path}{query}")
        self.drawer.current = self.thread_id
        self.scroll.props(f"data-thread={self.thread_id or 'none'}")

    def _show_starters(self) -> None:
        """Offer the use case's starter prompts on an empty thread."""
        self.starters.clear()
        if self.thread_id is not None:
            return
        with self.starters:
            for starter in self.use_case.starter_prompts:
                ui.button(
                    starter.label,
                    icon=material_icon(starter.icon),
                    on_click=lambda prompt=starter.prompt: self.send(prompt),
                ).props("outline rounded no-caps").classes("starter")

    async def send(self, text: str) -> None:
        """Show the message at once, then send it and stream the reply."""
        if not text.strip() or self.busy:
            return
        self.starters.clear()
        self.view.start_turn(text)
        await asyncio.sleep(0)  # let the bubble go out before the server does any work
        if self.thread_id is None:
            events = self.client.create_thread(text)
        else:
            events = self.client.send_message(self.thread_id, text)
        await self._run(events)

    async def send_action(
        self, item_id: str, config: ActionConfig, payload: dict[str, Any]
    ) -> None:
        """Send a widget action to the server and apply what comes back."""
        thread_id = self.thread_id
        # A click during a reply or a refresh runs after it; dropping it lost ticks and adds.
        while self.stream_task is not None and not self.stream_task.done():
            await asyncio.wait([self.stream_task])
        if thread_id is None or thread_id != self.thread_id:
            return
        events = self.client.custom_action(thread_id, item_id, config.type, payload)
        await self._run(events)

    async def send_feedback(self, item_id: str, kind: FeedbackKind) -> None:
        """Record thumbs up or down."""
        if self.thread_id is not None:
            await self.client.feedback(self.thread_id, [item_id], kind)


def _among(error: ThreadError, items: list[ThreadItem]) -> bool:
    """Tell whether a stored error belongs after one of `items`."""
    return error.after is not None and any(item.id == error.after for item in items)
