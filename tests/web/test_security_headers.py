"""Security headers on every answer, through HTTP: pages, API errors, routes' own policies."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient

from legitka.runtime import Runtime
from legitka.web import create_app
from legitka.web.security_headers import CONTENT_SECURITY_POLICY, HSTS
from tests.web.test_pages import add_university


def assert_defaults(answer, *, referrer: str = "same-origin") -> None:
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == referrer
    assert answer.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in answer.headers


def test_start_page_has_the_default_headers_and_policy(client):
    answer = client.get("/")

    assert answer.status_code == 200
    assert_defaults(answer)
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in answer.headers["content-security-policy"]


def test_portal_and_office_login_pages_have_the_default_headers(runtime, client):
    add_university(runtime, "pd", "Politechnika Demo", "Demo University of Technology")

    for path in ("/u/pd/", "/u/pd/login", "/office/login"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["content-type"].startswith("text/html"), path
        assert_defaults(answer)
        assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path


def test_api_error_gets_nosniff_too(client):
    answer = client.get("/verifier/api/v1/requests/nothing-here")

    assert answer.status_code in (401, 404)
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert_defaults(answer)


def test_each_header_appears_once(client):
    answer = client.get("/healthz")

    for name in ("x-content-type-options", "referrer-policy", "x-frame-options"):
        assert len(answer.headers.get_list(name)) == 1, name


def test_wallet_keeps_its_own_stricter_policies(client):
    answer = client.get("/wallet/")

    assert answer.status_code == 200
    assert answer.headers.get_list("referrer-policy") == ["no-referrer"]
    policy = answer.headers.get_list("content-security-policy")
    assert len(policy) == 1
    assert "connect-src 'self' https: http:" in policy[0]
    assert "form-action 'none'" in policy[0]
    assert answer.headers["x-frame-options"] == "DENY"


def test_verifier_page_keeps_its_own_stricter_policies(client):
    answer = client.get("/verify")

    assert answer.status_code == 200
    assert answer.headers.get_list("referrer-policy") == ["no-referrer"]
    policy = answer.headers.get_list("content-security-policy")
    assert len(policy) == 1
    assert "media-src 'self' blob: mediastream:" in policy[0]
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_strict_transport_security_only_behind_https(runtime: Runtime):
    behind_tls = dataclasses.replace(
        runtime, settings=runtime.settings.model_copy(update={"base_url": "https://id.example.edu"})
    )
    with TestClient(create_app(behind_tls), raise_server_exceptions=False) as client:
        page = client.get("/")
        error = client.get("/verifier/api/v1/requests/nothing-here")

    assert page.headers["strict-transport-security"] == HSTS
    assert error.headers["strict-transport-security"] == HSTS

    plain = dataclasses.replace(
        runtime, settings=runtime.settings.model_copy(update={"base_url": "http://id.example.edu"})
    )
    with TestClient(create_app(plain), raise_server_exceptions=False) as client:
        assert "strict-transport-security" not in client.get("/").headers
