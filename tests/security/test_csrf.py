"""CSRF: every state-changing form of the portal, the console and the verifier page, taken from
the route table, refuses a request without the form's token, with a wrong one, and a cross-site
request (another site's ``Origin``), even when the browser sends the session cookie along.

Exempt by design, and listed here so that a new POST route is a decision: the mobile API and the
verifier's API (bearer tokens, no cookies), the OpenID4VCI/VP protocol endpoints (the issuer's own
codes and tokens, the wallet's signed answer) and the offline QR check (it changes nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from legitka.web import create_app
from tests.security.conftest import Site, Victim, form_csrf
from tests.security.routes import KINDS, Kind, route_table

EXEMPT = {
    ("POST", "/u/{slug}/token"),
    ("POST", "/u/{slug}/nonce"),
    ("POST", "/u/{slug}/credential"),
    ("POST", "/u/{slug}/notification"),
    ("POST", "/verifier/api/v1/requests"),
    ("POST", "/verifier/response/{ref}"),
    ("POST", "/verifier/offline"),
    ("POST", "/u/{slug}/api/v1/session"),
    ("DELETE", "/u/{slug}/api/v1/session"),
    ("POST", "/u/{slug}/api/v1/oath"),
    ("POST", "/u/{slug}/api/v1/photo"),
    ("POST", "/u/{slug}/api/v1/mlegitymacja/order"),
    ("POST", "/u/{slug}/api/v1/mlegitymacja/cancel"),
    ("POST", "/u/{slug}/api/v1/mlegitymacja/extend"),
}
SIGN_IN_FORMS = {("POST", "/u/{slug}/login"), ("POST", "/office/login")}
EVIL = {"Origin": "https://evil.example", "Referer": "https://evil.example/form"}
ATTEMPTS = {
    "no token": ({}, {"note": "x"}),
    "wrong token": ({}, {"csrf_token": "not-the-token", "note": "x"}),
    "cross-site": (EVIL, {"note": "x"}),
}


def state_changing(site: Site) -> list[tuple[str, str]]:
    return [
        (method, path)
        for method, path in route_table(create_app(site.runtime))
        if method not in ("GET", "HEAD")
    ]


def test_every_state_changing_route_is_protected_or_exempt(site: Site) -> None:
    for route in state_changing(site):
        protected = KINDS[route] in (
            Kind.STUDENT_PAGE, Kind.OFFICE, Kind.OFFICE_ANY, Kind.PUBLIC_FORM
        )  # fmt: skip
        assert protected or route in EXEMPT | SIGN_IN_FORMS, f"{route}: protect it or exempt it"
        assert not (protected and route in EXEMPT), route
    for route in EXEMPT:
        assert KINDS[route] in (
            Kind.PROTOCOL, Kind.VERIFIER_API, Kind.STUDENT_API, Kind.SIGN_IN, Kind.CAPABILITY,
            Kind.PUBLIC,
        ), route  # fmt: skip


@pytest.fixture(scope="module")
def anna(site: Site) -> Iterator[tuple[httpx.Client, Victim]]:
    client = site.student("pd", "anna.nowak")
    del client.headers["x-csrf-token"]  # the forged form does not know it
    yield client, site.victim("pd", "anna.nowak")
    client.close()


@pytest.fixture(scope="module")
def office(site: Site) -> Iterator[httpx.Client]:
    client = site.staff("dziekanat.pd")
    del client.headers["x-csrf-token"]
    yield client
    client.close()


def refused(answer: httpx.Response) -> bool:
    """403 with the code (error page) or the message (the verifier's start page again)."""
    said = "csrf_failed" in answer.text or "did not come from this site" in answer.text
    return answer.status_code == 403 and said


def test_forged_forms_are_refused(
    site: Site, anna: tuple[httpx.Client, Victim], office: httpx.Client
) -> None:
    student, victim = anna
    verifier = site.browser()
    verifier.headers["accept-language"] = "en"
    verifier.get("/verify")  # the page's token cookie is there; the forged form lacks the field
    values = {
        "slug": "pd", "study_id": victim.study_id, "photo_id": victim.photo_id,
        "mobile_id": victim.mobile_id, "payment_id": victim.payment_id,
        "charge_id": victim.charge_id, "action": "cancel",
    }  # fmt: skip
    failures = []
    tried = 0
    for method, template in state_changing(site):
        kind = KINDS[(method, template)]
        client = {
            Kind.STUDENT_PAGE: student, Kind.OFFICE: office, Kind.OFFICE_ANY: office,
            Kind.PUBLIC_FORM: verifier,
        }.get(kind)  # fmt: skip
        if client is None:
            continue
        path = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), template)
        for name, (headers, data) in ATTEMPTS.items():
            answer = client.request(method, path, headers=headers, data=data)
            tried += 1
            if not refused(answer):
                failures.append(f"{name} {method} {path}: {answer.status_code}")
    assert not failures, "\n".join(failures)
    assert tried >= 3 * 20
    # Nothing happened: Anna is still signed in (the forged sign-out did not end her session).
    assert student.get("/u/pd/student/").status_code == 200
    assert office.get("/office/").status_code in (200, 303)


def test_the_verifier_page_form_needs_its_token(site: Site) -> None:
    with site.browser() as browser:
        page = browser.get("/verify?lang=en")
        token = form_csrf(page.text)
        cookie = page.headers["set-cookie"]
        assert "legitka_verify_csrf=" in cookie and "HttpOnly" in cookie
        assert "samesite=strict" in cookie.lower() and "Path=/verify" in cookie

        forged = browser.post("/verify?lang=en", data={"preset": "student_status"}, headers=EVIL)
        assert forged.status_code == 403
        assert "did not come from this site" in forged.text  # the start page with the message
        wrong = browser.post("/verify?lang=en", data={"preset": "full", "csrf_token": "x" * 32})
        assert wrong.status_code == 403

        fresh = form_csrf(wrong.text)  # each refusal's page carries a new token
        assert (
            browser.post(
                "/verify?lang=en", data={"preset": "full", "csrf_token": fresh}
            ).status_code
            == 303
        )
        # Another browser's token is no good without that browser's cookie.
    with site.browser() as other:
        stolen = other.post("/verify?lang=en", data={"preset": "full", "csrf_token": token})
        assert stolen.status_code == 403


@pytest.mark.parametrize("path", ["/u/pd/login", "/office/login"])
def test_sign_in_forms_need_the_page_s_token(site: Site, path: str) -> None:
    login, password = (
        ("anna.nowak", "demo-anna-1") if path.startswith("/u/") else ("dziekanat.pd", "?")
    )
    with site.browser() as browser:
        bare = browser.post(path, data={"login": login, "password": password}, headers=EVIL)
        assert bare.status_code == 403 and "legitka_session" not in bare.headers.get(
            "set-cookie", ""
        )
        browser.get(path)  # the page's cookie, but a forged field
        forged = browser.post(path, data={"login": login, "password": password, "csrf_token": "x"})
        assert forged.status_code == 403
