"""What the console's tests share: a served demo, and its staff signed in through the real page.

``office.sign_in("dziekanat.pd")`` is a browser (an httpx client with the session cookie) signed
in as that demo staff member; ``office.csrf(client, path)`` reads the CSRF token of a console
page's forms. The demo staff: ``dziekanat.pd`` and ``dziekanat.uw`` (office), ``admin.pd``
(university_admin of pd), ``admin`` (system_admin).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from legitka.clock import FixedClock
from legitka.demo.staff import DEMO_STAFF
from legitka.registry.models import Study, University
from legitka.runtime import Runtime
from tests.live import issuer_runtime, serving

PASSWORDS = {staff.login: staff.password for staff in DEMO_STAFF}


def form_csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


@dataclass
class Office:
    runtime: Runtime
    base: str
    clock: FixedClock

    def browser(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, follow_redirects=False, timeout=10)

    def sign_in(self, login: str, password: str | None = None) -> httpx.Client:
        client = self.browser()
        page = client.get("/office/login")
        response = client.post(
            "/office/login",
            data={"login": login, "password": password or PASSWORDS[login],
                  "csrf_token": form_csrf(page.text)},
        )  # fmt: skip
        assert response.status_code == 303, response.text
        return client

    def csrf(self, client: httpx.Client, path: str) -> str:
        page = client.get(path)
        assert page.status_code == 200, page.text
        return form_csrf(page.text)

    def study_id(self, slug: str, album: str) -> int:
        """The id of the study with ``album`` at university ``slug``."""
        with self.runtime.sessions() as session:
            study_id = session.scalar(
                select(Study.id)
                .join(University, University.id == Study.university_id)
                .where(University.slug == slug, Study.album_number == album)
            )
        assert study_id is not None
        return int(study_id)


@pytest.fixture
def office(db_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Office]:
    runtime = issuer_runtime(db_url, clock, tmp_path / "data")
    with serving(runtime) as base:
        yield Office(runtime, base, clock)
    runtime.close()
