"""Every failure has the documented shape (docs/errors.md), as JSON and as an HTML page.

The product has no route that fails on purpose, so the tests add their own to a real app.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient

from legitka.config import Settings
from legitka.domain.errors import Conflict, InvalidInput, LegitkaError, NotFound
from legitka.registry.db import make_engine, session_factory
from legitka.runtime import Runtime
from legitka.web import create_app
from legitka.web.errors import PROBLEM_TYPE_BASE

PROBLEM_MEMBERS = {"type", "title", "status", "detail", "code", "field", "errors"}
REQUIRED_MEMBERS = {"type", "title", "status", "detail", "code"}
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
SECRET = "02270803624"  # a PESEL: personal data must never reach the client


def raise_invalid() -> None:
    raise InvalidInput("invalid_album_number", "The album number has 6 digits.", field="album")


def raise_not_found() -> None:
    raise NotFound("unknown_university", "There is no university 'xx'.", field="university")


def raise_conflict() -> None:
    raise Conflict("university_exists", "A university 'pd' already exists.")


def raise_plain_coded() -> None:
    raise LegitkaError("payment_not_settled", "The fee is not settled yet.")


def raise_http() -> None:
    raise HTTPException(status_code=403, detail="Only the dean's office may do this.")


def raise_bug() -> None:
    raise RuntimeError(f"bug while handling {SECRET}")


def validated(number: int, limit: int = 10) -> dict[str, int]:
    return {"number": number, "limit": limit}


@pytest.fixture
def error_app(tmp_path) -> Iterator[FastAPI]:
    url = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    engine = make_engine(url)
    settings = Settings(database_url=url, data_dir=tmp_path)
    runtime = Runtime(settings, engine, session_factory(engine))
    app = create_app(runtime)
    for prefix in ("/test", "/api/test"):
        app.add_api_route(f"{prefix}/invalid", raise_invalid)
        app.add_api_route(f"{prefix}/not-found", raise_not_found)
        app.add_api_route(f"{prefix}/conflict", raise_conflict)
        app.add_api_route(f"{prefix}/coded", raise_plain_coded)
        app.add_api_route(f"{prefix}/forbidden", raise_http)
        app.add_api_route(f"{prefix}/bug", raise_bug)
        app.add_api_route(f"{prefix}/numbers/{{number}}", validated)
    yield app
    runtime.close()


@pytest.fixture
def client(error_app) -> Iterator[TestClient]:
    with TestClient(error_app, raise_server_exceptions=False) as test_client:
        yield test_client


# (method, path after the prefix, status, code, field)
CASES = [
    ("GET", "/invalid", 422, "invalid_album_number", "album"),
    ("GET", "/not-found", 404, "unknown_university", "university"),
    ("GET", "/conflict", 409, "university_exists", None),
    ("GET", "/coded", 400, "payment_not_settled", None),
    ("GET", "/forbidden", 403, "forbidden", None),
    ("GET", "/bug", 500, "internal_error", None),
    ("GET", "/numbers/seven?limit=many", 422, "invalid_request", "number"),
    ("GET", "/no-such-page", 404, "not_found", None),
    ("DELETE", "/invalid", 405, "method_not_allowed", None),
]
IDS = [f"{case[2]}-{case[3]}" for case in CASES]


def assert_problem(body: dict[str, object], status: int, code: str, field: str | None) -> None:
    assert set(body) <= PROBLEM_MEMBERS, set(body) - PROBLEM_MEMBERS
    assert set(body) >= REQUIRED_MEMBERS
    assert body["status"] == status
    assert body["code"] == code
    assert CODE.match(code)
    assert body.get("field") == field
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    problem_type = body["type"]
    assert problem_type == "about:blank" or problem_type == PROBLEM_TYPE_BASE + code
    if "errors" in body:
        assert isinstance(body["errors"], list) and body["errors"]
        for error in body["errors"]:
            assert set(error) == {"field", "in", "code", "message"}


@pytest.mark.parametrize(("method", "path", "status", "code", "field"), CASES, ids=IDS)
def test_api_paths_answer_problem_json(client, method, path, status, code, field):
    response = client.request(method, "/api/test" + path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert_problem(response.json(), status, code, field)
    assert SECRET not in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(("method", "path", "status", "code", "field"), CASES, ids=IDS)
def test_accept_json_answers_problem_json(client, method, path, status, code, field):
    response = client.request(method, "/test" + path, headers={"Accept": "application/json"})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert_problem(response.json(), status, code, field)


@pytest.mark.parametrize(("method", "path", "status", "code", "field"), CASES, ids=IDS)
def test_pages_answer_an_error_page(client, method, path, status, code, field):
    response = client.request(
        method, "/test" + path,
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Language": "en"},
    )
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="en">' in html
    assert f"Error {status}" in html
    assert f'<code class="error-code">{code}</code>' in html
    assert "<main" in html
    if field:
        assert f"<code>{field}</code>" in html
    assert SECRET not in html
    assert "Traceback" not in html


def test_coded_error_keeps_its_message(client):
    body = client.get("/api/test/invalid").json()
    assert body["detail"] == "The album number has 6 digits."
    assert body["type"] == PROBLEM_TYPE_BASE + "invalid_album_number"


def test_validation_errors_name_each_field(client):
    body = client.get("/api/test/numbers/seven?limit=many").json()
    fields = {(error["in"], error["field"]) for error in body["errors"]}
    assert fields == {("path", "number"), ("query", "limit")}
    assert all(error["message"] for error in body["errors"])
    assert "many" not in str(body) and "seven" not in str(body)  # input is not echoed


def test_http_exception_keeps_its_detail_and_headers(client):
    response = client.delete("/api/test/invalid")
    assert response.headers["allow"] == "GET"
    forbidden = client.get("/api/test/forbidden").json()
    assert forbidden["detail"] == "Only the dean's office may do this."


def test_unhandled_error_is_logged_with_traceback(client, caplog):
    with caplog.at_level(logging.ERROR, logger="legitka.web"):
        response = client.get("/api/test/bug")
    assert response.status_code == 500
    records = [r for r in caplog.records if r.name == "legitka.web" and r.exc_info]
    assert records, "the 500 must be logged with its traceback"
    assert isinstance(records[0].exc_info[1], RuntimeError)


def test_problems_speak_polish(client):
    body = client.get("/api/no-such-thing", headers={"Accept-Language": "pl"}).json()
    assert body["title"] == "Nie znaleziono"
    assert body["detail"].startswith("Pod tym adresem nic nie ma.")
    page = client.get("/nope", headers={"Accept-Language": "pl"}).text
    assert '<html lang="pl">' in page
    assert "Błąd 404" in page and "Kod błędu" in page


@pytest.mark.parametrize(
    ("accept", "json"),
    [
        ("application/json", True),
        ("application/problem+json", True),
        ("application/json, text/html", True),
        ("text/html, application/json", False),
        ("text/html;q=0.5, application/json", True),
        ("application/json;q=0.2, text/html", False),
        ("*/*", False),
        ("", False),
    ],
)
def test_negotiation(client, accept, json):
    response = client.get("/nope", headers={"Accept": accept})
    is_json = response.headers["content-type"] == "application/problem+json"
    assert is_json == json
