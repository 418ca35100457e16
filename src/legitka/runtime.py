"""What every surface needs at run time: settings, the database, the clock and the keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from legitka.clock import Clock, SystemClock
from legitka.config import Settings
from legitka.credentials.keys import SigningKey
from legitka.credentials.pki import Pki
from legitka.issuer.config import IssuerConfig
from legitka.registry import migrate
from legitka.registry.db import make_engine, session_factory

OUTBOUND_TIMEOUT = 5.0  # seconds for a status list or trust list fetched by the verifier


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)

    @cached_property
    def pki(self) -> Pki:
        """The certificates and keys in ``data_dir/pki`` (``legitka pki init`` creates them)."""
        return Pki(self.settings.pki_dir, self.settings.key_passphrase)

    @cached_property
    def issuer_config(self) -> IssuerConfig:
        return IssuerConfig.from_settings(self.settings)

    def issuer_key(self, slug: str) -> SigningKey:
        """The key a university's issuer signs with now (the newest valid one)."""
        return self.pki.issuer_keyring(slug).signing_key(self.clock.now())

    @cached_property
    def outbound(self) -> httpx.Client:
        """The process's client for what the verifier fetches (status lists, trust lists): one
        connection pool and one TLS context shared by every request instead of one each."""
        return httpx.Client(timeout=OUTBOUND_TIMEOUT)

    def close(self) -> None:
        if "outbound" in self.__dict__:
            self.outbound.close()
        self.engine.dispose()


def pool_options(settings: Settings) -> dict[str, int]:
    """The connection pool of a PostgreSQL engine (SQLite keeps its one connection)."""
    if settings.effective_database_url.startswith("sqlite"):
        return {}
    return {"pool_size": settings.database_pool_size}


def open_runtime(
    settings: Settings, *, clock: Clock | None = None, upgrade: bool = True
) -> Runtime:
    """Connect to the configured database, migrating it to the newest schema first."""
    url = settings.effective_database_url
    if upgrade:
        migrate.upgrade(url)
    engine = make_engine(url, **pool_options(settings))
    return Runtime(settings, engine, session_factory(engine), clock or SystemClock())
