"""Shared fixtures: real databases (an SQLite file and a PostgreSQL server), a fixed clock.

Functional tests that take ``db_url`` (or ``runtime``/``sessions``) run once on SQLite and once on
PostgreSQL. Without a PostgreSQL server the PostgreSQL runs are skipped and the summary says so;
with ``LEGITKA_TEST_REQUIRE=postgresql`` (set by CI) a missing server fails the run instead.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from legitka.clock import FixedClock
from legitka.config import Settings
from legitka.registry import migrate
from legitka.registry.db import make_engine, session_factory
from legitka.registry.models import Base
from legitka.runtime import Runtime

POSTGRES_ADMIN_URL = os.environ.get(
    "LEGITKA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRED_GROUPS = {
    g.strip() for g in os.environ.get("LEGITKA_TEST_REQUIRE", "").split(",") if g.strip()
}
SKIPPED_GROUPS: dict[str, str] = {}

# 2026-11-22 11:00 in Warsaw: winter semester 2026/27.
NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


def skip_group(group: str, reason: str) -> None:
    """Skip a whole test group, or fail when CI requires that group."""
    if group in REQUIRED_GROUPS:
        pytest.fail(f"{group} tests are required here but cannot run: {reason}", pytrace=False)
    SKIPPED_GROUPS[group] = reason
    pytest.skip(f"{group} group skipped: {reason}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for group, reason in SKIPPED_GROUPS.items():
        terminalreporter.write_line(f"SKIPPED GROUP {group}: {reason}", yellow=True, bold=True)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    try:
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, OSError) as exc:
        where = POSTGRES_ADMIN_URL.rsplit("@", 1)[-1]
        skip_group("postgresql", f"no PostgreSQL server at {where} ({type(exc).__name__})")
    name = f"legitka_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    migrate.upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database: a fresh SQLite file, or a truncated PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "legitka.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_database")
    empty_postgres(url)
    return url


def empty_postgres(url: str) -> None:
    """Empty every table of the session's PostgreSQL database (kept migrated) for the next test."""
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def runtime(db_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(database_url=db_url, data_dir=tmp_path / "data")
    engine = make_engine(settings.effective_database_url)
    rt = Runtime(settings, engine, session_factory(engine), clock)
    yield rt
    rt.close()
