"""``legitka students import`` on a temporary SQLite database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from legitka.cli import app
from legitka.registry.db import make_engine, session_factory, transaction
from legitka.registry.models import Charge, Study
from legitka.registry.services import universities
from tests import builders

DATA = Path(__file__).parent.parent / "data" / "students"
runner = CliRunner()


@pytest.fixture
def database(sqlite_url: str, clock) -> str:
    url = sqlite_url
    engine = make_engine(url)
    with transaction(session_factory(engine)) as s:
        uni = builders.university(s, clock)
        universities.add_intake(
            s, clock, uni, code="2026Z", starts_on=dt.date(2026, 10, 1),
            payment_deadline=dt.date(2026, 12, 15),
        )  # fmt: skip
        builders.student(s, clock, uni)
    engine.dispose()
    return url



def invoke(database: str, *args: str):
    return runner.invoke(app, ["students", "import", *args, "--database-url", database])


def state(database: str) -> tuple[int, int]:
    engine = make_engine(database)
    with session_factory(engine)() as s:
        studies = s.scalar(select(func.count()).select_from(Study)) or 0
        charges = s.scalar(select(func.count()).select_from(Charge)) or 0
    engine.dispose()
    return studies, charges


def test_import_prints_a_summary(database):
    result = invoke(database, str(DATA / "good.csv"), "--university", "pd")
    assert result.exit_code == 0, result.output
    assert "Imported good.csv: 5 students (5 new people); ELS fees charged: 3." in result.stdout
    assert state(database) == (6, 3)


def test_dry_run_changes_nothing(database):
    result = invoke(database, str(DATA / "polish_semicolon_bom.csv"), "-u", "pd", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing was saved" in result.stdout
    assert "would import 2 students" in result.stdout
    assert state(database) == (1, 0)


def test_bad_file_shows_a_table_and_exits_2(database):
    result = invoke(database, str(DATA / "bad.csv"), "--university", "pd")
    assert result.exit_code == 2
    assert "bad.csv: 9 errors, nothing was imported." in result.stderr
    for code in ("invalid_pesel_checksum", "album_number_taken", "unknown_intake"):
        assert code in result.stderr
    assert "│    2 │ pesel" in result.stderr
    assert "05231412342" not in result.output
    assert state(database) == (1, 0)


def test_bad_file_in_polish(database, monkeypatch):
    monkeypatch.setenv("LANG", "pl_PL.UTF-8")
    result = invoke(database, str(DATA / "bad.csv"), "--university", "pd")
    assert result.exit_code == 2
    assert "nic nie zaimportowano" in result.stderr
    assert "błędną cyfrę kontrolną" in result.stderr


def test_json_output(database):
    bad = invoke(database, str(DATA / "bad.csv"), "--university", "pd", "--json")
    assert bad.exit_code == 2
    document = json.loads(bad.stdout)
    assert document["code"] == "student_import_invalid"
    assert [(e["line"], e["field"]) for e in document["errors"]][:2] == [
        (2, "pesel"), (3, "pesel"),
    ]  # fmt: skip
    good = invoke(database, str(DATA / "good.csv"), "--university", "pd", "--json")
    assert good.exit_code == 0, good.output
    report = json.loads(good.stdout)
    assert (report["students"], report["new_people"], report["els_fees"]) == (5, 5, 3)
    assert "given_names" not in good.stdout and "pesel" not in good.stdout


def test_missing_file_and_unknown_university(database, tmp_path):
    missing = invoke(database, str(tmp_path / "nope.csv"), "--university", "pd")
    assert missing.exit_code == 2
    assert "error[file_not_found]" in missing.stderr
    unknown = invoke(database, str(DATA / "good.csv"), "--university", "nope")
    assert unknown.exit_code == 2
    assert "error[unknown_university]" in unknown.stderr
    assert state(database) == (1, 0)
