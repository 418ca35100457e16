"""Endpoints for programs answer errors as JSON whatever the ``Accept`` header says.

A wallet or an integrator often sends ``Accept: */*`` or none; an HTML error page would be
unreadable to it. With the database unavailable (an SQLite URL that is a directory) and with a
handler raising, every OpenID4VCI and OpenID4VP endpoint answers OAuth's
``{"error", "error_description"}`` and every other protocol or API endpoint a problem document,
for ``Accept: */*``, ``text/html`` and no ``Accept`` at all; the browser's pages still negotiate.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from legitka.clock import FixedClock
from legitka.registry.db import make_engine, session_factory
from legitka.runtime import Runtime
from legitka.web import create_app
from tests.conftest import NOW
from tests.live import issuer_runtime

ACCEPTS: list[str | None] = ["*/*", "text/html", None]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}

# (method, path, extra headers, body): the OpenID4VCI and OpenID4VP endpoints
OAUTH: list[tuple[str, str, dict[str, str], bytes]] = [
    ("POST", "/u/pd/token", FORM, b"grant_type=refresh_token&refresh_token=r"),
    ("POST", "/u/pd/nonce", {}, b""),
    ("POST", "/u/pd/credential", {**JSON, "Authorization": "Bearer t"}, b"{}"),
    ("POST", "/u/pd/notification", {**JSON, "Authorization": "Bearer t"}, b"{}"),
    ("GET", "/u/pd/offers/some-reference", {}, b""),
    ("GET", "/verifier/request/some-reference", {}, b""),
    ("POST", "/verifier/response/some-reference", FORM, b"response=x"),
]
# metadata, status lists, the verifier's API and endpoints, the mobile API
PROBLEM: list[tuple[str, str, dict[str, str], bytes]] = [
    ("GET", "/.well-known/openid-credential-issuer/u/pd", {}, b""),
    ("GET", "/.well-known/oauth-authorization-server/u/pd", {}, b""),
    ("GET", "/.well-known/jwt-vc-issuer/u/pd", {}, b""),
    ("GET", "/u/pd/status/1", {}, b""),
    ("POST", "/verifier/api/v1/requests", JSON, b'{"preset": "student_status"}'),
    ("GET", "/verifier/api/v1/requests/some-request", {}, b""),
    ("GET", "/verifier/codes/ABCDEF", {}, b""),
    ("GET", "/u/pd/api/v1/mlegitymacja", {"Authorization": "Bearer t"}, b""),
    ("POST", "/u/pd/api/v1/session", JSON, b'{"login": "a", "password": "b"}'),
]


@pytest.fixture(scope="module")
def keys(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo's issuer and verifier keys, made on a working database."""
    where = tmp_path_factory.mktemp("keys")
    database = where / "legitka.sqlite3"
    shutil.copyfile(sqlite_template, database)
    issuer_runtime(f"sqlite:///{database}", FixedClock(NOW), where / "data").close()
    return where / "data"


def _runtime(keys: Path, tmp_path: Path) -> Runtime:
    """A runtime with keys whose database does not answer (an SQLite URL that is a folder)."""
    prepared = issuer_runtime("sqlite://", FixedClock(NOW), keys, demo=False)
    url = f"sqlite:///{tmp_path}"
    engine = make_engine(url)
    settings = prepared.settings.model_copy(update={"database_url": url})
    prepared.close()
    return Runtime(settings, engine, session_factory(engine), FixedClock(NOW))


@pytest.fixture
def down(keys: Path, tmp_path: Path) -> Iterator[TestClient]:
    runtime = _runtime(keys, tmp_path)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        yield client
    runtime.close()


@pytest.fixture
def raising(keys: Path, tmp_path: Path) -> Iterator[TestClient]:
    """Every database session raises an error that is no outage: an unexpected failure."""
    runtime = _runtime(keys, tmp_path)

    def broken() -> Any:
        raise RuntimeError("a bug")

    runtime.sessions = broken  # type: ignore[assignment]
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        yield client
    runtime.close()


def _send(
    client: TestClient, call: tuple[str, str, dict[str, str], bytes], accept: str | None
) -> Any:
    method, path, headers, body = call
    sent = dict(headers)
    if accept is not None:
        sent["Accept"] = accept
    client.headers.pop("accept", None)  # no Accept at all when ``accept`` is None
    return client.request(method, path, headers=sent, content=body)


def _oauth(answer: Any, status: int, error: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json", answer.text
    body = answer.json()
    assert body["error"] == error
    assert body["error_description"].isascii() and body["error_description"]
    assert answer.headers["cache-control"] == "no-store"


def _problem(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json", answer.text
    assert answer.json()["code"] == code


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("call", OAUTH, ids=lambda c: f"{c[0]} {c[1]}")
def test_an_oauth_endpoint_answers_a_database_outage_in_oauth_shape(
    down: TestClient, call: tuple[str, str, dict[str, str], bytes], accept: str | None
) -> None:
    answer = _send(down, call, accept)
    _oauth(answer, 503, "temporarily_unavailable")
    assert answer.headers["retry-after"] == "5"


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("call", PROBLEM, ids=lambda c: f"{c[0]} {c[1]}")
def test_a_protocol_or_api_endpoint_answers_a_database_outage_as_a_problem(
    down: TestClient, call: tuple[str, str, dict[str, str], bytes], accept: str | None
) -> None:
    answer = _send(down, call, accept)
    _problem(answer, 503, "database_unavailable")
    assert answer.headers["retry-after"] == "5"


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("call", OAUTH, ids=lambda c: f"{c[0]} {c[1]}")
def test_an_oauth_endpoint_answers_an_unexpected_failure_in_oauth_shape(
    raising: TestClient, call: tuple[str, str, dict[str, str], bytes], accept: str | None
) -> None:
    _oauth(_send(raising, call, accept), 500, "server_error")


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("call", PROBLEM, ids=lambda c: f"{c[0]} {c[1]}")
def test_a_protocol_or_api_endpoint_answers_an_unexpected_failure_as_a_problem(
    raising: TestClient, call: tuple[str, str, dict[str, str], bytes], accept: str | None
) -> None:
    _problem(_send(raising, call, accept), 500, "internal_error")


@pytest.mark.parametrize("accept", ["*/*", "text/html"])
def test_an_unknown_university_on_an_oauth_endpoint_is_an_oauth_error(
    client: TestClient, accept: str
) -> None:
    answer = client.post("/u/nowhere/nonce", headers={"Accept": accept})
    _oauth(answer, 404, "invalid_request")
    assert "nowhere" in answer.json()["error_description"]


def test_pages_for_browsers_still_negotiate(down: TestClient) -> None:
    page = down.get("/u/pd/login", headers={"Accept": "text/html"})
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    problem = down.get("/u/pd/login", headers={"Accept": "application/json"})
    _problem(problem, 503, "database_unavailable")
