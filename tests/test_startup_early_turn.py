"""A chat page served before the chat stack has loaded: it says so, and a message sent then is
answered once the stack is in, never refused."""

from pathlib import Path

from nicegui.testing import User

from chatkit_bridge.chat_host import ChatHost
from chatkit_bridge.server import BridgeServer
from chatkit_bridge.ui.chat_page import STARTING_NOTE
from chatkit_bridge.ui.chat_streams import STARTING
from chatkit_bridge.ui.pages import register_chat
from tests.chat_page import open_thread_id, send
from tests.polling import until
from tests.stack import build_stack


async def test_a_message_sent_while_the_assistant_starts_is_answered_once_it_is_in(
    user: User, tmp_path: Path
) -> None:
    stack = build_stack(tmp_path, llm_provider="offline")
    use_case, model = stack.server.use_case, stack.server.model
    # What app.py has once the pages are loaded and before the chat stack is: no server yet.
    host = ChatHost(use_case, stack.store, model.label)
    register_chat("/early", host, "browser")

    await user.open("/early")  # served without the server
    await until(lambda: open_thread_id(user) == "none", what="a new chat shown")
    await user.should_see(STARTING_NOTE)
    await user.should_see(model.label)
    await send(user, "add buy milk")
    await user.should_see("add buy milk")  # the user's bubble, at once
    await user.should_see(STARTING)  # the reply waits, and says why

    host.deliver(BridgeServer(stack.store, use_case, model, host.thread_events))
    await user.should_see('Added "buy milk".')  # the reply, on the card
    await user.should_see("Add buy milk")  # the new chat, in the thread list
    await user.should_not_see(STARTING_NOTE)
    await user.should_not_see(STARTING)
    await user.should_not_see("failed")
