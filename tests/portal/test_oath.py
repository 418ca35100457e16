"""The oath and declarations page and ``GET/POST api/v1/oath``, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import html
import re

import httpx
from sqlalchemy import func, select

from legitka.demo import portal_login
from legitka.domain.eligibility import Policy
from legitka.domain.studies import StudyLevel
from legitka.registry.db import transaction
from legitka.registry.models import (
    DeclarationAcceptance,
    DeclarationKind,
    Person,
    PortalAccount,
    University,
)
from legitka.registry.services import declarations, people, universities
from legitka.web.i18n import local_datetime
from tests.portal.conftest import Portal, form_csrf


def acceptances(portal: Portal, login: str) -> list[tuple[str, int, dt.datetime]]:
    with portal.runtime.sessions() as session:
        account = session.scalar(select(PortalAccount).where(PortalAccount.login == login))
        assert account is not None
        rows = session.scalars(
            select(DeclarationAcceptance)
            .where(DeclarationAcceptance.person_id == account.person_id)
            .order_by(DeclarationAcceptance.id)
        )
        return [(a.declaration.kind.value, a.declaration.version, a.accepted_at) for a in rows]


def section(page: str, kind: str) -> str:
    match = re.search(rf'<section class="block" id="{kind}".*?</section>', page, re.S)
    assert match, f"no section for {kind}"
    return html.unescape(match.group(0))


def accept(browser: httpx.Client, kind: str, version: int = 1, **extra: str) -> httpx.Response:
    csrf = form_csrf(browser.get("/u/pd/student/oath").text)
    data = {"csrf_token": csrf, "kind": kind, "version": str(version), "accept": "yes", **extra}
    return browser.post("/u/pd/student/oath", data={k: v for k, v in data.items() if v != ""})


def test_the_texts_in_both_languages_and_when_they_were_accepted(portal: Portal) -> None:
    browser = portal.sign_in("pd", "anna.nowak")
    taken = acceptances(portal, "anna.nowak")
    assert [kind for kind, _, _ in taken] == ["oath", "declarations"]
    polish = browser.get("/u/pd/student/oath?lang=pl")
    assert polish.status_code == 200
    page = html.unescape(polish.text)
    assert "<h1>Ślubowanie i oświadczenia</h1>" in page
    oath = section(page, "oath")
    assert '<h2 id="oath-heading">Ślubowanie</h2>' in oath
    assert "Ślubuję uroczyście zdobywać wiedzę" in oath
    assert f"Zaakceptowano: {local_datetime(taken[0][2], 'pl')}." in oath
    assert "<form" not in oath  # nothing left to accept
    english = html.unescape(browser.get("/u/pd/student/oath?lang=en").text)
    declarations_block = section(english, "declarations")
    assert "I declare that I have read the study regulations" in declarations_block
    assert f"You accepted this text on {local_datetime(taken[1][2], 'en')}." in declarations_block
    assert "Taken." in english


def test_accepting_the_oath_and_declarations_counts_for_the_card(portal: Portal) -> None:
    browser = portal.sign_in("pd", "jakub.wojcik")
    dashboard = html.unescape(browser.get("/u/pd/student/?lang=en").text)
    assert "Not taken yet: it is needed for your student ID card." in dashboard
    assert '<li class="todo"><span class="visually-hidden">To do:</span> Take the oath' in dashboard
    page = html.unescape(browser.get("/u/pd/student/oath").text)
    assert 'name="accept" value="yes" required' in section(page, "oath")

    # Without the tick: the page again, with the reason, and nothing recorded.
    refused = accept(browser, "oath", accept="")
    assert refused.status_code == 422
    assert "Tick the box to confirm that you have read and accept the text." in refused.text
    assert 'aria-invalid="true" aria-describedby="form-error"' in section(refused.text, "oath")
    # A missing or forged CSRF token: refused, nothing recorded.
    data = {"kind": "oath", "version": "1", "accept": "yes"}
    assert browser.post("/u/pd/student/oath", data=data).status_code == 403
    forged = browser.post("/u/pd/student/oath", data={**data, "csrf_token": "forged"})
    assert forged.status_code == 403
    assert "This form has expired" in forged.text
    # An unknown text or version.
    assert accept(browser, "anthem").status_code == 422
    assert acceptances(portal, "jakub.wojcik") == []

    done = accept(browser, "oath")
    assert done.status_code == 303
    assert done.headers["location"] == "/u/pd/student/oath?done=accepted#oath"
    shown = html.unescape(browser.get(done.headers["location"]).text)
    assert "Thank you: your acceptance is recorded." in shown
    ((kind, version, accepted_at),) = acceptances(portal, "jakub.wojcik")
    assert (kind, version, accepted_at) == ("oath", 1, portal.clock.now())
    assert f"You accepted this text on {local_datetime(accepted_at, 'en')}." in section(
        shown, "oath"
    )
    assert "Not taken yet" in shown  # the declarations are still to accept

    portal.clock.advance(dt.timedelta(hours=1))
    assert accept(browser, "oath").status_code == 303  # twice: nothing changes
    assert acceptances(portal, "jakub.wojcik") == [("oath", 1, accepted_at)]

    assert accept(browser, "declarations").status_code == 303
    dashboard = html.unescape(browser.get("/u/pd/student/?lang=pl").text)
    assert "Złożone." in dashboard
    assert (
        '<li class="ok"><span class="visually-hidden">Zrobione:</span> Ślubowanie zostało złożone'
        in dashboard
    )


def test_a_new_version_must_be_read_before_it_is_accepted(portal: Portal) -> None:
    with transaction(portal.runtime.sessions) as session:
        university = session.scalar(select(University).where(University.slug == "pd"))
        assert university is not None
        declarations.publish(
            session, portal.clock, university, DeclarationKind.OATH, title_pl="Ślubowanie",
            title_en="Oath", text_pl="Nowy tekst ślubowania.", text_en="The new oath.",
        )  # fmt: skip
    browser = portal.sign_in("pd", "anna.nowak")
    oath = section(browser.get("/u/pd/student/oath?lang=en").text, "oath")
    assert "The new oath." in oath and "Version 2" in oath
    assert "You accepted version 1 earlier." in oath
    assert 'name="version" value="2"' in oath

    stale = accept(browser, "oath", version=1)  # the form of a page read before
    assert stale.status_code == 409
    assert "published a new version of this text" in html.unescape(stale.text)
    assert accept(browser, "oath", version=2).status_code == 303
    assert [(k, v) for k, v, _ in acceptances(portal, "anna.nowak")] == [
        ("oath", 1), ("declarations", 1), ("oath", 2),
    ]  # fmt: skip


def test_texts_the_university_has_not_published(portal: Portal) -> None:
    with transaction(portal.runtime.sessions) as session:
        university = universities.create_university(
            session, portal.clock, slug="np", name_pl="Uczelnia Nowa", name_en="New College",
            policy=Policy.PESEL, hologram_code="789", account_prefix="109010140009",
        )  # fmt: skip
        study = people.enrol_student(
            session, portal.clock, university, given_names="Ola", family_name="Nowa",
            birth_date=dt.date(2005, 5, 5), pesel=None, email=None, album_number="1",
            level=StudyLevel.FIRST_CYCLE, programme="Fizyka", started_on=dt.date(2026, 10, 1),
        )  # fmt: skip
        portal_login(
            session,
            portal.clock,
            session.get_one(Person, study.person_id),
            "ola.nowa",
            "password-1",
        )
    browser = portal.sign_in("np", "ola.nowa", "password-1")
    page = html.unescape(browser.get("/u/np/student/oath?lang=pl").text)
    assert "Uczelnia nie opublikowała jeszcze tekstu ślubowania" in section(page, "oath")
    assert "Uczelnia nie opublikowała jeszcze oświadczeń" in section(page, "declarations")
    assert '<form method="post" action="/u/np/student/oath' not in page
    refused = browser.post(
        "/u/np/student/oath",
        data={"csrf_token": form_csrf(page), "kind": "oath", "version": "1", "accept": "yes"},
    )
    assert refused.status_code == 404
    assert "nie opublikowała jeszcze tekstu ślubowania" in html.unescape(refused.text)

    api = portal.api("np", "ola.nowa", "password-1")
    texts = api.get("/oath", headers={"Accept-Language": "en"}).json()["texts"]
    assert [(t["kind"], t["published"], t["version"]) for t in texts] == [
        ("oath", False, None), ("declarations", False, None),
    ]  # fmt: skip
    assert texts[0]["message"].startswith("The university has not published")
    response = api.post("/oath", json={"kind": "declarations", "version": 1})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "declaration_not_published"


def test_the_api_shows_and_accepts_the_texts(portal: Portal) -> None:
    api = portal.api("pd", "jakub.wojcik")
    before = api.get("/oath", headers={"Accept-Language": "pl"})
    assert before.status_code == 200 and before.headers["cache-control"] == "no-store"
    body = before.json()
    assert body["taken"] is False
    oath, decl = body["texts"]
    assert (oath["kind"], oath["kind_label"], oath["title"]) == ("oath", "Ślubowanie", "Ślubowanie")
    assert oath["text"].startswith("Ślubuję uroczyście")
    assert (oath["published"], oath["version"], oath["accepted"]) == (True, 1, False)
    assert oath["accepted_at"] is None and decl["accepted_version"] is None

    api.headers["Accept-Language"] = "en"
    accepted = api.post("/oath", json={"kind": "oath", "version": 1})
    assert accepted.status_code == 200
    oath = accepted.json()["texts"][0]
    assert oath["accepted"] is True and oath["text"].startswith("I solemnly promise")
    assert dt.datetime.fromisoformat(oath["accepted_at"]) == portal.clock.now()
    portal.clock.advance(dt.timedelta(minutes=5))
    again = api.post("/oath", json={"kind": "oath", "version": 1}).json()
    assert again["texts"][0]["accepted_at"] == oath["accepted_at"]
    done = api.post("/oath", json={"kind": "declarations", "version": 1}).json()
    assert done["taken"] is True

    for body, status, code in [
        ({"kind": "oath", "version": 2}, 409, "declaration_changed"),
        ({"kind": "anthem", "version": 1}, 422, "invalid_request"),
        ({"kind": "oath", "version": 0}, 422, "invalid_request"),
        ({"kind": "oath"}, 422, "invalid_request"),
    ]:
        response = api.post("/oath", json=body)
        assert response.status_code == status, body
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == code
    anonymous = httpx.post(f"{portal.base}/u/pd/api/v1/oath", json={"kind": "oath", "version": 1})
    assert anonymous.status_code == 401
    with portal.runtime.sessions() as session:
        count = session.scalar(select(func.count()).select_from(DeclarationAcceptance))
    assert count  # the demo's and these two; none of the refused ones
    assert len(acceptances(portal, "jakub.wojcik")) == 2
