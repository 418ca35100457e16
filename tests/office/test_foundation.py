"""The console's foundation: signing in, sessions, CSRF, roles and the university scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from legitka.domain.errors import Conflict, InvalidInput
from legitka.domain.staff import StaffRole
from legitka.office import accounts
from legitka.office.deps import OFFICE_COOKIE
from legitka.registry.models import AuditEvent, StaffSession
from tests.office.conftest import Office, form_csrf


def test_anonymous_goes_to_sign_in_and_comes_back(office: Office) -> None:
    client = office.browser()
    response = client.get("/office/u/pd/students")
    assert response.status_code == 303
    assert response.headers["location"] == "/office/login?next=%2Foffice%2Fu%2Fpd%2Fstudents"
    page = client.get("/office/login?next=%2Foffice%2Fu%2Fpd%2Fstudents")
    signed = client.post(
        "/office/login",
        data={"login": "dziekanat.pd", "password": "demo-dziekanat-1",
              "csrf_token": form_csrf(page.text), "next": "/office/u/pd/students"},
    )  # fmt: skip
    assert signed.status_code == 303
    assert signed.headers["location"] == "/office/u/pd/students"
    assert client.get("/office/u/pd/students").status_code == 200


def test_wrong_password_and_rate_limit(office: Office) -> None:
    client = office.browser()
    for _ in range(5):
        page = client.get("/office/login")
        wrong = client.post(
            "/office/login",
            data={"login": "dziekanat.pd", "password": "nope", "csrf_token": form_csrf(page.text)},
        )
        assert wrong.status_code == 401
    page = client.get("/office/login")
    right = client.post(
        "/office/login",
        data={"login": "dziekanat.pd", "password": "demo-dziekanat-1",
              "csrf_token": form_csrf(page.text)},
    )  # fmt: skip
    assert right.status_code == 429
    assert OFFICE_COOKIE not in client.cookies


def test_sign_in_form_needs_its_csrf_token(office: Office) -> None:
    client = office.browser()
    client.get("/office/login")
    response = client.post(
        "/office/login",
        data={"login": "dziekanat.pd", "password": "demo-dziekanat-1", "csrf_token": "forged"},
    )
    assert response.status_code == 403
    assert OFFICE_COOKIE not in client.cookies


def test_a_new_session_at_every_sign_in(office: Office) -> None:
    """Session fixation: a cookie planted before signing in is never the session."""
    client = office.browser()
    tokens = []
    for _ in range(2):
        page = client.get("/office/login")
        csrf = page.cookies["legitka_office_login_csrf"]
        response = client.post(
            "/office/login",
            data={"login": "dziekanat.pd", "password": "demo-dziekanat-1",
                  "csrf_token": form_csrf(page.text)},
            headers={"Cookie": f"legitka_office_login_csrf={csrf}; {OFFICE_COOKIE}=planted"},
        )  # fmt: skip
        assert response.status_code == 303
        tokens.append(response.cookies[OFFICE_COOKIE])
    assert "planted" not in tokens and tokens[0] != tokens[1]
    with office.runtime.sessions() as session:
        assert len(session.scalars(select(StaffSession)).all()) == 2


def test_sign_out_needs_csrf_and_ends_the_session(office: Office) -> None:
    client = office.sign_in("dziekanat.pd")
    refused = client.post("/office/logout", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert client.get("/office/u/pd/students").status_code == 200
    token = office.csrf(client, "/office/u/pd/students")
    assert client.post("/office/logout", data={"csrf_token": token}).status_code == 303
    with office.browser() as again:
        again.cookies.update(client.cookies)
        assert again.get("/office/u/pd/students").status_code in (303,)
    with office.runtime.sessions() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor == "staff:dziekanat.pd")
        ).all()
    assert "staff.session_started" in actions and "staff.session_ended" in actions


def test_search_post_needs_csrf(office: Office) -> None:
    client = office.sign_in("dziekanat.pd")
    response = client.post("/office/u/pd/students", data={"q": "nowak"})
    assert response.status_code == 403
    assert "csrf_failed" in response.text


def test_disabled_staff_are_signed_out(office: Office) -> None:
    client = office.sign_in("dziekanat.pd")
    with office.runtime.sessions() as session:
        accounts.disable_staff(session, office.clock, "dziekanat.pd", actor="test")
        session.commit()
    assert client.get("/office/u/pd/students").status_code == 303
    page = client.get("/office/login")
    response = client.post(
        "/office/login",
        data={"login": "dziekanat.pd", "password": "demo-dziekanat-1",
              "csrf_token": form_csrf(page.text)},
    )  # fmt: skip
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("dziekanat.pd", "/office/u/pd/"),
        ("admin.pd", "/office/u/pd/"),
        ("dziekanat.uw", "/office/u/uw/"),
    ],
)
def test_home_goes_to_the_own_university(office: Office, login: str, expected: str) -> None:
    client = office.sign_in(login)
    response = client.get("/office/")
    assert response.status_code == 303
    assert response.headers["location"] == expected


def test_system_admin_chooses_a_university(office: Office) -> None:
    client = office.sign_in("admin")
    page = client.get("/office/")
    assert page.status_code == 200
    assert 'href="/office/u/pd/"' in page.text and 'href="/office/u/uw/"' in page.text


def test_staff_accounts_rules(office: Office) -> None:
    with office.runtime.sessions() as session:
        with pytest.raises(InvalidInput) as no_university:
            accounts.create_staff(
                session, office.clock, login="x.pd", password="long-enough-1",
                display_name="X", role=StaffRole.OFFICE, university_slug=None, actor="test",
            )  # fmt: skip
        assert no_university.value.code == "university_required"
        with pytest.raises(InvalidInput) as admin_with_university:
            accounts.create_staff(
                session, office.clock, login="root2", password="long-enough-1",
                display_name="X", role=StaffRole.SYSTEM_ADMIN, university_slug="pd",
                actor="test",
            )  # fmt: skip
        assert admin_with_university.value.code == "no_university_for_system_admin"
        with pytest.raises(Conflict):
            accounts.create_staff(
                session, office.clock, login="admin", password="long-enough-1",
                display_name="X", role=StaffRole.SYSTEM_ADMIN, university_slug=None,
                actor="test",
            )  # fmt: skip
        with pytest.raises(InvalidInput) as short:
            accounts.create_staff(
                session, office.clock, login="y.pd", password="short",
                display_name="Y", role=StaffRole.OFFICE, university_slug="pd", actor="test",
            )  # fmt: skip
        assert short.value.code == "password_too_short"
