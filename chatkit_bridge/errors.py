"""Explain model failures in words a person understands."""

import logging

import openai
from agents.exceptions import AgentsException, MaxTurnsExceeded, ModelBehaviorError
from chatkit.errors import CustomStreamError

from chatkit_bridge.settings import Provider

logger = logging.getLogger(__name__)

_ENDPOINT_VARIABLE = {
    Provider.AZURE: "AZURE_OPENAI_ENDPOINT",
    Provider.OPENAI: "OPENAI_BASE_URL",
}
_CREDENTIAL_HINT = {
    Provider.AZURE: "run `az login` or set AZURE_OPENAI_API_KEY",
    Provider.OPENAI: "check OPENAI_API_KEY",
}
_MODEL_VARIABLE = {
    Provider.AZURE: "AZURE_OPENAI_DEPLOYMENT",
    Provider.OPENAI: "OPENAI_MODEL",
}


def friendly_model_error(error: Exception, provider: Provider) -> CustomStreamError:
    """Log the real cause and return a retryable error with a clear message."""
    if isinstance(error, CustomStreamError):
        return error
    # A failing model service is an outside condition, not a bug in this app: warn.
    logger.warning("model call failed (%s): %r", provider.value, error, exc_info=error)
    return CustomStreamError(_message(error, provider), allow_retry=True)


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
