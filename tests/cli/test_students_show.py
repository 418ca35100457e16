"""``legitka students show``: a student's register entry and eligibility, as JSON or a view."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from legitka.cli import app
from legitka.clock import SystemClock
from legitka.config import Settings
from legitka.demo import ensure_demo
from legitka.demo.cases import CASES
from legitka.registry import migrate
from legitka.registry.db import make_engine, session_factory
from legitka.runtime import Runtime

runner = CliRunner()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("show")
    url = f"sqlite:///{folder / 'legitka.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    runtime = Runtime(Settings(database_url=url, data_dir=folder), engine,
                      session_factory(engine), SystemClock())
    assert ensure_demo(runtime)
    runtime.close()
    return url


def show(database: str, *args: str) -> Any:
    return runner.invoke(app, ["students", "show", *args, "--database-url", database])


def show_json(database: str, album: str, university: str, lang: str = "en") -> dict[str, Any]:
    result = show(database, album, "--university", university, "--json", "--lang", lang)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def flat(text: str) -> str:
    return " ".join(text.split())


def test_json_of_an_eligible_student(database: str) -> None:
    report = show_json(database, "100001", "pd")
    assert report["university"] == "pd" and report["album"] == "100001"
    assert report["person"]["given_names"] == "Anna"
    eligibility = report["eligibility"]
    assert eligibility["eligible"] is True and eligibility["policy"] == "els-linked"
    assert eligibility["valid_until"]
    assert all(c["ok"] for c in eligibility["checks"])
    assert {c["code"] for c in eligibility["checks"]} >= {"no_els", "els_not_renewed"}
    assert report["els_cards"][0]["status"] == "active"
    assert report["els_cards"][0]["renewals"]


def test_json_of_a_student_who_is_not_eligible(database: str) -> None:
    report = show_json(database, "100012", "pd", "pl")
    eligibility = report["eligibility"]
    assert eligibility["eligible"] is False
    unmet = [c for c in eligibility["checks"] if not c["ok"]]
    assert [c["code"] for c in unmet] == ["data_changed_since_els"]
    assert "duplikat" in unmet[0]["message"]
    assert report["person"]["family_name"] == "Mazur"
    assert [c["field"] for c in report["person"]["data_changes"]] == ["family_name"]


@pytest.mark.parametrize("case", [c for c in CASES if c.album], ids=lambda c: c.key)
def test_every_demo_case_reports_its_checks(database: str, case: Any) -> None:
    report = show_json(database, case.album, case.university)
    unmet = tuple(c["code"] for c in report["eligibility"]["checks"] if not c["ok"])
    assert unmet == case.expect_unmet
    assert report["eligibility"]["eligible"] is case.eligible


def test_the_view_lists_every_check_with_its_mark(database: str) -> None:
    eligible = show(database, "100001", "--university", "pd", "--lang", "en")
    assert eligible.exit_code == 0, eligible.output
    out = flat(eligible.stdout)
    assert "Anna Nowak" in out and "Politechnika" not in out
    assert "Demonstration University of Technology" in out
    assert "May order an mLegitymacja" in out
    assert "✓ Your photo is approved." in out
    assert "✗" not in out.split("mLegitymacja eligibility")[1]

    lost = show(database, "100008", "-u", "pd", "--lang", "pl")
    assert lost.exit_code == 0, lost.output
    out = flat(lost.stdout)
    assert "Nie może jeszcze zamówić mLegitymacji" in out
    assert "✗" in out and "✓" in out
    assert "duplikat:" in out and "100008B" in out
    assert "33,00 zł" in out


def test_an_unknown_album_is_a_coded_error(database: str) -> None:
    result = show(database, "999999", "--university", "pd")
    assert result.exit_code == 2
    assert result.stderr.startswith("error[unknown_album] album: ")
    assert result.stdout == ""


def test_an_unknown_university_is_a_coded_error(database: str) -> None:
    result = show(database, "100001", "--university", "xx", "--json")
    assert result.exit_code == 2
    assert result.stderr.startswith("error[unknown_university] university: ")


def test_the_university_is_required(database: str, tmp_path: Path) -> None:
    result = show(database, "100001")
    assert result.exit_code == 2
    assert "--university" in result.stderr
