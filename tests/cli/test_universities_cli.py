"""An operator sets up a real university from nothing with the CLI, then imports and settles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legitka.cli import app

DATA = Path(__file__).parent.parent / "data" / "students"
runner = CliRunner()


@pytest.fixture
def db(sqlite_url: str) -> list[str]:
    return ["--database-url", sqlite_url]



def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


CREATE = ("universities", "create", "pt", "--name-pl", "Politechnika Testowa",
          "--name-en", "Test University of Technology", "--policy", "els-linked",
          "--hologram-code", "321", "--account-prefix", "109010140000")  # fmt: skip


def test_from_an_empty_database_to_a_settled_fee(db, tmp_path):
    run(*CREATE, *db)
    run("universities", "add-intake", "pt", "--code", "2026Z", "--starts-on", "2026-10-01",
        "--payment-deadline", "2026-12-15", *db)  # fmt: skip
    for kind in ("oath", "declarations"):
        (tmp_path / f"{kind}-pl.txt").write_text("Ślubuję…", encoding="utf-8")
        (tmp_path / f"{kind}-en.txt").write_text("I swear…", encoding="utf-8")
        run("universities", "publish", "pt", "--kind", kind, "--title-pl", kind,
            "--title-en", kind, "--text-pl", str(tmp_path / f"{kind}-pl.txt"),
            "--text-en", str(tmp_path / f"{kind}-en.txt"), *db)  # fmt: skip
    run("universities", "set", "pt", "--emergency-extension-days", "60", *db)
    listed = json.loads(run("universities", "list", "--json", *db))
    assert listed[0]["slug"] == "pt"
    assert listed[0]["emergency_extension_days"] == 60
    assert listed[0]["intakes"][0]["payment_deadline"] == "2026-12-15"

    run("students", "import", str(DATA / "good.csv"), "--university", "pt", *db)
    student = json.loads(run("students", "show", "300001", "--university", "pt", "--json", *db))
    account = student["person"]["account_number"]
    assert student["charges"][0]["status"] == "due"
    assert student["charges"][0]["due_date"] == "2026-12-15"

    statement = tmp_path / "statement.csv"
    statement.write_text(
        f"booked_on;amount;account;title\n2026-11-20;22,00;PL{account};ELS 300001\n",
        encoding="utf-8",
    )
    run("payments", "import", str(statement), "--university", "pt", *db)
    student = json.loads(run("students", "show", "300001", "--university", "pt", "--json", *db))
    assert student["charges"][0]["status"] == "paid"
    conditions = {c["code"]: c["ok"] for c in student["els_conditions"]}
    assert conditions == {"oath_not_taken": False, "els_fee_not_paid": True}


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--hologram-code", "12"), "invalid_hologram_code"),
        (("--account-prefix", "10901015"), "invalid_sort_code"),
        (("--els-fee", "22,005"), "invalid_amount"),
    ],
)
def test_bad_university_settings_are_refused(db, args, code):
    base = list(CREATE)
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag in base:
            base[base.index(flag) + 1] = value
        else:
            base += [flag, value]
    result = runner.invoke(app, [*base, *db])
    assert result.exit_code == 2
    assert f"error[{code}]" in result.output
    assert json.loads(run("universities", "list", "--json", *db)) == []


def test_a_second_university_with_the_same_slug_is_refused(db):
    run(*CREATE, *db)
    result = runner.invoke(app, [*CREATE, *db])
    assert result.exit_code == 2
    assert "error[university_exists]" in result.output


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--emergency-extension-days", "400"), "invalid_emergency_extension"),
        ((), "nothing_to_change"),
    ],
)
def test_bad_changes_are_refused(db, args, code):
    run(*CREATE, *db)
    result = runner.invoke(app, ["universities", "set", "pt", *args, *db])
    assert result.exit_code == 2
    assert f"error[{code}]" in result.output
    assert json.loads(run("universities", "list", "--json", *db))[0][
        "emergency_extension_days"
    ] == 0


def test_unknown_university_and_intake_dates(db):
    result = runner.invoke(app, ["universities", "set", "nope", "--name-pl", "X", *db])
    assert result.exit_code == 2
    assert "error[unknown_university]" in result.output
    run(*CREATE, *db)
    result = runner.invoke(app, ["universities", "add-intake", "pt", "--code", "2026Z",
                                 "--starts-on", "2026-10-01", "--payment-deadline",
                                 "2026-09-01", *db])  # fmt: skip
    assert result.exit_code == 2
    assert "error[invalid_payment_deadline]" in result.output


def test_publishing_needs_a_readable_text(db, tmp_path):
    run(*CREATE, *db)
    result = runner.invoke(app, ["universities", "publish", "pt", "--kind", "oath",
                                 "--title-pl", "Ślubowanie", "--title-en", "Oath",
                                 "--text-pl", str(tmp_path / "missing.txt"),
                                 "--text-en", str(tmp_path / "missing.txt"), *db])  # fmt: skip
    assert result.exit_code == 2
    assert "error[file_not_found]" in result.output
