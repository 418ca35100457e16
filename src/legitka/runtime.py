"""What every surface needs at run time: settings, the database and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from legitka.clock import Clock, SystemClock
from legitka.config import Settings
from legitka.registry import migrate
from legitka.registry.db import make_engine, session_factory


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)

    def close(self) -> None:
        self.engine.dispose()


def open_runtime(
    settings: Settings, *, clock: Clock | None = None, upgrade: bool = True
) -> Runtime:
    """Connect to the configured database, migrating it to the newest schema first."""
    url = settings.effective_database_url
    if upgrade:
        migrate.upgrade(url)
    engine = make_engine(url)
    return Runtime(settings, engine, session_factory(engine), clock or SystemClock())
