"""Guessing is limited, through HTTP, on SQLite and PostgreSQL: passwords at the portal and the
console, and the verifier's 6-digit short codes. The counts live in the database, so two
application processes on one database (two servers here) count the same attempts; the fixed
clock shows each limit lifting after its window, without sleeping.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from legitka.clock import FixedClock
from legitka.office import auth as office_auth
from legitka.portal import auth as portal_auth
from legitka.verifier.requests import CODE_FAILURES_PER_MINUTE
from tests.live import issuer_runtime, serving
from tests.security.conftest import STAFF_PASSWORDS, form_csrf


@dataclass
class Pair:
    """Two servers on one database, as behind a load balancer."""

    first: httpx.Client
    second: httpx.Client
    clock: FixedClock

    def both(self) -> Iterator[httpx.Client]:
        while True:
            yield self.first
            yield self.second


@pytest.fixture
def pair(db_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Pair]:
    one = issuer_runtime(db_url, clock, tmp_path / "data")
    two = issuer_runtime(db_url, clock, tmp_path / "data", demo=False)
    with (
        serving(one) as base_one,
        serving(two) as base_two,
        httpx.Client(base_url=base_one, timeout=10) as first,
        httpx.Client(base_url=base_two, timeout=10) as second,
    ):
        first.headers["accept-language"] = second.headers["accept-language"] = "en"
        yield Pair(first, second, clock)
    one.close()
    two.close()


def sign_in(client: httpx.Client, path: str, login: str, password: str) -> httpx.Response:
    token = form_csrf(client.get(path).text)
    return client.post(path, data={"login": login, "password": password, "csrf_token": token})


@pytest.mark.parametrize(
    ("path", "login", "password", "per_login"),
    [
        ("/u/pd/login", "anna.nowak", "demo-anna-1", portal_auth.MAX_FAILURES_PER_LOGIN),
        ("/office/login", "dziekanat.pd", STAFF_PASSWORDS["dziekanat.pd"],
         office_auth.MAX_FAILURES_PER_LOGIN),
    ],
)  # fmt: skip
def test_password_guessing_is_limited_across_servers_and_lifts(
    pair: Pair, path: str, login: str, password: str, per_login: int
) -> None:
    servers = pair.both()
    for _ in range(per_login):
        wrong = sign_in(next(servers), path, login, "guess-" + login)
        assert wrong.status_code == 401 and "password is wrong" in wrong.text
    for client in (pair.first, pair.second):  # the right password waits too, on either server
        refused = sign_in(client, path, login, password)
        assert refused.status_code == 429, refused.text
        assert "too_many_attempts" in refused.text or "Too many failed sign-ins" in refused.text
        assert "legitka_session" not in refused.headers.get("set-cookie", "")
        assert "legitka_office=" not in refused.headers.get("set-cookie", "")
    pair.clock.advance(dt.timedelta(minutes=15, seconds=1))
    assert sign_in(pair.second, path, login, password).status_code == 303


def test_short_code_guessing_is_limited_across_servers_with_retry_after(pair: Pair) -> None:
    created = pair.first.post("/verifier/api/v1/requests", json={"preset": "student_status"})
    assert created.status_code == 201, created.text
    real = created.json()["short_code"]
    guesses = (f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" != real)
    servers = pair.both()
    for _ in range(CODE_FAILURES_PER_MINUTE):
        answer = next(servers).get(f"/verifier/codes/{next(guesses)}")
        assert answer.status_code == 404 and answer.json()["code"] == "unknown_code"
    pair.clock.advance(dt.timedelta(seconds=20))
    for client in (pair.first, pair.second):
        # Past the limit even the right code is refused: guessing cannot go on.
        refused = client.get(f"/verifier/codes/{real}")
        assert refused.status_code == 429, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "too_many_attempts"
        assert refused.headers["retry-after"] == "40"  # the first guess leaves the window then
    pair.clock.advance(dt.timedelta(seconds=41))
    found = pair.second.get(f"/verifier/codes/{real}")
    assert found.status_code == 200 and found.json()["uri"].startswith("openid4vp://")
