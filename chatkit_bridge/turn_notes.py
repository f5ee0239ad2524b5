"""Notes the bridge adds after a reply: "cut off" with Continue, "nothing changed" with Do it."""

from collections.abc import Sequence
from datetime import datetime

from chatkit.actions import ActionConfig
from chatkit.types import ThreadMetadata, WidgetItem
from chatkit.widgets import Button, Card, Row, Text

from chatkit_bridge.interpreter import Interpreter, ToolCall, Turn

CONTINUE_ACTION = "chatkit_bridge.continue"
DO_IT_ACTION = "chatkit_bridge.do_it"
BRIDGE_ACTIONS = (CONTINUE_ACTION, DO_IT_ACTION)
CONTINUE_PROMPT = "Continue"

CUT_OFF_TEXT = "This reply was cut off: the model reached its length limit."
CUT_OFF_DONE_TEXT = "This reply was cut off; continued below."
NOTHING_CHANGED_TEXT = "Nothing was changed: the model answered without using its tools."
NOTHING_CHANGED_DONE_TEXT = "Nothing was changed by the model; the command was run below."


def cut_off_note(thread: ThreadMetadata, item_id: str, *, done: bool = False) -> WidgetItem:
    """Mark the reply above as cut off, with a Continue button until it was pressed."""
    text = CUT_OFF_DONE_TEXT if done else CUT_OFF_TEXT
    button = None if done else _button(CONTINUE_PROMPT, "play", CONTINUE_ACTION, {})
    return _note(thread, item_id, text, button, "cut-off")


def nothing_changed_note(
    thread: ThreadMetadata, item_id: str, command: str, *, done: bool = False
) -> WidgetItem:
    """Say that no tool ran, with a button that runs what the offline interpreter understood."""
    text = NOTHING_CHANGED_DONE_TEXT if done else NOTHING_CHANGED_TEXT
    payload = {"text": command}
    button = None if done else _button("Do it", "bolt", DO_IT_ACTION, payload)
    return _note(thread, item_id, text, button, "nothing-changed")


def interpreted_changes(
    interpreter: Interpreter, text: str, read_only_tools: Sequence[str]
) -> tuple[ToolCall, ...]:
    """Return the changing tool calls the offline interpreter reads in a message, if any."""
    try:
        step = interpreter.next_step(Turn(user_text=text))
    except Exception:
        return ()  # a rule that fails on odd text must not break the reply it annotates
    if not isinstance(step, tuple):
        return ()
    return tuple(call for call in step if call.name not in read_only_tools)


def _button(label: str, icon: str, action: str, payload: dict[str, str]) -> Button:
    """Build a small secondary button that sends a bridge action."""
    config = ActionConfig(type=action, payload=payload)
    return Button(label=label, iconStart=icon, style="secondary", size="sm", onClickAction=config)


def _note(
    thread: ThreadMetadata,
    item_id: str,
    text: str,
    button: Button | None,
    key: str,
) -> WidgetItem:
    """Build the note as a widget item every ChatKit front end can show."""
    children: list[Text | Row] = [Text(value=text, size="sm", color="secondary")]
    if button is not None:
        children.append(Row(children=[button]))
    card = Card(key=key, size="full", padding=2, children=children)
    return WidgetItem(
        id=item_id,
        thread_id=thread.id,
        created_at=datetime.now(),
        widget=card,
        copy_text=text,
    )
