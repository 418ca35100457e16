"""``legitka demo create / accounts / generate`` on a temporary SQLite database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from legitka.cli import app
from legitka.demo.cases import CASES
from legitka.registry import migrate
from legitka.registry.db import make_engine, session_factory
from legitka.registry.models import Study

runner = CliRunner()


def new_database(folder: Path) -> str:
    url = f"sqlite:///{folder / 'legitka.sqlite3'}"
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = new_database(tmp_path_factory.mktemp("demo"))
    result = runner.invoke(app, ["demo", "create", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "Demo created" in result.stdout
    return url


def count_studies(url: str) -> int:
    engine = make_engine(url)
    with session_factory(engine)() as session:
        count = session.scalar(select(func.count()).select_from(Study)) or 0
    engine.dispose()
    return count


def test_create_twice_changes_nothing(demo_database: str) -> None:
    before = count_studies(demo_database)
    result = runner.invoke(app, ["demo", "create", "--database-url", demo_database])
    assert result.exit_code == 0, result.output
    assert "already exists" in result.stdout
    assert count_studies(demo_database) == before == len(CASES) + 1


def test_accounts_json_lists_every_login(demo_database: str) -> None:
    result = runner.invoke(app, ["demo", "accounts", "--json", "--database-url", demo_database])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and len(rows) == len(CASES)
    for row, case in zip(rows, CASES, strict=True):
        assert {"university", "login", "password", "album", "case", "eligible"} <= set(row)
        assert row["university"] == case.university
        assert row["login"] == case.login and row["password"] == case.password
        assert row["album"] == case.album
        assert isinstance(row["eligible"], bool) and row["eligible"] is case.eligible
        assert row["case"] == case.summary_en
        assert row["unmet"] == list(case.expect_unmet)
    assert {r["university"] for r in rows if r["eligible"]} == {"pd", "uw"}
    assert any(r["album"] is None for r in rows)


def test_accounts_in_polish_and_as_a_table(demo_database: str) -> None:
    result = runner.invoke(
        app, ["demo", "accounts", "--json", "--lang", "pl", "--database-url", demo_database]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["case"] == CASES[0].summary_pl
    table = runner.invoke(app, ["demo", "accounts", "--database-url", demo_database])
    assert table.exit_code == 0, table.output
    assert "anna.nowak" in table.stdout and "demo-anna-1" in table.stdout


def test_accounts_without_the_demo_is_a_coded_error(tmp_path: Path) -> None:
    url = new_database(tmp_path)
    result = runner.invoke(app, ["demo", "accounts", "--database-url", url])
    assert result.exit_code == 2
    assert result.stderr.startswith("error[demo_missing] database_url: ")


def test_generate_adds_students(tmp_path: Path) -> None:
    url = new_database(tmp_path)
    assert runner.invoke(app, ["demo", "create", "--database-url", url]).exit_code == 0
    before = count_studies(url)
    result = runner.invoke(
        app, ["demo", "generate", "--students", "50", "--seed", "1", "--database-url", url]
    )
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Added 50 students to pd" in out
    assert "s300001" in out and "generated-1" in out
    assert count_studies(url) == before + 50
    result = runner.invoke(
        app,
        ["demo", "generate", "-n", "5", "--university", "uw", "--batch-size", "2",
         "--database-url", url],
    )
    assert result.exit_code == 0, result.output
    assert count_studies(url) == before + 55
    show = runner.invoke(
        app, ["students", "show", "300001", "-u", "uw", "--json", "--database-url", url]
    )
    assert show.exit_code == 0, show.output
    assert json.loads(show.stdout)["album"] == "300001"


def test_generate_for_an_unknown_university_is_a_coded_error(tmp_path: Path) -> None:
    url = new_database(tmp_path)
    result = runner.invoke(
        app, ["demo", "generate", "--students", "3", "-u", "nowhere", "--database-url", url]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error[unknown_university] university: ")
    bad = runner.invoke(app, ["demo", "generate", "--students", "0", "--database-url", url])
    assert bad.exit_code == 2
