"""Name the configured model for people, without loading the model's libraries.

The chat page shows this name in its header; it can be built before the Agents SDK and openai
have loaded (chatkit_bridge/startup.py), so it lives apart from chatkit_bridge.llm.
"""

from urllib.parse import urlparse

from chatkit_bridge.settings import Provider, Settings

OFFLINE_LABEL = "Offline demo model"


def model_label(settings: Settings) -> str:
    """Return how the page names the model the settings ask for."""
    match settings.provider:
        case Provider.AZURE:
            return f"Azure OpenAI · {settings.azure_openai_deployment}"
        case Provider.OPENAI if settings.openai_base_url:
            host = urlparse(settings.openai_base_url).netloc or settings.openai_base_url
            return f"OpenAI-compatible · {settings.openai_model} @ {host}"
        case Provider.OPENAI:
            return f"OpenAI · {settings.openai_model}"
        case _:
            return OFFLINE_LABEL
