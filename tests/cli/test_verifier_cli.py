"""``legitka verifier keys``: an operator gives an integrator a key and takes it back."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from legitka.cli import app

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_create_list_and_revoke_a_key(sqlite_url: str) -> None:
    db = ["--database-url", sqlite_url]
    created = run("verifier", "keys", "create", "library desk 2", *db)
    secret = created.strip().splitlines()[-1]
    assert secret.startswith("lvk_") and len(secret) > 40
    assert "shown only now" in created
    listed = json.loads(run("verifier", "keys", "list", "--json", *db))
    assert listed == [{"id": 1, "name": "library desk 2", "created_at": listed[0]["created_at"],
                       "last_used_at": None, "revoked_at": None}]  # fmt: skip
    table = run("verifier", "keys", "list", *db)
    assert "library desk 2" in table and secret not in table
    assert "revoked" in run("verifier", "keys", "revoke", "1", *db)
    assert json.loads(run("verifier", "keys", "list", "--json", *db))[0]["revoked_at"]


def test_unknown_key_and_empty_name_are_coded_errors(sqlite_url: str) -> None:
    db = ["--database-url", sqlite_url]
    result = runner.invoke(app, ["verifier", "keys", "revoke", "42", *db])
    assert result.exit_code == 2 and "error[unknown_api_key]" in result.output
    result = runner.invoke(app, ["verifier", "keys", "create", "  ", *db])
    assert result.exit_code == 2 and "error[invalid_key_name]" in result.output
    assert "No API keys" in run("verifier", "keys", "list", *db)
