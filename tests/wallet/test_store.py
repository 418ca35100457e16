"""The wallet folder: modes, atomic replacement, keys with and without a passphrase."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import SecretStr

from legitka.cli import wallet as wallet_cli
from legitka.wallet.holder import StoredCredential
from legitka.wallet.store import StoreEntry, WalletStore, WalletStoreError

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


def entry(credential: str = "jwt~") -> StoreEntry:
    stored = StoredCredential(
        credential=credential, issuer="https://example.org/u/pd", configuration_id="student-id",
        token_endpoint="t", credential_endpoint="c", nonce_endpoint=None,
        notification_endpoint=None, refresh_token="r", claims={"given_name": "Anna"},
    )  # fmt: skip
    return StoreEntry(stored, NOW, NOW)


def test_the_folder_and_files_are_private(tmp_path: Path) -> None:
    store = WalletStore(tmp_path / "a" / "wallet")
    store.save_key(ec.generate_private_key(ec.SECP256R1()))
    store.save_entry(entry())
    assert stat.S_IMODE(store.directory.stat().st_mode) == 0o700
    for path in (store.key_path, store.credential_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = store.load_entry()
    assert loaded is not None and loaded.stored == entry().stored


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = WalletStore(tmp_path / "wallet")
    store.save_entry(entry("old~"))
    before = store.credential_path.read_bytes()

    def crash(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(WalletStoreError) as failed:
        store.save_entry(entry("new~"))
    assert failed.value.code == "wallet_unwritable"
    assert store.credential_path.read_bytes() == before
    assert sorted(p.name for p in store.directory.iterdir()) == ["credential.json"]


def test_an_encrypted_key_needs_its_passphrase(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    WalletStore(tmp_path, SecretStr("s3cret")).save_key(key)
    assert (tmp_path / "device-key.pem").read_bytes().startswith(b"-----BEGIN ENCRYPTED")
    loaded = WalletStore(tmp_path, SecretStr("s3cret")).load_key()
    assert loaded is not None and loaded.private_numbers() == key.private_numbers()
    with pytest.raises(WalletStoreError) as missing:
        WalletStore(tmp_path).load_key()
    assert missing.value.code == "wallet_passphrase_missing"
    with pytest.raises(WalletStoreError) as wrong:
        WalletStore(tmp_path, SecretStr("nope")).load_key()
    assert wrong.value.code == "wallet_wrong_passphrase"
    assert "nope" not in wrong.value.message and "s3cret" not in wrong.value.message


def test_a_damaged_file_is_a_coded_error(tmp_path: Path) -> None:
    store = WalletStore(tmp_path)
    store.credential_path.write_text("{not json")
    with pytest.raises(WalletStoreError) as damaged:
        store.load_entry()
    assert damaged.value.code == "wallet_corrupt"


def test_the_documentation_covers_every_command_and_exit_code() -> None:
    text = (ROOT / "docs" / "wallet.md").read_text(encoding="utf-8")
    for command in wallet_cli.app.registered_commands:
        assert command.callback is not None
        assert f"`{command.callback.__name__}" in text, command.callback.__name__
    codes = {
        code
        for path in (ROOT / "src/legitka/cli").glob("wallet*.py")
        for code in re.findall(r'"([a-z_]+)",\n?\s*N_\(', path.read_text())
    }
    codes |= {"wallet_passphrase_missing", "wallet_wrong_passphrase", "wallet_corrupt"}
    for code in codes:
        assert f"`{code}`" in text, code
    for exit_code in (wallet_cli.EXIT_VALID, wallet_cli.EXIT_INVALID, wallet_cli.EXIT_UNAVAILABLE):
        assert f"| {exit_code} |" in text
