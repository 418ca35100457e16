"""What the security tests share: one served demo per module, its people and their objects.

``site`` serves the demo (two universities, their students and staff) from an SQLite file with
the verifier's API closed; actors sign in once through the real pages (password hashing is slow
on purpose). ``Victim`` holds a student's ids, which the tests put in other actors' requests.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from legitka.clock import FixedClock
from legitka.demo.staff import DEMO_STAFF
from legitka.registry.models import (
    Charge,
    MobileId,
    Payment,
    Person,
    Photo,
    PortalAccount,
    Study,
    University,
)
from legitka.runtime import Runtime
from legitka.worker import drain
from tests.conftest import NOW
from tests.live import issuer_runtime, serving
from tests.portal.conftest import demo_password

STAFF_PASSWORDS = {staff.login: staff.password for staff in DEMO_STAFF}
MISSING = 987654  # an id nothing has


def form_csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


@dataclass(frozen=True)
class Victim:
    """A demo student and the ids of their objects: what another actor must never reach."""

    login: str
    slug: str
    study_id: int
    person_id: int
    album: str
    pesel: str | None
    photo_id: int
    mobile_id: int
    payment_id: int
    charge_id: int

    @property
    def markers(self) -> list[str]:
        """Texts only this student's data contain."""
        return [m for m in (self.album, self.pesel) if m]


@dataclass
class Site:
    runtime: Runtime
    base: str
    clock: FixedClock

    def browser(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, follow_redirects=False, timeout=10)

    def student(self, slug: str, login: str) -> httpx.Client:
        """A browser signed in to the portal; its CSRF token in ``x-csrf-token``."""
        client = self.browser()
        page = client.get(f"/u/{slug}/login")
        answer = client.post(
            f"/u/{slug}/login",
            data={"login": login, "password": demo_password(login),
                  "csrf_token": form_csrf(page.text)},
        )  # fmt: skip
        assert answer.status_code == 303, answer.text
        client.headers["x-csrf-token"] = form_csrf(client.get(f"/u/{slug}/student/").text)
        return client

    def staff(self, login: str) -> httpx.Client:
        """A browser signed in to the console; its CSRF token in ``x-csrf-token``."""
        client = self.browser()
        page = client.get("/office/login")
        answer = client.post(
            "/office/login",
            data={"login": login, "password": STAFF_PASSWORDS[login],
                  "csrf_token": form_csrf(page.text)},
        )  # fmt: skip
        assert answer.status_code == 303, answer.text
        home = client.get("/office/", follow_redirects=True)
        client.headers["x-csrf-token"] = form_csrf(home.text)
        return client

    def api(self, slug: str, login: str) -> httpx.Client:
        """The mobile app: a bearer token from ``POST /u/{slug}/api/v1/session``."""
        client = self.browser()
        answer = client.post(
            f"/u/{slug}/api/v1/session",
            json={"login": login, "password": demo_password(login)},
        )
        assert answer.status_code == 201, answer.text
        client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        return client

    def victim(self, slug: str, login: str) -> Victim:
        """The student ``login`` of university ``slug`` and the ids of their objects."""
        with self.runtime.sessions() as session:
            account = session.scalar(
                select(PortalAccount).join(University).where(
                    University.slug == slug, PortalAccount.login == login
                )
            )  # fmt: skip
            assert account is not None, login
            person = session.get(Person, account.person_id)
            study = session.scalar(
                select(Study).where(Study.person_id == account.person_id).order_by(Study.id)
            )
            assert person is not None and study is not None and study.album_number

            def first(column: Any, owner: Any) -> int:
                value = session.scalar(select(column).where(owner == person.id).limit(1))
                return int(value) if value is not None else MISSING

            return Victim(
                login=login, slug=slug, study_id=study.id, person_id=person.id,
                album=study.album_number, pesel=person.pesel,
                photo_id=first(Photo.id, Photo.person_id),
                mobile_id=first(MobileId.id, MobileId.person_id),
                payment_id=first(Payment.id, Payment.person_id),
                charge_id=first(Charge.id, Charge.person_id),
            )  # fmt: skip


@pytest.fixture(scope="module")
def site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo served from its own SQLite file for the whole module, the API closed."""
    where = tmp_path_factory.mktemp("security")
    shutil.copyfile(sqlite_template, where / "legitka.sqlite3")
    clock = FixedClock(NOW)
    runtime = issuer_runtime(
        f"sqlite:///{where / 'legitka.sqlite3'}", clock, where / "data", verifier_api_open=False
    )
    with serving(runtime) as base:
        site = Site(runtime, base, clock)
        # Anna orders her mLegitymacja: an order, a mobile ID and an offer exist to be reached for.
        order = site.api("pd", "anna.nowak").post("/u/pd/api/v1/mlegitymacja/order")
        assert order.status_code == 201, order.text
        drain(runtime)
        yield site
    runtime.close()
