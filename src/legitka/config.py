"""Configuration: environment first (``LEGITKA_*``), then an optional TOML file, then defaults.

The TOML file is named by ``--config`` or ``LEGITKA_CONFIG``; its keys are the field names below
(``database_url = "postgresql://…"``). Secrets are ``SecretStr`` and never printed.
"""

from __future__ import annotations

import os
from email.utils import parseaddr
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
DEMO_KEY_PASSPHRASE = "legitka-demo"  # noqa: S105 (fictional demo keys only)


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
    key_passphrase: SecretStr | None = Field(
        default=None,
        description="Passphrase that encrypts the private key files in data_dir/pki.",
    )
    offer_days: int = Field(
        default=30, ge=1, le=365, description="Days a QR code and activation code stay valid."
    )
    activation_attempts: int = Field(
        default=5, ge=1, le=20, description="Wrong activation codes that burn an offer."
    )
    status_list_ttl: int = Field(
        default=300, ge=10, le=86400, description="Seconds verifiers may cache a status list."
    )
    status_list_lifetime: int = Field(
        default=86400,
        ge=600,
        le=86400,
        description="Seconds from signing a status list to its expiry (at most 24 hours).",
    )
    status_list_size: int = Field(
        default=100_000, ge=16, le=10_000_000, description="Entries in each status list."
    )
    refresh_token_days: int = Field(
        default=365, ge=1, le=730, description="Days a wallet's refresh token stays usable."
    )
    verifier_claims_retention: int = Field(
        default=300,
        ge=0,
        le=3600,
        description="Seconds the verifier keeps the shown data after its verdict.",
    )
    verifier_public_requests_per_minute: int = Field(
        default=30,
        ge=1,
        le=10_000,
        description="Verification requests one client address may create per minute "
        "on the public verifier page.",
    )
    verifier_api_open: bool = Field(
        default=False,
        description="Let the verifier's API be used without an API key (a private network).",
    )
    verifier_trusted_roots: list[Path] = Field(
        default_factory=list,
        description="PEM files of the root CAs whose issuers the verifier trusts; "
        "none: this deployment's own roots.",
    )
    verifier_trust_list_url: str | None = Field(
        default=None,
        description="URL of a signed trust list naming the issuers the verifier trusts.",
    )
    verifier_trust_list_roots: list[Path] = Field(
        default_factory=list,
        description="PEM files of the roots that sign the trust list; "
        "none: the verifier's trusted roots.",
    )
    worker: bool = Field(
        default=True, description="Run the background worker inside `legitka serve`."
    )
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="App processes `legitka serve` starts on its port (`--workers`); "
        "use PostgreSQL for more than one.",
    )
    database_pool_size: int = Field(
        default=5,
        ge=1,
        le=200,
        description="Connections each process keeps open to PostgreSQL; requests beyond them "
        "wait their turn.",
    )
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server that sends e-mails to students; none keeps them in the outbox.",
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_username: str | None = Field(
        default=None, description="User name for the SMTP server; none: no login."
    )
    smtp_password: SecretStr | None = Field(
        default=None, description="Password for the SMTP server."
    )
    smtp_starttls: bool = Field(
        default=True, description="Upgrade the SMTP connection with STARTTLS (port 587)."
    )
    smtp_ssl: bool = Field(
        default=False, description="Connect to the SMTP server over TLS from the start (port 465)."
    )
    mail_from: str = Field(
        default="legitka <no-reply@localhost>", description="Sender of the e-mails to students."
    )
    worker_lease_seconds: int = Field(
        default=60,
        ge=2,
        le=3600,
        description="Seconds a worker holds the orders it took; a dead worker's orders are "
        "taken up by another after that.",
    )

    @field_validator("verifier_trust_list_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("write an http(s) URL, e.g. https://id.example.edu/trust/list.json")
        return value.strip()

    @field_validator("smtp_host", "smtp_username")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return (value.strip() or None) if value is not None else None

    @field_validator("mail_from")
    @classmethod
    def _mail_address(cls, value: str) -> str:
        address = parseaddr(value)[1]
        if "@" not in address or "\n" in value or "\r" in value:
            raise ValueError("write an e-mail address, e.g. 'University <no-reply@example.edu>'")
        return value

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
    def pki_dir(self) -> Path:
        """Folder of the certificates and encrypted private keys (``legitka pki``)."""
        return self.data_dir / "pki"

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
    if settings.demo and settings.key_passphrase is None:
        # The demo's keys protect fictional students only; real deployments set their own.
        settings = settings.model_copy(update={"key_passphrase": SecretStr(DEMO_KEY_PASSPHRASE)})
    return settings
