"""Settings: a wrong value stops `python app.py` with one clear line and exit code 2."""

import subprocess
import sys
from pathlib import Path

import pytest

from chatkit_bridge.settings import Provider, Settings, SettingsError, load_settings
from tests.app_process import app_environment

ROOT = Path(__file__).resolve().parents[1]
SETTING_NAMES = (
    "LLM_PROVIDER",
    "AZURE_OPENAI_ENDPOINT",
    "AZURE_OPENAI_API_KEY",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "APP_PORT",
    "DATA_STORE_PATH",
    "LOG_LEVEL",
    "AUTH_MODE",
    "STORAGE_SECRET",
    "ALLOWED_ORIGINS",
    "SESSION_MAX_AGE_DAYS",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Clear every setting and point the data folder at a temp folder."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("DATA_STORE_PATH", str(tmp_path / "data"))
    return tmp_path


def run_app(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Start `python app.py` with only the given settings."""
    base = {k: v for k, v in app_environment().items() if k not in SETTING_NAMES}
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        env={**base, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LLM_PROVIDER": "gemini"}, "LLM_PROVIDER=gemini is not valid; allowed: auto, offline"),
        ({"APP_PORT": "70000"}, "APP_PORT=70000 is not valid; allowed: a whole number from 1"),
        ({"APP_PORT": "eighty"}, "APP_PORT=eighty is not valid"),
        ({"LLM_PROVIDER": "azure"}, "AZURE_OPENAI_ENDPOINT is empty but LLM_PROVIDER=azure"),
        ({"LLM_PROVIDER": "openai"}, "OPENAI_API_KEY is empty but LLM_PROVIDER=openai"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL=LOUD is not valid; allowed: DEBUG, INFO"),
        ({"AUTH_MODE": "magic"}, "AUTH_MODE=magic is not valid; allowed: browser or easyauth"),
        ({"STORAGE_SECRET": "hunter2"}, "STORAGE_SECRET is too short (7 characters); allowed"),
        ({"ALLOWED_ORIGINS": "chat.example.com"}, "ALLOWED_ORIGINS=chat.example.com is not"),
        ({"ALLOWED_ORIGINS": "https://a.example/app"}, "allowed: origins like https://"),
        ({"SESSION_MAX_AGE_DAYS": "0"}, "SESSION_MAX_AGE_DAYS=0 is not valid; allowed: a whole"),
    ],
)
def test_bad_value_stops_the_app_with_one_line(
    clean_env: Path, env: dict[str, str], expected: str
) -> None:
    result = run_app({"DATA_STORE_PATH": str(clean_env / "data"), **env}, clean_env)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_data_folder_that_cannot_be_created_stops_the_app(clean_env: Path) -> None:
    blocker = clean_env / "a-file"
    blocker.write_text("not a folder")
    result = run_app({"DATA_STORE_PATH": str(blocker / "data")}, clean_env)
    assert result.returncode == 2
    assert f"DATA_STORE_PATH={blocker / 'data'} is not a writable folder" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "provider"),
    [
        ({}, Provider.OFFLINE),
        ({"AZURE_OPENAI_ENDPOINT": "https://x.openai.azure.com/"}, Provider.AZURE),
        ({"OPENAI_API_KEY": "sk-test"}, Provider.OPENAI),
        ({"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"}, Provider.OPENAI),
        (
            {"AZURE_OPENAI_ENDPOINT": "https://x.openai.azure.com/", "OPENAI_API_KEY": "k"},
            Provider.AZURE,
        ),
        ({"LLM_PROVIDER": "offline", "OPENAI_API_KEY": "sk-test"}, Provider.OFFLINE),
        ({"LLM_PROVIDER": "OpenAI", "OPENAI_API_KEY": "sk-test"}, Provider.OPENAI),
    ],
)
def test_auto_provider_follows_the_configured_variables(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], provider: Provider
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert load_settings().provider is provider


def test_seed_defaults_are_kept(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATA_STORE_PATH")
    settings = Settings()
    assert (settings.app_host, settings.app_port) == ("0.0.0.0", 8000)
    assert settings.azure_openai_deployment == "gpt-4o"
    assert settings.data_store_path == Path("data")
    assert settings.log_level == "INFO"


def test_generated_storage_secret_survives_a_restart(clean_env: Path) -> None:
    first = load_settings().storage_secret
    second = load_settings().storage_secret
    assert len(first) >= 32
    assert first == second


def test_generated_storage_secret_is_private_and_written_whole(clean_env: Path) -> None:
    secret = load_settings().storage_secret

    kept = clean_env / "data" / ".storage_secret"
    assert kept.read_text() == secret
    assert kept.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in kept.parent.iterdir()] == [".storage_secret"], "no temp file left"


@pytest.mark.parametrize("content", ["", "\n", "short-key"], ids=["empty", "newline", "short"])
def test_an_empty_or_short_kept_secret_is_replaced_by_a_strong_one(
    clean_env: Path, content: str
) -> None:
    kept = clean_env / "data" / ".storage_secret"
    kept.parent.mkdir()
    kept.write_text(content)
    kept.chmod(0o644)

    secret = load_settings().storage_secret

    assert len(secret) >= 32
    assert kept.read_text() == secret
    assert kept.stat().st_mode & 0o777 == 0o600
    assert load_settings().storage_secret == secret


def test_secrets_do_not_show_in_the_settings_repr(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret")
    monkeypatch.setenv("STORAGE_SECRET", "cookie-secret-at-least-32-characters")
    assert "sk-very-secret" not in repr(load_settings())
    assert "cookie-secret" not in repr(load_settings())


def test_settings_error_is_raised_in_process(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM_PROVIDER", "azure")
    with pytest.raises(SettingsError, match="AZURE_OPENAI_ENDPOINT"):
        load_settings()
