"""``legitka payments import`` on a temporary SQLite database."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from legitka.cli import app
from legitka.cli.common import console
from legitka.domain.fees import ChargeStatus
from legitka.registry.db import make_engine, session_factory, transaction
from legitka.registry.models import Charge, Payment
from legitka.registry.services import els
from tests import builders

DATA = Path(__file__).parent.parent / "data" / "statements"
runner = CliRunner()


@pytest.fixture
def database(sqlite_url: str, clock) -> str:
    url = sqlite_url
    engine = make_engine(url)
    with transaction(session_factory(engine)) as s:
        uni = builders.university(s, clock)
        for album in ("100001", "100002", "100003"):
            study = builders.student(s, clock, uni, album=album, pesel=None)
            els.charge_card_fee(s, clock, study, actor="office")
    engine.dispose()
    return url


def invoke(database: str, *args: str):
    return runner.invoke(app, ["payments", "import", *args, "--database-url", database])


def state(database: str) -> tuple[int, list[tuple[ChargeStatus, int]]]:
    engine = make_engine(database)
    with session_factory(engine)() as s:
        payments = s.scalar(select(func.count()).select_from(Payment)) or 0
        rows = s.execute(select(Charge.status, Charge.paid_grosze).order_by(Charge.id)).all()
    engine.dispose()
    return payments, [(status, paid) for status, paid in rows]


def test_import_prints_the_report_and_settles_fees(database, monkeypatch):
    monkeypatch.setattr(console, "width", 160)
    result = invoke(database, str(DATA / "pko_tilde_2026-11-20.sta"), "--university", "pd")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Imported" in out
    assert "matched 3, unmatched 1" in out
    assert "Unmatched transfers" in out
    assert "27 1090 1014 0000 0000 0000 0999" in out
    assert "JAN NIEZNANY UL. POLNA 1" in out
    assert state(database) == (
        4, [(ChargeStatus.PAID, 2200), (ChargeStatus.DUE, 1000), (ChargeStatus.PAID, 2200)]
    )


def test_json_report_and_reimport(database):
    path = str(DATA / "wyciag_2026-11-20.csv")
    first = json.loads(invoke(database, path, "--university", "pd", "--json").stdout)
    assert first["counts"]["matched"] == 3
    assert first["unmatched"][0]["line"] == 5
    assert first["overpayments"][0]["album_number"] == "100003"
    again = invoke(database, path, "--university", "pd", "--json", "--format", "csv")
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert report["counts"]["duplicates"] == 4
    assert report["counts"]["matched"] == 0
    assert len(report["previously_imported"]) == 1
    assert state(database)[0] == 4


def test_dry_run_changes_nothing(database):
    before = state(database)
    result = invoke(database, str(DATA / "ing_angle_2026-11-21.sta"), "--university", "pd",
                    "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing was saved" in result.stdout
    assert "matched 2" in result.stdout
    assert state(database) == before


@pytest.mark.parametrize(
    ("name", "code", "text"),
    [
        ("bad_amount.csv", "invalid_amount", "bad_amount.csv, line 4"),
        ("bad_date.sta", "invalid_date", "bad_date.sta, line 7"),
        ("notes.txt", "unknown_statement_format", "notes.txt is not a bank statement"),
    ],
)
def test_bad_file_is_a_coded_error_with_exit_2_and_changes_nothing(database, name, code, text):
    before = state(database)
    result = invoke(database, str(DATA / name), "--university", "pd")
    assert result.exit_code == 2
    assert f"error[{code}]" in result.stderr
    assert text in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    assert state(database) == before


def test_unknown_university_and_missing_file(database, tmp_path):
    result = invoke(database, str(DATA / "wyciag_2026-11-20.csv"), "--university", "nope")
    assert result.exit_code == 2
    assert "error[unknown_university]" in result.stderr
    missing = invoke(database, str(tmp_path / "nothing.sta"), "--university", "pd")
    assert missing.exit_code == 2
    assert "error[statement_not_found]" in missing.stderr


def test_forced_wrong_format(database, tmp_path):
    path = tmp_path / "statement.txt"
    shutil.copyfile(DATA / "pko_tilde_2026-11-20.sta", path)
    result = invoke(database, str(path), "--university", "pd", "--format", "csv")
    assert result.exit_code == 2
    assert "error[csv_missing_columns]" in result.stderr
    assert state(database)[0] == 0
