"""Turn stored thread items into model input that every model API accepts."""

from agents import TResponseInputItem
from chatkit.agents import ThreadItemConverter
from chatkit.types import (
    AssistantMessageItem,
    Attachment,
    UserMessageTagContent,
    WidgetItem,
)
from openai.types.responses import ResponseInputContentParam


class PlainTextConverter(ThreadItemConverter):
    """Send past assistant text as plain strings, which Chat Completions models accept."""

    async def assistant_message_to_input(
        self, item: AssistantMessageItem
    ) -> TResponseInputItem | list[TResponseInputItem] | None:
        """Send an assistant message as plain text."""
        text = "".join(part.text for part in item.content)
        if not text.strip():
            return None
        return {"role": "assistant", "content": text}

    async def widget_to_input(
        self, item: WidgetItem
    ) -> TResponseInputItem | list[TResponseInputItem] | None:
        """Describe a widget by its copy text when it has one; it is shorter than its JSON."""
        if not item.copy_text:
            return await super().widget_to_input(item)
        text = f"The following widget (id: {item.id}) was shown to the user:\n{item.copy_text}"
        return {"role": "user", "content": text}

    async def attachment_to_message_content(
        self, attachment: Attachment
    ) -> ResponseInputContentParam:
        """Name an attachment; this app does not send file contents to the model."""
        return {"type": "input_text", "text": f"(attached file: {attachment.name})"}

    async def tag_to_message_content(self, tag: UserMessageTagContent) -> ResponseInputContentParam:
        """Pass a tag as its text."""
        return {"type": "input_text", "text": f"@{tag.text}"}
