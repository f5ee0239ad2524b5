"""Explain model failures in words a person understands."""

import logging
import re
from typing import TypeVar

import openai
from agents.exceptions import AgentsException, MaxTurnsExceeded, ModelBehaviorError
from chatkit.errors import CustomStreamError

from chatkit_bridge.budget import SETTING, ContextBudget, ContextTooSmall
from chatkit_bridge.settings import Provider

logger = logging.getLogger(__name__)
E = TypeVar("E", bound=BaseException)

_ENDPOINT_VARIABLE = {
    Provider.AZURE: "AZURE_OPENAI_ENDPOINT",
    Provider.OPENAI: "OPENAI_BASE_URL",
}
_CREDENTIAL_HINT = {
    Provider.AZURE: "run `az login` or set AZURE_OPENAI_API_KEY",
    Provider.OPENAI: "check OPENAI_API_KEY",
}
# "... exceeds the available context size (1024 tokens)" (llama.cpp), "maximum context length is
# 128000 tokens" (OpenAI), "context length of only 4096 tokens" (LM Studio).
_CONTEXT_SIZE = re.compile(r"context (?:size|length)\D{0,24}(\d+)", re.IGNORECASE)
_CONTEXT_ERRORS = ("exceed_context_size_error", "context_length_exceeded")
_MODEL_VARIABLE = {
    Provider.AZURE: "AZURE_OPENAI_DEPLOYMENT",
    Provider.OPENAI: "OPENAI_MODEL",
}


def friendly_model_error(
    error: Exception, provider: Provider, budget: ContextBudget | None = None
) -> CustomStreamError:
    """Log the real cause and return an error with a clear message."""
    if isinstance(error, CustomStreamError):
        return error
    too_small = _in_chain(error, ContextTooSmall)
    if too_small is not None:
        logger.warning("model context too small: %s", too_small)
        return CustomStreamError(str(too_small), allow_retry=False)
    if budget is not None and _context_overflow(error):
        logger.warning("model context overflow (%s): %r", provider.value, error)
        return _overflow_error(error, budget)
    # A failing model service is an outside condition, not a bug in this app: warn.
    logger.warning("model call failed (%s): %r", provider.value, error, exc_info=error)
    # Retrying cannot fix credentials, permissions or a model name: only the settings can.
    settings_problem = isinstance(
        error, openai.AuthenticationError | openai.PermissionDeniedError | openai.NotFoundError
    )
    return CustomStreamError(_message(error, provider), allow_retry=not settings_problem)


def _message(error: Exception, provider: Provider) -> str:
    """Pick the sentence for the kind of failure."""
    if isinstance(error, openai.APITimeoutError):
        return "The model took too long to answer; try again in a moment."
    if isinstance(error, openai.APIConnectionError) and _broke_midway(error):
        return "The model service dropped the connection mid-answer; try again."
    if isinstance(error, openai.APIConnectionError):
        variable = _ENDPOINT_VARIABLE.get(provider, "the model settings")
        return f"The model service is not reachable; check {variable}."
    if isinstance(error, openai.RateLimitError):
        return "The model service is rate limited; try again in a moment."
    if isinstance(error, (openai.AuthenticationError, openai.PermissionDeniedError)):
        hint = _CREDENTIAL_HINT.get(provider, "check the model credentials")
        return f"The model service refused our credentials; {hint}."
    if isinstance(error, openai.NotFoundError):
        variable = _MODEL_VARIABLE.get(provider, "the model name")
        return f"The model service does not know this model; check {variable}."
    if isinstance(error, openai.APIStatusError):
        return f"The model service failed (HTTP {error.status_code}); try again in a moment."
    if isinstance(error, (ModelBehaviorError, MaxTurnsExceeded)):
        return "The model gave an answer that could not be used; try again."
    if type(error).__name__ == "ClientAuthenticationError":
        return "Could not get an Azure token; run `az login` or set AZURE_OPENAI_API_KEY."
    if isinstance(error, AgentsException):
        return "The assistant could not finish this reply; try again."
    return "Something went wrong while answering; try again."


def _broke_midway(error: openai.APIConnectionError) -> bool:
    """Tell a stream cut halfway from a server that never answered."""
    # openai may ship its own copy of httpx, so the cause is recognised by its class name.
    return type(error.__cause__).__name__ in {"RemoteProtocolError", "ReadError"}


def turn_timeout_error(seconds: float) -> CustomStreamError:
    """Explain that a whole turn took longer than allowed."""
    return CustomStreamError(
        f"The model did not finish this reply within {seconds:g} seconds "
        "(LLM_TURN_TIMEOUT_SECONDS); try again, or raise it for a slow model.",
        allow_retry=True,
    )


def _in_chain(error: BaseException, kind: type[E]) -> E | None:
    """Find an exception of a kind among an error and its causes."""
    current: BaseException | None = error
    while current is not None:
        if isinstance(current, kind):
            return current
        current = current.__cause__ or current.__context__
    return None


def _context_overflow(error: Exception) -> bool:
    """Tell a request that did not fit the server's context from other refusals."""
    if not isinstance(error, openai.BadRequestError):
        return False
    text = f"{error.code} {error.type} {error.message}".lower()
    return any(kind in text for kind in _CONTEXT_ERRORS) or (
        "context" in text and any(word in text for word in ("exceed", "maximum", "larger"))
    )


def _overflow_error(error: openai.BadRequestError, budget: ContextBudget) -> CustomStreamError:
    """Shrink the budget to what the server can take and say how to make that stick."""
    match = _CONTEXT_SIZE.search(error.message)
    reported = int(match.group(1)) if match else 0
    current = budget.context_tokens
    if reported and (not budget.limited or reported < current):
        target = reported
    else:
        # No size given, or our estimate undercounts this model's tokens: send a quarter less.
        target = current * 3 // 4
    if target and budget.learn(target):
        return CustomStreamError(
            "The conversation did not fit the model's context; older messages are left out "
            f"from now on, so Retry will work. To start that way, set {SETTING}="
            f"{budget.context_tokens}.",
            allow_retry=True,
        )
    return CustomStreamError(
        f"The request did not fit the model's context; set {SETTING} to the model server's "
        "context size, or raise that (llama-server -c, Ollama num_ctx).",
        allow_retry=False,
    )
