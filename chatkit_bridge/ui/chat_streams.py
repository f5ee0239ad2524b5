"""The reply streams of a chat page: one at a time, Stop cancels it on the server too, events
go to the thread view, errors are remembered in the thread, and the live widget is redrawn
when the use case's data changes elsewhere (another tab, the side panel, the API)."""

import asyncio
import logging
from collections.abc import AsyncIterator

from chatkit.types import ErrorEvent, ThreadCreatedEvent, ThreadStreamEvent
from nicegui import Client, background_tasks, core, ui

from chatkit_bridge.chat_host import ChatHost
from chatkit_bridge.client import ChatKitClient
from chatkit_bridge.context import RequestContext
from chatkit_bridge.ui.composer import Composer
from chatkit_bridge.ui.thread_drawer import ThreadDrawer
from chatkit_bridge.ui.thread_errors import ThreadError, remember_error
from chatkit_bridge.ui.thread_view import GENERIC_ERROR, THINKING, ThreadView
from chatkit_bridge.use_case import UseCase

REFRESH_DELAY = 0.1
STARTING = "Starting the assistant…"
logger = logging.getLogger(__name__)


class ChatStreams:
    """Runs a page's streams; the page (ChatPage) lays out what these attributes name."""

    host: ChatHost
    use_case: UseCase
    context: RequestContext
    client: ChatKitClient
    browser: Client
    page_root: ui.element
    view: ThreadView
    composer: Composer
    drawer: ThreadDrawer
    thread_id: str | None

    def __init__(self) -> None:
        self.stream_task: asyncio.Task[None] | None = None
        self.refresh_pending = False
        self.errors: list[ThreadError] = []  # shown during the current turn, stored after it

    def _show_thread_id(self) -> None:
        """Put the open thread in the address bar (the page knows how)."""
        raise NotImplementedError

    @property
    def gone(self) -> bool:
        """Tell whether the browser tab of this page has gone away."""
        return self.browser.is_deleted

    @property
    def busy(self) -> bool:
        """Tell whether a reply is streaming."""
        return self.stream_task is not None and not self.stream_task.done()

    async def _run(self, events: AsyncIterator[ThreadStreamEvent]) -> None:
        """Consume a stream in its own task, so Stop can cancel it on the server too."""
        if self.busy:
            return
        self.composer.set_streaming(True)
        self.errors = []
        self.stream_task = asyncio.create_task(self._consume(events))
        await self._await_stream(self.stream_task)
        self.stream_task = None
        if self.gone:
            return
        self.composer.set_streaming(False)
        await self._remember_errors()
        if self.refresh_pending:
            await self._refresh_live_widget()

    async def _consume(self, events: AsyncIterator[ThreadStreamEvent]) -> None:
        """Apply events to the page as they arrive."""
        with self.page_root:
            try:
                await self._wait_for_the_assistant()
                async for event in events:
                    # A closed tab still reads to the end, so the reply finishes and is saved.
                    if not self.gone:
                        await self._apply(event)
            except asyncio.CancelledError:
                if not self.gone:
                    self.view.finish_streaming()
                    ui.notify("Stopped", timeout=1200)
                raise
            except Exception as error:
                if not self.gone:
                    self.view.progress.hide()
                    self.errors.append(
                        self.view.show_error(f"The request failed: {error}", allow_retry=True)
                    )
            finally:
                if not self.gone:
                    self.view.finish_streaming()

    async def _wait_for_the_assistant(self) -> None:
        """Say so while a turn sent just after a start waits for the chat stack to load."""
        if self.host.loaded:
            return
        thinking = self.view.progress.visible
        self.view.progress.show(STARTING, None)
        await self.host.server()
        if thinking:
            self.view.progress.show(THINKING, None)
        else:
            self.view.progress.hide()

    async def _apply(self, event: ThreadStreamEvent) -> None:
        """Apply one event, keeping the thread list and the URL in step."""
        if isinstance(event, ThreadCreatedEvent):
            self.thread_id = event.thread.id
            self._show_thread_id()
        if isinstance(event, ErrorEvent):
            self.view.progress.hide()
            message = event.message or GENERIC_ERROR
            self.errors.append(self.view.show_error(message, event.allow_retry))
        else:
            self.view.apply(event)
        # Title changes reach the drawer through the server's thread-list events; thread
        # updates also come with every saved change record, which would reload the list each time.
        if isinstance(event, ThreadCreatedEvent):
            await self.drawer.refresh()

    async def _remember_errors(self) -> None:
        """Store this turn's errors in the thread, so a reload shows them (after the turn:
        the server saves the thread itself while a turn runs)."""
        if not self.errors or self.thread_id is None:
            return
        try:
            for error in self.errors:
                await remember_error(self.host.store, self.thread_id, self.context, error)
        except Exception:  # the error is on screen; failing to store it must not hide it
            logger.warning("could not store an error in thread %s", self.thread_id, exc_info=True)

    async def stop(self) -> None:
        """Cancel the reply in flight; the server keeps what was said so far."""
        if self.busy:
            assert self.stream_task is not None
            self.stream_task.cancel()
            await self._await_stream(self.stream_task)

    @staticmethod
    async def _await_stream(task: asyncio.Task[None]) -> None:
        """Wait for a stream; Stop cancelling it is normal, but our own cancellation propagates.

        Swallowing our own cancellation (page closed, app shutting down) kept the caller running
        and starting new streams, so shutdown waited on tasks that never ended.
        """
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise

    def _flush(self) -> None:
        """Send buffered streamed text at a bounded rate (the browser follows it down)."""
        self.view.flush()

    def _data_changed_elsewhere(self) -> None:
        """Refresh the live widget soon; called from any thread."""
        if core.loop is not None and not core.loop.is_closed():
            core.loop.call_soon_threadsafe(self._schedule_refresh)

    def _schedule_refresh(self) -> None:
        """Coalesce change notifications into one refresh."""
        # A change during this page's own turn or click is already drawn by it: refreshing
        # again would only rewrite the card (and drop clicks while the refresh runs).
        if self.refresh_pending or self.busy:
            return
        self.refresh_pending = True
        if not self.busy:
            background_tasks.create(self._refresh_soon(), name="refresh live widget")

    async def _refresh_soon(self) -> None:
        """Wait for a burst of changes to settle, then refresh."""
        await asyncio.sleep(REFRESH_DELAY)
        await self._refresh_live_widget()

    async def _refresh_live_widget(self) -> None:
        """Ask the use case to redraw the newest widget from current data."""
        self.refresh_pending = False
        action = self.use_case.refresh_action
        item_id = self.view.newest_widget_id()
        if action is None or item_id is None or self.thread_id is None or self.busy:
            return
        events = self.client.custom_action(self.thread_id, item_id, action, {})
        await self._run(events)
