"""What the portal tests share: a served demo, and students signed in by the page or the API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from legitka.clock import FixedClock
from legitka.runtime import Runtime
from legitka.worker import drain
from tests.live import issuer_runtime, serving


@dataclass
class Portal:
    runtime: Runtime
    base: str
    clock: FixedClock

    def browser(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, follow_redirects=False, timeout=10)

    def sign_in(self, slug: str, login: str, password: str | None = None) -> httpx.Client:
        """A browser signed in through the real sign-in page."""
        client = self.browser()
        page = client.get(f"/u/{slug}/login")
        response = client.post(
            f"/u/{slug}/login",
            data={"login": login, "password": password or demo_password(login),
                  "csrf_token": form_csrf(page.text)},
        )  # fmt: skip
        assert response.status_code == 303, response.text
        return client

    def api(self, slug: str, login: str, password: str | None = None) -> httpx.Client:
        """A mobile API client with a bearer token from ``POST session``."""
        client = httpx.Client(base_url=f"{self.base}/u/{slug}/api/v1", timeout=10)
        response = client.post(
            "/session", json={"login": login, "password": password or demo_password(login)}
        )
        assert response.status_code == 201, response.text
        client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        return client

    def work(self) -> None:
        drain(self.runtime)


def demo_password(login: str) -> str:
    return f"demo-{login.split('.')[0]}-1"


def form_csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


@pytest.fixture
def portal(db_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Portal]:
    runtime = issuer_runtime(db_url, clock, tmp_path / "data")
    with serving(runtime) as base:
        yield Portal(runtime, base, clock)
    runtime.close()
