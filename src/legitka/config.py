"""Configuration: environment first (``LEGITKA_*``), then an optional TOML file, then defaults.

The TOML file is named by ``--config`` or ``LEGITKA_CONFIG``; its keys are the field names below
(``database_url = "postgresql://…"``). Secrets are ``SecretStr`` and never printed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from legitka.domain.errors import InvalidInput

CONFIG_ENV = "LEGITKA_CONFIG"
DEMO_DATA_DIR = Path("data/demo")


class Settings(BaseSettings):
    """Every setting of legitka. ``docs/configuration.md`` documents each one (a test checks)."""

    model_config = SettingsConfigDict(env_prefix="LEGITKA_", extra="forbid")

    data_dir: Path = Field(
        default=Path("data"), description="Folder for the SQLite database, keys and uploads."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: an SQLite file in data_dir. "
        "postgresql://user@host/db for production.",
    )
    host: str = Field(default="127.0.0.1", description="Address `legitka serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `legitka serve` listens on.")
    base_url: str | None = Field(
        default=None,
        description="Public URL of this deployment (https://id.example.edu); "
        "default http://host:port.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr("change-me-in-production"),
        description="Secret for signing sessions and cookies.",
    )
    demo: bool = Field(default=False, description="Create and serve the demo data.")
    log_level: str = Field(default="info", description="Log level: debug, info, warning, error.")
    default_locale: str = Field(default="pl", description="Language when a client asks for none.")

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        scheme = value.split(":", 1)[0]
        if scheme.split("+", 1)[0] not in {"sqlite", "postgresql", "postgres"}:
            raise ValueError(
                f"unsupported database '{scheme}': use sqlite:///path or postgresql://user@host/db"
            )
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def effective_database_url(self) -> str:
        """The SQLAlchemy URL with the driver named (psycopg 3 for PostgreSQL)."""
        url = self.database_url or f"sqlite:///{self.data_dir / 'legitka.sqlite3'}"
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    @property
    def effective_base_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the environment and ``config_file``; ``overrides`` (CLI flags) win.

    A bad value raises :class:`InvalidInput` naming the setting.
    """
    from pydantic import ValidationError

    if config_file is None and os.environ.get(CONFIG_ENV):
        config_file = Path(os.environ[CONFIG_ENV])
    settings_cls: type[Settings] = Settings
    if config_file is not None:
        if not config_file.is_file():
            raise InvalidInput(
                "config_not_found",
                f"The configuration file {config_file} does not exist.",
                field="config",
            )

        class FileSettings(Settings):
            model_config = SettingsConfigDict(**{**Settings.model_config, "toml_file": config_file})

        settings_cls = FileSettings
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = settings_cls(**clean)
    except (ValidationError, ValueError) as exc:
        if not isinstance(exc, ValidationError):
            raise InvalidInput(
                "invalid_config_file",
                f"The configuration file cannot be read: {exc}",
                field="config",
            ) from None
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"]) or "configuration"
        raise InvalidInput(
            "invalid_setting",
            f"Setting '{name}' is wrong: {first['msg']} (LEGITKA_{name.upper()} or the TOML file).",
            field=name,
        ) from None
    if settings.demo and "data_dir" not in settings.model_fields_set:
        # The demo keeps its own database, apart from any real register in ./data.
        settings = settings.model_copy(update={"data_dir": DEMO_DATA_DIR})
    return settings
