"""What the issuer tests share: a real server on loopback with the demo register and PKI."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from legitka.clock import FixedClock
from legitka.credentials import jose
from legitka.credentials.status_list import StatusList as Bits
from legitka.issuer import orders
from legitka.registry.db import transaction
from legitka.registry.services.students import find_study
from legitka.runtime import Runtime
from legitka.wallet.holder import Holder, StoredCredential
from legitka.worker import drain
from tests.conftest import NOW
from tests.live import issuer_runtime, serving


@dataclass
class Issuer:
    runtime: Runtime
    base: str
    http: httpx.Client
    clock: FixedClock

    def holder(self) -> Holder:
        roots = [self.runtime.pki.root_certificate()]
        return Holder(self.http, trusted_roots=roots, now=self.clock.now)

    def order(self, slug: str = "pd", album: str = "100001") -> dict:
        with transaction(self.runtime.sessions) as session:
            study = find_study(session, slug, album)
            order, _ = orders.place(session, self.clock, study, channel="cli", actor="test")
            order_id = order.id
        drain(self.runtime)
        return self.view(order_id)

    def view(self, order_id: int) -> dict:
        with self.runtime.sessions() as session:
            return orders.view(
                session, self.runtime.issuer_config, orders.get(session, order_id), "en"
            )

    def status_of(self, credential: StoredCredential) -> int:
        """The status a verifier reads for ``credential`` in the published list."""
        drain(self.runtime)
        reference = credential.claims["status"]["status_list"]
        token = self.http.get(reference["uri"]).text
        header = jose.unverified_header(token)
        assert header["typ"] == "statuslist+jwt"
        claims = jose.unverified_claims(token)
        assert claims["sub"] == reference["uri"]
        return Bits.decode(claims["status_list"]).get(reference["idx"])


@pytest.fixture
def issuer(db_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Issuer]:
    runtime = issuer_runtime(db_url, clock, tmp_path / "data")
    with serving(runtime) as base, httpx.Client(timeout=10) as http:
        yield Issuer(runtime, base, http, clock)
    runtime.close()


@pytest.fixture(scope="module")
def shared_issuer(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Issuer]:
    """One server for a whole module, on SQLite: for tests that only read or fail requests."""
    folder = tmp_path_factory.mktemp("shared-issuer")
    database = folder / "legitka.sqlite3"
    shutil.copyfile(sqlite_template, database)
    clock = FixedClock(NOW)
    runtime = issuer_runtime(f"sqlite:///{database}", clock, folder / "data")
    with serving(runtime) as base, httpx.Client(timeout=10) as http:
        yield Issuer(runtime, base, http, clock)
    runtime.close()
