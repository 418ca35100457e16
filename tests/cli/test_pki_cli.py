"""``legitka pki``: an operator creates the universities' keys, rotates one and lists them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legitka.cli import app

runner = CliRunner()
PASSPHRASE = "operator passphrase 2026"
CREATE = ("universities", "create", "pt", "--name-pl", "Politechnika Testowa",
          "--name-en", "Test University of Technology", "--policy", "els-linked",
          "--hologram-code", "321", "--account-prefix", "109010140000")  # fmt: skip


@pytest.fixture
def db(sqlite_url: str, tmp_path: Path) -> list[str]:
    return ["--database-url", sqlite_url, "--data-dir", str(tmp_path / "data")]


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LEGITKA_CONFIG", "LEGITKA_DEMO", "LEGITKA_DATA_DIR", "LEGITKA_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEGITKA_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("LEGITKA_BASE_URL", "https://id.example.edu")


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def fails(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def test_init_creates_keys_for_every_university_once(db, tmp_path):
    run(*CREATE, *db)
    output = run("pki", "init", *db)
    assert "root/" in output
    assert "issuers/pt/" in output
    assert "https://id.example.edu/trust/list.json" in output
    pki = tmp_path / "data" / "pki"
    for key in pki.rglob("*.key.pem"):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert PASSPHRASE not in output

    again = json.loads(run("pki", "init", "--json", *db))
    assert again == {"directory": str(pki), "created": []}
    assert "nothing created" in run("pki", "init", *db)


def test_init_json_lists_the_created_certificates(db):
    run(*CREATE, *db)
    created = json.loads(run("pki", "init", "--json", "--organization", "Operator", *db))
    folders = [path.rsplit("/", 1)[0] for path in created["created"]]
    assert folders == ["root", "trust-list", "verifier", "issuers/pt"]
    shown = json.loads(run("pki", "show", "--json", *db))
    root = shown["certificates"][0]
    assert root["subject"] == "CN=legitka root CA,O=Operator"


def test_keys_are_refused_without_a_passphrase(db, monkeypatch):
    monkeypatch.delenv("LEGITKA_KEY_PASSPHRASE")
    output = fails("pki", "init", *db)
    assert "error[pki_passphrase_missing]" in output
    assert "LEGITKA_KEY_PASSPHRASE" in output


def test_the_demo_passphrase_is_for_the_demo_only(db, monkeypatch):
    monkeypatch.setenv("LEGITKA_KEY_PASSPHRASE", "legitka-demo")
    assert "error[pki_demo_passphrase]" in fails("pki", "init", *db)


def test_demo_keys_need_no_passphrase(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEGITKA_KEY_PASSPHRASE")
    monkeypatch.delenv("LEGITKA_BASE_URL")
    db = ["--database-url", sqlite_url]
    run(*CREATE, *db)
    created = json.loads(run("pki", "init", "--demo", "--json", *db))
    assert created["directory"] == str(Path("data/demo/pki"))
    assert len(created["created"]) == 4
    shown = json.loads(run("pki", "show", "--demo", "--json"))
    assert "DEMO root CA — not for production" in shown["certificates"][0]["subject"]
    issuer = next(c for c in shown["certificates"] if c["role"] == "issuer")
    assert "URI:http://127.0.0.1:8000/u/pt" in issuer["san"]
    assert "IP:127.0.0.1" in issuer["san"]


def test_show_lists_public_data_only(db):
    run(*CREATE, *db)
    run("pki", "init", *db)
    shown = json.loads(run("pki", "show", "--json", *db))
    assert shown["trust_list"] == "https://id.example.edu/trust/list.json"
    roles = [(c["role"], c["university"]) for c in shown["certificates"]]
    assert roles == [("root", None), ("trust-list", None), ("verifier", None), ("issuer", "pt")]
    issuer = shown["certificates"][3]
    assert issuer["subject"] == "CN=pt credential issuer,O=Politechnika Testowa"
    assert issuer["san"] == ["URI:https://id.example.edu/u/pt", "DNS:id.example.edu"]
    assert issuer["state"] == "valid"
    assert issuer["private_key"] == "present"
    assert len(issuer["sha256"].split(":")) == 32
    assert issuer["path"] == f"issuers/pt/{issuer['serial']}.crt.pem"

    table = run("pki", "show", *db)
    for text in (
        "root: CN=legitka root CA",
        "issuer pt: CN=pt credential issuer",
        issuer["serial"],
    ):
        assert text in table
    for output in (table, json.dumps(shown)):
        assert "PRIVATE KEY" not in output
        assert PASSPHRASE not in output


def test_show_before_init_says_what_to_do(db):
    output = fails("pki", "show", *db)
    assert "error[pki_missing]" in output
    assert "legitka pki init" in output


def test_rotate_a_university_key(db):
    run(*CREATE, *db)
    run("pki", "init", *db)
    rotated = json.loads(run("pki", "rotate", "--university", "pt", "--json", *db))
    assert rotated["role"] == "issuer pt"
    assert rotated["subject"] == "CN=pt credential issuer,O=Politechnika Testowa"
    issuers = [
        c for c in json.loads(run("pki", "show", "--json", *db))["certificates"]
        if c["role"] == "issuer"
    ]  # fmt: skip
    assert len(issuers) == 2
    assert rotated["serial"] in {c["serial"] for c in issuers}
    assert "Older keys keep verifying" in run("pki", "rotate", "--verifier", *db)
    assert "trust list" in run("pki", "rotate", "--trust-list", *db)


def test_rotate_needs_one_known_role(db):
    run(*CREATE, *db)
    run("pki", "init", *db)
    assert "error[choose_one_role]" in fails("pki", "rotate", *db)
    assert "error[choose_one_role]" in fails("pki", "rotate", "--verifier", "--trust-list", *db)
    assert "error[unknown_university]" in fails("pki", "rotate", "--university", "zz", *db)


def test_a_wrong_passphrase_is_one_red_line(db, monkeypatch):
    run(*CREATE, *db)
    run("pki", "init", *db)
    monkeypatch.setenv("LEGITKA_KEY_PASSPHRASE", "a wrong one")
    output = fails("pki", "rotate", "--university", "pt", *db)
    assert "error[pki_wrong_passphrase]" in output
    assert "a wrong one" not in output
