"""Engines and sessions for SQLite (default, embedded) and PostgreSQL (production)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # One connection per process: SQLite writes one transaction at a time anyway, and
        # threads queueing for the connection take turns in order, where threads queueing for
        # SQLite's lock would each sleep and retry (its busy handler) and starve one another.
        options = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 60, **kwargs}
        if parsed.database in (None, "", ":memory:"):
            options = kwargs
        engine = create_engine(url, connect_args={"timeout": 30}, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
            # Let SQLAlchemy, not the driver, open transactions (see _begin_immediate).
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Any) -> None:
            # A transaction that reads and then writes must not start as a reader: when another
            # process writes in between, SQLite refuses the upgrade at once ("database is
            # locked") instead of waiting. Taking the write lock at BEGIN makes concurrent
            # requests wait their turn (busy_timeout) instead of failing.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # A few connections per process, and no overflow: requests beyond them wait their turn in
    # order (with the worker thread among them) instead of all running at once and starving it.
    options = {"pool_size": 5, "max_overflow": 0, "pool_timeout": 60, **kwargs}
    return create_engine(url, pool_pre_ping=True, **options)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits at the end of the block, or rolls back on any error."""
    with factory() as session, session.begin():
        yield session
