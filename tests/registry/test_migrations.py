"""The schema comes from the Alembic migrations, and the models never drift from them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from legitka.registry import migrate
from legitka.registry.db import make_engine
from legitka.registry.models import Base


def test_models_match_the_migrations(db_url):
    engine = make_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], (
        "The models differ from the migrations: write a new Alembic revision "
        f"(legitka db revision) for: {diff}"
    )


def test_database_is_at_head(db_url):
    engine = make_engine(db_url)
    assert migrate.current_revision(engine) == migrate.head_revision(db_url)
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
    engine.dispose()


def test_migrations_go_down_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(url)
    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
    engine.dispose()
