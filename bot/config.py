"""The one settings class: read once at start (environment and ``.env``) and passed down.

Platform secrets use each platform's own variable names; everything else
carries the ``UDBUDSBOT_`` prefix.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "udbudsbot"


def _platform(name: str) -> AliasChoices:
    """Accept a platform variable by its own name (``TELEGRAM_BOT_TOKEN``)."""
    return AliasChoices(name, f"UDBUDSBOT_{name}")


class Settings(BaseSettings):
    """Every setting of udbudsbot; the README's configuration table mirrors this class."""

    model_config = SettingsConfigDict(
        env_prefix="UDBUDSBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None
    knowledge_dir: Path | None = None
    embedding_model: str | None = None
    answer_threshold: float = Field(default=0.55, ge=0.0, le=1.0)
    staff_ids: Annotated[tuple[str, ...], NoDecode] = ()
    staff_language: str = Field(default="da", pattern="^(da|en)$")
    escalation_remind_after: float = Field(default=1.0, gt=0)
    retention_days: int = Field(default=180, ge=1)
    stale_after_months: int = Field(default=24, ge=1)
    """A fact whose ``as_of`` is older than this is listed for review (knowledge check, report)."""
    learned_poll_seconds: float = Field(default=10.0, gt=0)
    delivery_give_up_hours: float = Field(default=24.0, gt=0)
    public_url: str | None = None
    http_port: int = Field(default=8080, ge=0, le=65535)
    log_level: str = "INFO"

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias=_platform("TELEGRAM_BOT_TOKEN")
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        validation_alias=_platform("TELEGRAM_API_BASE_URL"),
    )
    telegram_staff_chat_id: int | None = Field(
        default=None, validation_alias=_platform("TELEGRAM_STAFF_CHAT_ID")
    )
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, validation_alias=_platform("TELEGRAM_WEBHOOK_SECRET")
    )

    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=_platform("SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias=_platform("SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=_platform("SLACK_APP_TOKEN")
    )
    slack_api_base_url: str = Field(
        default="https://slack.com/api/", validation_alias=_platform("SLACK_API_BASE_URL")
    )
    slack_staff_channel: str | None = Field(
        default=None, validation_alias=_platform("SLACK_STAFF_CHANNEL")
    )

    @field_validator("staff_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def resolved_database_url(self) -> str:
        """The configured database, or a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'udbudsbot.db'}"

    @property
    def index_cache_dir(self) -> Path:
        return self.data_dir / "index"
