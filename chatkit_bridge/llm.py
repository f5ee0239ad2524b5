"""Build the Agents SDK model the settings ask for."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlparse

from agents import OpenAIChatCompletionsModel, OpenAIResponsesModel, set_tracing_disabled
from agents.models.interface import Model
from azure.core.credentials_async import AsyncTokenCredential
from openai import AsyncAzureOpenAI, AsyncOpenAI

from chatkit_bridge.interpreter import Interpreter
from chatkit_bridge.offline_model import OfflineModel
from chatkit_bridge.settings import Provider, Settings

AZURE_SCOPE = "https://cognitiveservices.azure.com/.default"
# Local OpenAI-compatible servers (Ollama, vLLM) accept any key but the client insists on one.
PLACEHOLDER_API_KEY = "not-needed"


@dataclass(frozen=True)
class ModelChoice:
    """The model to run and how to name it to people."""

    model: Model
    provider: Provider
    label: str
    chat_completions: bool


def build_model(
    settings: Settings,
    interpreter: Callable[[], Interpreter],
    azure_credential: AsyncTokenCredential | None = None,
) -> ModelChoice:
    """Build the model for the configured provider; the offline one needs no account."""
    set_tracing_disabled(not settings.enable_tracing)
    provider = settings.provider
    if provider is Provider.AZURE:
        return _azure_model(settings, azure_credential)
    if provider is Provider.OPENAI:
        return _openai_model(settings)
    return ModelChoice(OfflineModel(interpreter()), Provider.OFFLINE, "Offline demo model", False)


def _azure_model(settings: Settings, credential: AsyncTokenCredential | None) -> ModelChoice:
    """Use Azure OpenAI with a key when one is set, else Entra ID."""
    auth: dict[str, object]
    if settings.azure_openai_api_key:
        auth = {"api_key": settings.azure_openai_api_key}
    else:
        auth = {"azure_ad_token_provider": _entra_token_provider(credential)}
    client = AsyncAzureOpenAI(
        azure_endpoint=settings.azure_openai_endpoint,
        api_version=settings.azure_openai_api_version,
        timeout=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
        **auth,  # type: ignore[arg-type]
    )
    deployment = settings.azure_openai_deployment
    label = f"Azure OpenAI · {deployment}"
    if settings.azure_openai_api == "responses":
        return ModelChoice(OpenAIResponsesModel(deployment, client), Provider.AZURE, label, False)
    return ModelChoice(OpenAIChatCompletionsModel(deployment, client), Provider.AZURE, label, True)


def _entra_token_provider(
    credential: AsyncTokenCredential | None,
) -> Callable[[], Awaitable[str]]:
    """Return a bearer-token callable that refreshes tokens on its own."""
    from azure.identity.aio import DefaultAzureCredential, get_bearer_token_provider

    return get_bearer_token_provider(credential or DefaultAzureCredential(), AZURE_SCOPE)


def _openai_model(settings: Settings) -> ModelChoice:
    """Use OpenAI, or an OpenAI-compatible server when a base URL is set."""
    client = AsyncOpenAI(
        api_key=settings.openai_api_key or PLACEHOLDER_API_KEY,
        base_url=settings.openai_base_url or None,
        timeout=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
    )
    name = settings.openai_model
    if settings.openai_base_url:
        host = urlparse(settings.openai_base_url).netloc or settings.openai_base_url
        label = f"OpenAI-compatible · {name} @ {host}"
        return ModelChoice(OpenAIChatCompletionsModel(name, client), Provider.OPENAI, label, True)
    return ModelChoice(
        OpenAIResponsesModel(name, client), Provider.OPENAI, f"OpenAI · {name}", False
    )
