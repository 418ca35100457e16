from __future__ import annotations

import os
from pathlib import Path

import pytest

from legitka.config import CONFIG_ENV, Settings, load_settings
from legitka.domain.errors import InvalidInput


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("LEGITKA_"):
            monkeypatch.delenv(name)


def test_default_database_is_an_sqlite_file_in_the_data_dir(tmp_path):
    settings = load_settings(data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'legitka.sqlite3'}"


def test_postgresql_urls_get_the_psycopg_driver():
    settings = load_settings(database_url="postgresql://app@db.example/legitka")
    assert settings.effective_database_url == "postgresql+psycopg://app@db.example/legitka"


def test_environment_then_toml_then_defaults(tmp_path, monkeypatch):
    toml = tmp_path / "legitka.toml"
    toml.write_text('port = 9000\nhost = "0.0.0.0"\n', encoding="utf-8")
    monkeypatch.setenv("LEGITKA_PORT", "9100")
    settings = load_settings(config_file=toml)
    assert (settings.host, settings.port) == ("0.0.0.0", 9100)
    assert load_settings(config_file=toml, port=9200).port == 9200
    assert CONFIG_ENV not in os.environ
    monkeypatch.setenv(CONFIG_ENV, str(toml))
    assert load_settings().host == "0.0.0.0"


def test_a_broken_toml_file_is_named(tmp_path):
    toml = tmp_path / "broken.toml"
    toml.write_text("port = = 1\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load_settings(config_file=toml)
    assert err.value.code == "invalid_config_file"


def test_unknown_keys_in_the_file_are_refused(tmp_path):
    toml = tmp_path / "typo.toml"
    toml.write_text('databse_url = "sqlite:///x"\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load_settings(config_file=toml)
    assert err.value.field == "databse_url"


def test_bad_values_name_the_setting(monkeypatch):
    monkeypatch.setenv("LEGITKA_PORT", "eighty")
    with pytest.raises(InvalidInput) as err:
        load_settings()
    assert err.value.code == "invalid_setting"
    assert err.value.field == "port"
    assert "LEGITKA_PORT" in err.value.message


def test_unknown_database_is_refused():
    with pytest.raises(InvalidInput) as err:
        load_settings(database_url="mysql://root@localhost/x")
    assert err.value.field == "database_url"


def test_missing_config_file():
    with pytest.raises(InvalidInput) as err:
        load_settings(config_file=Path("/nonexistent/legitka.toml"))
    assert err.value.code == "config_not_found"


def test_secrets_never_print():
    settings = Settings(secret_key="very-secret-value")
    assert "very-secret-value" not in repr(settings)
    assert "very-secret-value" not in str(settings.model_dump())
