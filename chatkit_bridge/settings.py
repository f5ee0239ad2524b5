"""Settings read from the environment and `.env`, checked once at start."""

import os
from enum import StrEnum
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from chatkit_bridge.secret_file import MIN_SECRET_LENGTH, read_or_create_secret

SECRET_FILE_NAME = ".storage_secret"


class Provider(StrEnum):
    """Which model answers."""

    AUTO = "auto"
    OFFLINE = "offline"
    AZURE = "azure"
    OPENAI = "openai"


class SettingsError(Exception):
    """A setting has a value the app cannot run with; the message names it."""


class Settings(BaseSettings):
    """Every knob of the app, with the seed's names and defaults."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    azure_openai_endpoint: str = ""
    azure_openai_deployment: str = "gpt-4o"
    azure_openai_api_version: str = "2025-01-01-preview"
    azure_openai_api_key: str = Field(default="", repr=False)
    azure_openai_api: Literal["chat_completions", "responses"] = "chat_completions"
    openai_api_key: str = Field(default="", repr=False)
    openai_base_url: str = ""
    openai_model: str = "gpt-4o-mini"
    llm_provider: Provider = Provider.AUTO
    llm_timeout_seconds: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    # 0 means "the provider's default" (see chatkit_bridge.llm.default_context_tokens).
    llm_context_tokens: int = Field(default=0, ge=0)
    llm_turn_timeout_seconds: float = Field(default=180.0, gt=0)
    enable_tracing: bool = False
    app_host: str = "0.0.0.0"
    app_port: int = Field(default=8000, ge=1, le=65535)
    data_store_path: Path = Path("./data")
    max_threads_per_user: int = Field(default=2000, ge=1)
    max_items_per_thread: int = Field(default=5000, ge=10)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    storage_secret: str = Field(default="", repr=False)
    auth_mode: Literal["browser", "easyauth"] = "browser"
    use_cases: str = Field(
        default="todo", pattern=r"^\s*[a-z][a-z0-9_]*(\s*,\s*[a-z][a-z0-9_]*)*\s*$"
    )
    database_url: str = Field(default="", repr=False, pattern=r"^(|postgres(ql)?://.*)$")
    database_auth: Literal["password", "entra"] = "password"
    allowed_origins: str = ""
    session_max_age_days: int = Field(default=365, ge=1, le=3650)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator(
        "llm_provider", "auth_mode", "azure_openai_api", "database_auth", mode="before"
    )
    @classmethod
    def _lower_choice(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def use_case_names(self) -> list[str]:
        """Return the use cases to serve, first one first, without repeats."""
        return list(dict.fromkeys(name.strip() for name in self.use_cases.split(",")))

    @property
    def provider(self) -> Provider:
        """Resolve `auto` to the provider the configured variables point at."""
        if self.llm_provider is not Provider.AUTO:
            return self.llm_provider
        if self.azure_openai_endpoint:
            return Provider.AZURE
        if self.openai_api_key or self.openai_base_url:
            return Provider.OPENAI
        return Provider.OFFLINE


def _describe(error: ValidationError) -> str:
    """Turn the first validation error into one line naming the variable."""
    first = error.errors()[0]
    variable = str(first["loc"][0]).upper() if first["loc"] else "settings"
    allowed = {
        "LLM_PROVIDER": "auto, offline, azure or openai",
        "APP_PORT": "a whole number from 1 to 65535",
        "LOG_LEVEL": "DEBUG, INFO, WARNING, ERROR or CRITICAL",
        "AUTH_MODE": "browser or easyauth",
        "AZURE_OPENAI_API": "chat_completions or responses",
        "LLM_TIMEOUT_SECONDS": "a number of seconds above 0",
        "LLM_MAX_RETRIES": "a whole number from 0 to 10",
        "LLM_CONTEXT_TOKENS": "a whole number of tokens, 0 for the provider's default",
        "LLM_TURN_TIMEOUT_SECONDS": "a number of seconds above 0",
        "ENABLE_TRACING": "true or false",
        "MAX_THREADS_PER_USER": "a whole number from 1",
        "MAX_ITEMS_PER_THREAD": "a whole number from 10",
        "USE_CASES": "comma-separated folder names under use_cases/, e.g. todo,rooms",
        "DATABASE_URL": "empty (TinyDB files) or postgresql://user@host:port/database",
        "DATABASE_AUTH": "password (as in DATABASE_URL) or entra (an Entra ID token)",
        "SESSION_MAX_AGE_DAYS": "a whole number of days from 1 to 3650",
    }.get(variable)
    given = "<hidden>" if variable == "DATABASE_URL" else first.get("input")  # may hold a password
    detail = f"allowed: {allowed}" if allowed else first["msg"]
    return f"{variable}={given!s} is not valid; {detail}"


def _check_data_folder(folder: Path) -> None:
    """Create the data folder and prove we can write into it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-probe-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as error:
        raise SettingsError(
            f"DATA_STORE_PATH={folder} is not a writable folder ({error.strerror}); "
            "allowed: a folder this user can create and write"
        ) from error


def _storage_secret(settings: Settings) -> str:
    """Return STORAGE_SECRET, or one generated once and kept in the data folder."""
    given = settings.storage_secret.strip()
    if given and len(given) < MIN_SECRET_LENGTH:
        # A short key can be guessed offline from one cookie, and then any session forged.
        raise SettingsError(
            f"STORAGE_SECRET is too short ({len(given)} characters); allowed: at least "
            f"{MIN_SECRET_LENGTH} random characters, or empty to generate one"
        )
    if given or settings.database_url:
        # With a database, every process shares the secret kept there (see backends).
        return given
    try:
        return read_or_create_secret(settings.data_store_path / SECRET_FILE_NAME)
    except OSError as error:
        raise SettingsError(
            f"DATA_STORE_PATH={settings.data_store_path}: cannot keep the session key in "
            f"{SECRET_FILE_NAME} ({error.strerror}); "
            "allowed: a writable folder, or set STORAGE_SECRET"
        ) from error


def parse_origins(text: str) -> frozenset[str]:
    """Parse ALLOWED_ORIGINS: `scheme://host[:port]` entries separated by commas or spaces."""
    origins = set()
    for entry in text.replace(",", " ").split():
        parts = urlsplit(entry.lower())
        extra = parts.path.strip("/") or parts.query or parts.fragment
        if parts.scheme not in {"http", "https"} or not parts.hostname or extra:
            raise SettingsError(
                f"ALLOWED_ORIGINS={text} is not valid; allowed: origins like "
                "https://chat.example.com or http://localhost:5173, separated by commas"
            )
        origins.add(f"{parts.scheme}://{parts.netloc}")
    return frozenset(origins)


def load_settings() -> Settings:
    """Read and check the settings; raise SettingsError with one clear line."""
    try:
        settings = Settings()
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None
    if settings.provider is Provider.AZURE and not settings.azure_openai_endpoint:
        raise SettingsError(
            "AZURE_OPENAI_ENDPOINT is empty but LLM_PROVIDER=azure; "
            "allowed: https://<resource>.openai.azure.com/"
        )
    if settings.provider is Provider.OPENAI and not (
        settings.openai_api_key or settings.openai_base_url
    ):
        raise SettingsError(
            "OPENAI_API_KEY is empty but LLM_PROVIDER=openai; "
            "allowed: an API key, or OPENAI_BASE_URL for a local server"
        )
    parse_origins(settings.allowed_origins)
    _check_data_folder(settings.data_store_path)
    settings.storage_secret = _storage_secret(settings)
    return settings
