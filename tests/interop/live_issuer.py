"""A real legitka issuer on loopback (SQLite, demo data, fixed clock) for the interop tests.

The npm implementations talk to it over HTTP; Python places orders, reads their state and
changes the register, then runs the worker (``drain``) as the tests in ``tests/issuer`` do::

    @pytest.fixture
    def issuer(sqlite_template, clock, tmp_path):
        with live_issuer(sqlite_template, clock, tmp_path) as running:
            yield running
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from legitka.clock import FixedClock, local_today
from legitka.domain.studies import StudyStatus
from legitka.issuer import mobile_ids, orders
from legitka.registry.db import transaction
from legitka.registry.models import MobileId
from legitka.registry.services import people
from legitka.registry.services.students import find_study
from legitka.runtime import Runtime
from legitka.wallet.holder import Holder
from legitka.worker import drain
from tests.live import issuer_runtime, serving


@dataclass
class LiveIssuer:
    runtime: Runtime
    base: str
    http: httpx.Client
    clock: FixedClock

    @property
    def now(self) -> int:
        """The issuer's time in seconds, for the npm side's ``iat`` and validity checks."""
        return int(self.clock.now().timestamp())

    def issuer_id(self, slug: str = "pd") -> str:
        return f"{self.base}/u/{slug}"

    def holder(self) -> Holder:
        roots = [self.runtime.pki.root_certificate()]
        return Holder(self.http, trusted_roots=roots, now=self.clock.now)

    def order(self, slug: str = "pd", album: str = "100001") -> dict[str, Any]:
        """Place an order and let the worker make its offer; returns the order's view."""
        with transaction(self.runtime.sessions) as session:
            study = find_study(session, slug, album)
            order, _ = orders.place(session, self.clock, study, channel="cli", actor="test")
            order_id = order.id
        drain(self.runtime)
        return self.view(order_id)

    def view(self, order_id: int) -> dict[str, Any]:
        with self.runtime.sessions() as session:
            order = orders.get(session, order_id)
            return orders.view(session, self.runtime.issuer_config, order, "en")

    def mobile_id(self, order_id: int) -> MobileId:
        with self.runtime.sessions() as session:
            return session.scalars(select(MobileId).where(MobileId.order_id == order_id)).one()

    def cancel(self, order_id: int) -> None:
        """The student cancels the mLegitymacja; the worker re-signs the status list."""
        with transaction(self.runtime.sessions) as session:
            mobile_ids.cancel(session, self.clock, orders.get(session, order_id), actor="test")
        drain(self.runtime)

    def change_study_status(
        self, status: StudyStatus, slug: str = "pd", album: str = "100001"
    ) -> None:
        """The dean's office changes the student's status; the worker re-signs the list."""
        today = local_today(self.clock)
        with transaction(self.runtime.sessions) as session:
            study = find_study(session, slug, album)
            people.change_study_status(
                session, self.clock, study, status, since=today, actor="office"
            )
        drain(self.runtime)

    def advance(self, delta: dt.timedelta) -> None:
        """Move the issuer's clock and let the worker do what became due."""
        self.clock.advance(delta)
        drain(self.runtime)


@contextmanager
def live_issuer(sqlite_template: Path, clock: FixedClock, tmp_path: Path) -> Iterator[LiveIssuer]:
    """An issuer on a fresh copy of the migrated SQLite template, served until the block ends."""
    database = tmp_path / "legitka.sqlite3"
    shutil.copyfile(sqlite_template, database)
    runtime = issuer_runtime(f"sqlite:///{database}", clock, tmp_path / "data")
    try:
        with serving(runtime) as base, httpx.Client(timeout=10) as http:
            yield LiveIssuer(runtime, base, http, clock)
    finally:
        runtime.close()
