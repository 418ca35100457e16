"""Sessions and headers: no session fixation, sign-out ends the session on the server, and the
security headers on every kind of answer, errors included (404, 405, 422, 500)."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from legitka.web import create_app
from legitka.web.security_headers import CONTENT_SECURITY_POLICY, HSTS
from tests.security.conftest import STAFF_PASSWORDS, Site, form_csrf

PLANTED = "planted-by-someone-else-0123456789abcdefghijklmno"


@pytest.mark.parametrize(
    ("login_path", "home", "cookie", "logout", "login", "password"),
    [
        ("/u/pd/login", "/u/pd/student/", "legitka_session", "/u/pd/logout", "anna.nowak",
         "demo-anna-1"),
        ("/office/login", "/office/u/pd/", "legitka_office", "/office/logout", "dziekanat.pd",
         STAFF_PASSWORDS["dziekanat.pd"]),
    ],
)  # fmt: skip
def test_no_session_fixation_and_sign_out_ends_the_session(
    site: Site, login_path: str, home: str, cookie: str, logout: str, login: str, password: str
) -> None:
    with site.browser() as browser:
        browser.cookies.set(cookie, PLANTED)  # a cookie set before signing in
        assert browser.get(home).status_code == 303  # worth nothing
        token = form_csrf(browser.get(login_path).text)
        signed_in = browser.post(
            login_path, data={"login": login, "password": password, "csrf_token": token}
        )
        assert signed_in.status_code == 303
        session = signed_in.cookies[cookie]
        assert session and session != PLANTED
        assert "httponly" in signed_in.headers["set-cookie"].lower()
        browser.cookies.clear()  # the browser keeps the new session only
        browser.cookies.set(cookie, session)
        page = browser.get(home, follow_redirects=True)
        assert page.status_code == 200

        csrf = form_csrf(page.text)
        out = browser.post(logout, data={"csrf_token": csrf})
        assert out.status_code == 303 and out.headers["location"] == login_path, out.headers
    with site.browser() as replay:  # the old cookie, kept by someone, after signing out
        replay.cookies.set(cookie, session)
        again = replay.get(home)
        assert again.status_code == 303 and "/login" in again.headers["location"]


def test_a_signed_out_app_token_is_refused(site: Site) -> None:
    app = site.api("pd", "anna.nowak")
    assert app.get("/u/pd/api/v1/mlegitymacja").status_code == 200
    assert app.delete("/u/pd/api/v1/session").status_code in (200, 204)
    replayed = app.get("/u/pd/api/v1/mlegitymacja")
    assert replayed.status_code == 401 and replayed.json()["code"] == "invalid_token"


def assert_headers(answer, *, hsts: bool = False) -> None:  # type: ignore[no-untyped-def]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["referrer-policy"] in ("same-origin", "no-referrer")
    policy = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
    assert ("strict-transport-security" in answer.headers) is hsts
    if hsts:
        assert answer.headers["strict-transport-security"] == HSTS


def test_headers_on_every_kind_of_answer(site: Site) -> None:
    office = site.staff("dziekanat.pd")
    app = site.api("pd", "anna.nowak")
    with site.browser() as browser:
        answers = {
            "page": browser.get("/"),
            "sign-in redirect": browser.get("/u/pd/student/"),
            "status list": browser.get("/trust/list.json"),
            "verifier page": browser.get("/verify"),
            "wallet": browser.get("/wallet/"),
            "static": browser.get("/static/legitka.css"),
            "OAuth error": browser.post("/u/pd/token", data={}),
            "API 401": browser.get("/u/pd/api/v1/mlegitymacja"),
            "404 page": browser.get("/nothing-here"),
            "404 problem": browser.get("/nothing-here", headers={"accept": "application/json"}),
            "405": browser.delete("/"),
            "422": office.get("/office/u/pd/students/not-a-number"),
            "422 API": app.get("/u/pd/api/v1/photo/not-a-number"),
            "403 csrf": office.post("/office/logout", data={}, headers={"x-csrf-token": "x"}),
        }
    office.close()
    app.close()
    expected = {"404 page": 404, "404 problem": 404, "405": 405, "422": 422, "422 API": 422}
    for name, answer in answers.items():
        if name in expected:
            assert answer.status_code == expected[name], (name, answer.status_code)
        assert_headers(answer)


@pytest.mark.parametrize("base_url", ["http://id.example.edu", "https://id.example.edu"])
def test_an_unhandled_error_carries_the_headers_too(site: Site, base_url: str) -> None:
    runtime = dataclasses.replace(
        site.runtime, settings=site.runtime.settings.model_copy(update={"base_url": base_url})
    )
    app = create_app(runtime)

    @app.get("/failing")
    def failing() -> None:
        raise RuntimeError("a fault of ours")

    https = base_url.startswith("https")
    with TestClient(app, raise_server_exceptions=False) as client:
        for accept in ("text/html", "application/json"):
            answer = client.get("/failing", headers={"accept": accept})
            assert answer.status_code == 500
            assert "a fault of ours" not in answer.text and "Traceback" not in answer.text
            assert_headers(answer, hsts=https)
            assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert_headers(client.get("/nothing-here"), hsts=https)
