"""Keep what is sent to a model inside its context window, by a conservative token estimate.

Tokens are estimated from characters, not counted with a tokenizer: tiktoken fetches its
encodings from the network on first use (this app must run offline), and its encodings are
OpenAI's anyway, not those of the local models (Llama, Qwen, SmolLM...) whose small context
windows are the reason for this budget. Three characters per token over-counts English prose
(about four per token) and JSON schemas (about three), so the estimate errs towards sending
less; a server that still reports an overflow teaches the budget its real size.
"""

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from agents import FunctionTool, Tool, TResponseInputItem

from chatkit_bridge.settings import Provider

CHARS_PER_TOKEN = 3.0
# JSON schemas are denser: SmolLM2's tokenizer gives 3.4 characters per token for the todo
# tools (3.8 for the instructions), and chat templates add a preamble on how to call tools.
SCHEMA_CHARS_PER_TOKEN = 2.5
TOOLS_PREAMBLE_TOKENS = 100
# Role markers and separators that chat templates wrap around every message.
MESSAGE_OVERHEAD_TOKENS = 4
REPLY_TOKENS = 1024
SETTING = "LLM_CONTEXT_TOKENS"
# Context windows of the models people usually run with each provider; 0 means "no budget".
DEFAULT_CONTEXT_TOKENS = {
    Provider.OFFLINE: 0,
    Provider.AZURE: 128_000,
    Provider.OPENAI: 128_000,
}
# Ollama, LM Studio and many llama.cpp set-ups load models with a 4,096-token context.
LOCAL_SERVER_CONTEXT_TOKENS = 4096


class ContextTooSmall(Exception):
    """Even the newest turn does not fit the context; the message names the setting."""


def default_context_tokens(provider: Provider, local_server: bool) -> int:
    """Return the context size to assume when LLM_CONTEXT_TOKENS is not set."""
    if provider is Provider.OPENAI and local_server:
        return LOCAL_SERVER_CONTEXT_TOKENS
    return DEFAULT_CONTEXT_TOKENS.get(provider, 0)


@dataclass
class ContextBudget:
    """How many tokens one model request may use, lowered when a server reports less."""

    context_tokens: int

    @property
    def limited(self) -> bool:
        """Tell whether requests are budgeted at all."""
        return self.context_tokens > 0

    @property
    def reply_tokens(self) -> int:
        """Return the tokens kept free for the model's answer."""
        return min(REPLY_TOKENS, self.context_tokens // 4)

    @property
    def prompt_tokens(self) -> int:
        """Return the tokens a request may spend on instructions, tools and messages."""
        return self.context_tokens - self.reply_tokens

    def learn(self, server_context_tokens: int) -> bool:
        """Shrink to a context size the server reported; tell whether that lowered it."""
        if server_context_tokens > 0 and (
            not self.limited or server_context_tokens < self.context_tokens
        ):
            self.context_tokens = server_context_tokens
            return True
        return False


def estimate_tokens(text: str) -> int:
    """Estimate the tokens of a text, rounding up."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def item_tokens(item: TResponseInputItem | Any) -> int:
    """Estimate the tokens of one input item, with its message overhead."""
    if hasattr(item, "model_dump"):
        item = item.model_dump(exclude_unset=True)
    return estimate_tokens(json.dumps(item, ensure_ascii=False)) + MESSAGE_OVERHEAD_TOKENS


def tools_tokens(tools: Iterable[Tool]) -> int:
    """Estimate the tokens of the tool schemas sent with every request."""
    total = 0
    for tool in tools:
        if isinstance(tool, FunctionTool):
            schema = json.dumps(tool.params_json_schema, ensure_ascii=False)
            text = tool.name + (tool.description or "") + schema
            total += math.ceil(len(text) / SCHEMA_CHARS_PER_TOKEN)
        total += MESSAGE_OVERHEAD_TOKENS
    return total + TOOLS_PREAMBLE_TOKENS if total else 0


def fit_history(
    items: Sequence[TResponseInputItem],
    keep_from: int,
    fixed_tokens: int,
    budget: ContextBudget,
) -> list[TResponseInputItem]:
    """Keep the newest items that fit, always everything from `keep_from` on.

    :param items: the input of one model request, oldest first
    :param keep_from: index of the first item of the current turn (never dropped)
    :param fixed_tokens: tokens of the instructions and tools
    :param budget: the context budget
    :raises ContextTooSmall: when instructions, tools and the current turn alone do not fit
    """
    if not budget.limited:
        return list(items)
    sizes = [item_tokens(item) for item in items]
    turn_tokens = sum(sizes[keep_from:])
    room = budget.prompt_tokens - fixed_tokens - turn_tokens
    if room < 0:
        step_tokens = sum(
            size
            for item, size in zip(items[keep_from:], sizes[keep_from:], strict=True)
            if _role(item) is None  # tool calls and their results carry no role
        )
        raise ContextTooSmall(_too_small(budget, fixed_tokens, turn_tokens, step_tokens))
    start = keep_from
    while start > 0 and sizes[start - 1] <= room:
        start -= 1
        room -= sizes[start]
    # Chat templates expect the conversation to open with the user; a reply alone is no help.
    while start < keep_from and _role(items[start]) != "user":
        start += 1
    return list(items[start:])


def _role(item: TResponseInputItem | Any) -> str | None:
    """Return an item's role, if it is a message."""
    if isinstance(item, dict):
        return item.get("role")
    return getattr(item, "role", None)


def _too_small(budget: ContextBudget, fixed_tokens: int, turn_tokens: int, step_tokens: int) -> str:
    """Explain what overflowed and which setting to change when not even one turn fits."""
    needed = fixed_tokens + turn_tokens + budget.reply_tokens
    if step_tokens:
        what = "This turn's tool calls and results do not fit the model's context"
        parts = f"your message {turn_tokens - step_tokens:,}, tool steps {step_tokens:,}"
        shorter = "ask for less at once"
    else:
        what = "This message does not fit the model's context"
        parts = f"this turn {turn_tokens:,}"
        shorter = "send a shorter message"
    return (
        f"{what}: it needs about {needed:,} tokens (instructions and tools {fixed_tokens:,}, "
        f"{parts}, reply {budget.reply_tokens:,}) but {SETTING}={budget.context_tokens:,}. "
        f"Raise {SETTING} and the model server's context size (llama-server -c, "
        f"Ollama num_ctx, LM Studio context length), or {shorter}."
    )
