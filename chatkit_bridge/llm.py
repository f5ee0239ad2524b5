"""Build the Agents SDK model the settings ask for."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from agents import (
    ModelRetrySettings,
    ModelSettings,
    OpenAIChatCompletionsModel,
    OpenAIResponsesModel,
    retry_policies,
    set_tracing_disabled,
)
from agents.models.interface import Model
from azure.core.credentials_async import AsyncTokenCredential
from openai import AsyncAzureOpenAI, AsyncOpenAI

from chatkit_bridge.budget import ContextBudget, default_context_tokens
from chatkit_bridge.interpreter import Interpreter
from chatkit_bridge.model_label import model_label
from chatkit_bridge.offline_model import OfflineModel
from chatkit_bridge.settings import Provider, Settings
from chatkit_bridge.stream_watch import watched_http_client

AZURE_SCOPE = "https://cognitiveservices.azure.com/.default"
# Local OpenAI-compatible servers (Ollama, vLLM) accept any key but the client insists on one.
PLACEHOLDER_API_KEY = "not-needed"
# Answers that may differ next time. A 500 is not here: servers such as llama.cpp answer 500
# to a request they can never serve (e.g. broken tool-call JSON), and repeating it only waits.
TRANSIENT_STATUSES = (408, 429, 502, 503, 504)
DEFAULT_TURN_TIMEOUT_SECONDS = 180.0


@dataclass(frozen=True)
class ModelChoice:
    """The model to run, how to name it to people, and the limits of one turn."""

    model: Model
    provider: Provider
    label: str
    chat_completions: bool
    budget: ContextBudget = field(default_factory=lambda: ContextBudget(0))
    model_settings: ModelSettings = field(default_factory=ModelSettings)
    turn_timeout_seconds: float = DEFAULT_TURN_TIMEOUT_SECONDS

    @property
    def offline(self) -> bool:
        """Tell whether the built-in rule-based model answers."""
        return self.provider is Provider.OFFLINE


def build_model(
    settings: Settings,
    interpreter: Callable[[], Interpreter],
    azure_credential: AsyncTokenCredential | None = None,
) -> ModelChoice:
    """Build the model for the configured provider; the offline one needs no account."""
    set_tracing_disabled(not settings.enable_tracing)
    provider, label = settings.provider, model_label(settings)
    if provider is Provider.AZURE:
        choice = _azure_model(settings, azure_credential)
    elif provider is Provider.OPENAI:
        choice = _openai_model(settings)
    else:
        choice = ModelChoice(OfflineModel(interpreter()), Provider.OFFLINE, label, False)
    local = bool(settings.openai_base_url) and provider is Provider.OPENAI
    tokens = settings.llm_context_tokens or default_context_tokens(choice.provider, local)
    return ModelChoice(
        choice.model,
        choice.provider,
        choice.label,
        choice.chat_completions,
        budget=ContextBudget(tokens),
        model_settings=ModelSettings(retry=transient_retries(settings.llm_max_retries)),
        turn_timeout_seconds=settings.llm_turn_timeout_seconds,
    )


def transient_retries(max_retries: int) -> ModelRetrySettings:
    """Retry lost connections, timeouts and busy servers; never a deterministic refusal."""
    policy = retry_policies.any(
        retry_policies.network_error(), retry_policies.http_status(TRANSIENT_STATUSES)
    )
    return ModelRetrySettings(max_retries=max_retries, policy=policy)


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
        max_retries=0,  # the runner retries, and only what may succeed (transient_retries)
        http_client=watched_http_client(),
        **auth,  # type: ignore[arg-type]
    )
    deployment = settings.azure_openai_deployment
    label = model_label(settings)
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
        max_retries=0,  # the runner retries, and only what may succeed (transient_retries)
        http_client=watched_http_client(),
    )
    name, label = settings.openai_model, model_label(settings)
    if settings.openai_base_url:
        return ModelChoice(OpenAIChatCompletionsModel(name, client), Provider.OPENAI, label, True)
    return ModelChoice(OpenAIResponsesModel(name, client), Provider.OPENAI, label, False)
