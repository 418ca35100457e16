"""``legitka db``: migrate a database and show its revision; coded errors on bad input."""

from __future__ import annotations

from typer.testing import CliRunner

from legitka.cli import app
from legitka.registry.migrate import head_revision

runner = CliRunner()


def test_upgrade_migrates_a_new_sqlite_file_to_head(tmp_path):
    path = tmp_path / "new" / "legitka.sqlite3"
    url = f"sqlite:///{path}"

    result = runner.invoke(app, ["db", "upgrade", "--database-url", url])

    assert result.exit_code == 0, result.output
    head = head_revision(url)
    assert result.stdout.startswith(f"{head} (head)")
    assert path.is_file()

    again = runner.invoke(app, ["db", "upgrade", "--database-url", url])
    assert again.exit_code == 0
    assert again.stdout.startswith(f"{head} (head)")


def test_current_reports_the_revision(tmp_path):
    url = f"sqlite:///{tmp_path / 'legitka.sqlite3'}"

    before = runner.invoke(app, ["db", "current", "--database-url", url])
    assert before.exit_code == 0
    assert before.stdout.startswith("none: no database yet")
    assert not (tmp_path / "legitka.sqlite3").exists()

    runner.invoke(app, ["db", "upgrade", "--database-url", url])
    after = runner.invoke(app, ["db", "current", "--database-url", url])
    assert after.exit_code == 0
    assert after.stdout.startswith(f"{head_revision(url)} (head)")


def test_data_dir_holds_the_default_database(tmp_path):
    result = runner.invoke(app, ["db", "upgrade", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "d" / "legitka.sqlite3").is_file()


def test_config_file_names_the_database(tmp_path):
    config = tmp_path / "legitka.toml"
    config.write_text(f'database_url = "sqlite:///{tmp_path / "from-toml.sqlite3"}"\n')
    result = runner.invoke(app, ["db", "upgrade", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "from-toml.sqlite3").is_file()


def test_unsupported_database_is_a_coded_error():
    result = runner.invoke(app, ["db", "upgrade", "--database-url", "mysql://root@localhost/x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error[invalid_setting] database_url: ")
    assert "Traceback" not in result.output


def test_unreachable_database_is_a_coded_error_without_the_password():
    url = "postgresql://postgres:hunter2@127.0.0.1:1/legitka"
    result = runner.invoke(app, ["db", "upgrade", "--database-url", url])
    assert result.exit_code == 2
    assert result.stderr.startswith("error[database_unavailable] database_url: ")
    assert "hunter2" not in result.output
    assert "Traceback" not in result.output


def test_missing_config_file_is_a_coded_error(tmp_path):
    result = runner.invoke(app, ["db", "current", "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error[config_not_found] config: ")


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("legitka ")
