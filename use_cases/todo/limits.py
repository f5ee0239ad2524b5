"""How much one user may keep: read once from the environment (or `.env`), checked on every add.

The todo use case owns these settings, so the generic `chatkit_bridge.settings` stays free of
todo knowledge; the variables are listed in the README's configuration table all the same.
"""

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from chatkit_bridge.use_case_names import UseCaseError


class TodoLimits(BaseSettings):
    """Per-user bounds that keep one user's data from slowing everybody else down."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    todo_max_per_user: int = Field(default=10_000, ge=1)
    todo_max_title_length: int = Field(default=500, ge=1, le=100_000)


def load_limits() -> TodoLimits:
    """Read the limits; a bad value stops the start with one line naming the variable."""
    try:
        return TodoLimits()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "TODO_*"
        raise UseCaseError(
            f"{name}={first.get('input')!s} is not valid; allowed: a whole number >= 1"
        ) from None
