"""What the wallet tests share: a real issuer on loopback and ``legitka wallet`` in a folder.

The wallet speaks only HTTP, so its issuer runs on SQLite alone (the issuer's own tests cover
PostgreSQL). The wallet commands run on the issuer's ``FixedClock``
(``legitka.cli.wallet_common.CLOCK``), so that the dates of the credentials and status lists
agree with the wallet's.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from typer.testing import CliRunner

from legitka.cli import app, wallet_common
from legitka.cli import wallet as wallet_cli
from legitka.cli.common import console, err_console
from legitka.clock import FixedClock
from tests.issuer.conftest import Issuer
from tests.live import issuer_runtime, serving


@contextmanager
def running_issuer(folder: Path, sqlite_template: Path, clock: FixedClock) -> Iterator[Issuer]:
    """A demo issuer served on a free port until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "legitka.sqlite3"
    shutil.copyfile(sqlite_template, database)
    runtime = issuer_runtime(f"sqlite:///{database}", clock, folder / "data")
    try:
        with serving(runtime) as base, httpx.Client(timeout=10) as http:
            yield Issuer(runtime, base, http, clock)
    finally:
        runtime.close()


@pytest.fixture
def issuer(tmp_path: Path, sqlite_template: Path, clock: FixedClock) -> Iterator[Issuer]:
    with running_issuer(tmp_path / "issuer", sqlite_template, clock) as served:
        yield served


@dataclass
class Wallet:
    """``legitka wallet --store DIR …`` for one test."""

    store: Path
    runner: CliRunner

    def run(self, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
        return self.runner.invoke(
            app, ["wallet", "--store", str(self.store), *args], input=input, env=env
        )

    def activate(self, offer: dict[str, Any], *args: str) -> Any:
        return self.run("activate", offer["qr_uri"], "--code", offer["activation_code"], *args)

    def files(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(self.store.iterdir())}


@pytest.fixture(autouse=True)
def english_terminal(monkeypatch: pytest.MonkeyPatch, clock: FixedClock) -> None:
    """Wide English output, no passphrase unless a test sets one, the tests' clock."""
    monkeypatch.setattr(console, "width", 200)
    monkeypatch.setattr(err_console, "width", 200)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES", wallet_cli.PASSPHRASE_VARIABLE):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(wallet_common, "CLOCK", clock)


@pytest.fixture
def wallet(tmp_path: Path) -> Wallet:
    return Wallet(tmp_path / "wallet", CliRunner())


@pytest.fixture
def root_pem(issuer: Issuer, tmp_path: Path) -> Path:
    """The deployment's root CA as a PEM file, as an operator would hand it out."""
    path = tmp_path / "root.pem"
    path.write_bytes(issuer.runtime.pki.root_certificate().public_bytes(Encoding.PEM))
    return path
