"""``legitka staff``: an operator creates the console's staff, lists them and disables one."""

from __future__ import annotations

import json

from argon2 import PasswordHasher
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from legitka.cli import app
from legitka.registry.models import AuditEvent, StaffAccount
from tests.builders import university

runner = CliRunner()


def run(*args: str, stdin: str | None = None) -> str:
    result = runner.invoke(app, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


def test_create_list_and_disable_staff(sqlite_url: str, clock) -> None:
    engine = create_engine(sqlite_url)
    with Session(engine) as session:
        university(session, clock, slug="pd")
        session.commit()
    db = ["--database-url", sqlite_url]
    created = run("staff", "create", "dziekanat.pd", "--role", "office", "--university", "pd",
                  "--name", "Barbara D.", "--password-stdin", *db,
                  stdin="a-long-password\n")  # fmt: skip
    assert "dziekanat.pd created: office at pd" in created
    prompted = run("staff", "create", "admin", "--role", "system_admin", *db,
                   stdin="another-password\nanother-password\n")  # fmt: skip
    assert "(every university)" in prompted
    listed = json.loads(run("staff", "list", "--json", *db))
    assert [(r["login"], r["role"], r["university"], r["active"]) for r in listed] == [
        ("admin", "system_admin", None, True),
        ("dziekanat.pd", "office", "pd", True),
    ]
    assert [r["login"] for r in json.loads(run("staff", "list", "-u", "pd", "--json", *db))] == [
        "dziekanat.pd"
    ]
    assert "dziekanat.pd" in run("staff", "list", *db)
    assert "disabled" in run("staff", "disable", "dziekanat.pd", *db)
    with Session(engine) as session:
        account = session.scalar(select(StaffAccount).where(StaffAccount.login == "dziekanat.pd"))
        assert account is not None and not account.active
        assert PasswordHasher().verify(account.password_hash, "a-long-password")
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "cli")).all()
    assert {"staff.created", "staff.disabled"} <= set(actions)
    engine.dispose()


def test_staff_errors_are_coded(sqlite_url: str) -> None:
    db = ["--database-url", sqlite_url]
    result = runner.invoke(app, ["staff", "create", "x.pd", "--role", "office", "--password-stdin",
                                 *db], input="a-long-password\n")  # fmt: skip
    assert result.exit_code == 2 and "error[university_required]" in result.output
    result = runner.invoke(app, ["staff", "create", "root", "--role", "system_admin",
                                 "--password-stdin", *db], input="short\n")  # fmt: skip
    assert result.exit_code == 2 and "error[password_too_short]" in result.output
    result = runner.invoke(app, ["staff", "disable", "nobody", *db])
    assert result.exit_code == 2 and "error[unknown_staff]" in result.output
