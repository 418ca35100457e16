"""Status and personal data changes in the console: what they do to the mLegitymacja, shown
before saving and done after; a lost phone revoked."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from legitka.credentials import jose
from legitka.credentials.status_list import StatusList as Bits
from legitka.issuer import orders
from legitka.registry.db import transaction
from legitka.registry.models import AuditEvent, MobileId, Notification, Order, Study
from legitka.registry.services.students import find_study
from legitka.wallet.holder import Holder, StoredCredential
from legitka.worker import drain
from tests.office.conftest import Office, form_csrf


def sign_in(office: Office, login: str) -> httpx.Client:
    """Signed in as ``login``, reading the console in English."""
    client = office.sign_in(login)
    client.headers["Accept-Language"] = "en"
    return client


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def activate(office: Office, http: httpx.Client, slug: str, album: str) -> StoredCredential:
    """Order the student's mLegitymacja, let the worker prepare it and activate it."""
    with transaction(office.runtime.sessions) as session:
        study = find_study(session, slug, album)
        order, _ = orders.place(session, office.clock, study, channel="cli", actor="test")
        order_id = order.id
    drain(office.runtime)
    with office.runtime.sessions() as session:
        offer = orders.view(session, office.runtime.issuer_config,
                            orders.get(session, order_id), "en")["offer"]  # fmt: skip
    holder = Holder(http, trusted_roots=[office.runtime.pki.root_certificate()],
                    now=office.clock.now)  # fmt: skip
    return holder.activate(offer["qr_uri"], offer["activation_code"])


def status_of(office: Office, http: httpx.Client, credential: StoredCredential) -> int:
    """What a verifier reads for ``credential`` in the published status list."""
    drain(office.runtime)
    reference = credential.claims["status"]["status_list"]
    claims = jose.unverified_claims(http.get(reference["uri"]).text)
    return int(Bits.decode(claims["status_list"]).get(reference["idx"]))


def effects(page: str) -> list[str]:
    return re.findall(r'<li data-effect="(\w+)">', page)


def preview_status(office: Office, client: httpx.Client, study_id: int, action: str,
                   since: str = "2026-11-20") -> httpx.Response:  # fmt: skip
    path = f"/office/u/{office_slug(office, study_id)}/students/{study_id}/changes"
    return client.post(path + "/status", data={
        "csrf_token": office.csrf(client, path), "action": action, "since": since,
    })  # fmt: skip


def office_slug(office: Office, study_id: int) -> str:
    with office.runtime.sessions() as session:
        study = session.get_one(Study, study_id)
        return "pd" if study.album_number and study.album_number.startswith("1") else "uw"


def save(client: httpx.Client, page: str, path: str) -> httpx.Response:
    form = re.search(r'<form method="post" action="([^"]+)">\s*(.*?)<button type="submit" '
                     r'class="button" id="confirm-change"', page, re.S)  # fmt: skip
    assert form, "no confirmation form"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form[2]))
    return client.post(form[1], data=fields)


def change(office: Office, client: httpx.Client, study_id: int, action: str,
           expected: list[str]) -> None:  # fmt: skip
    shown = preview_status(office, client, study_id, action)
    assert shown.status_code == 200, shown.text
    assert effects(shown.text) == expected
    saved = save(client, shown.text, "")
    assert saved.status_code == 303, saved.text


@pytest.mark.parametrize("login", ["dziekanat.pd", "admin.pd", "admin"])
def test_every_role_of_the_university_may_change(office: Office, login: str) -> None:
    client = sign_in(office, login)
    study_id = office.study_id("pd", "100001")
    page = client.get(f"/office/u/pd/students/{study_id}/changes")
    assert page.status_code == 200
    assert 'value="suspend"' in page.text and 'value="resume"' not in page.text
    student = client.get(f"/office/u/pd/students/{study_id}")
    assert f'href="/office/u/pd/students/{study_id}/changes"' in student.text


def test_staff_of_another_university_get_404(office: Office, http: httpx.Client) -> None:
    stored = activate(office, http, "pd", "100001")
    client = sign_in(office, "dziekanat.uw")
    csrf = office.csrf(client, "/office/u/uw/students")
    study_id = office.study_id("pd", "100001")
    with office.runtime.sessions() as session:
        mobile_id = session.scalar(select(MobileId.id).where(MobileId.study_id == study_id))
    for slug in ("pd", "uw"):
        base = f"/office/u/{slug}/students/{study_id}"
        assert client.get(base + "/changes").status_code == 404
        assert client.get(f"{base}/mobile-ids/{mobile_id}/lost-phone").status_code == 404
        for path, data in (
            ("/changes/status", {"action": "remove", "since": "2026-11-20", "confirm": "yes"}),
            ("/changes/data", {"family_name": "X", "confirm": "yes"}),
            (f"/mobile-ids/{mobile_id}/lost-phone", {}),
        ):
            response = client.post(base + path, data={"csrf_token": csrf, **data})
            assert response.status_code == 404, path
    assert status_of(office, http, stored) == 0
    assert office.browser().get(f"/office/u/pd/students/{study_id}/changes").status_code == 303


def test_status_changes_show_and_do_their_effect(office: Office, http: httpx.Client) -> None:
    stored = activate(office, http, "pd", "100001")
    client = sign_in(office, "dziekanat.pd")
    study_id = office.study_id("pd", "100001")
    shown = preview_status(office, client, study_id, "suspend")
    assert "This suspends 1 mLegitymacja" in shown.text
    assert status_of(office, http, stored) == 0  # a preview changes nothing
    change(office, client, study_id, "suspend", ["suspends"])
    assert status_of(office, http, stored) == 2
    change(office, client, study_id, "reinstate", ["restores"])
    assert status_of(office, http, stored) == 0
    change(office, client, study_id, "remove", ["revokes"])
    assert status_of(office, http, stored) == 1
    change(office, client, study_id, "resume", ["no_effect"])  # R20: ordered anew
    assert status_of(office, http, stored) == 1
    with office.runtime.sessions() as session:
        actors = session.scalars(select(AuditEvent.actor).where(
            AuditEvent.action == "study.status_changed")).all()  # fmt: skip
    assert actors.count("staff:dziekanat.pd") == 4


def test_graduation_and_a_student_without_a_mobile_id(office: Office, http: httpx.Client) -> None:
    stored = activate(office, http, "pd", "100001")
    client = sign_in(office, "dziekanat.pd")
    study_id = office.study_id("pd", "100001")
    # a first-cycle graduate keeps the rights until 31 October: graduating in November ends them
    change(office, client, study_id, "graduate", ["revokes"])
    assert status_of(office, http, stored) == 1
    other = office.study_id("pd", "100005")
    change(office, client, other, "leave", ["no_effect"])
    wrong = preview_status(office, client, other, "resume")
    assert wrong.status_code == 422 and "not possible" in wrong.text


def test_data_change_under_the_els_linked_policy_invalidates(
    office: Office, http: httpx.Client
) -> None:
    stored = activate(office, http, "pd", "100001")
    client = sign_in(office, "dziekanat.pd")
    study_id = office.study_id("pd", "100001")
    path = f"/office/u/pd/students/{study_id}/changes"
    page = client.get(path).text
    fields = dict(re.findall(r'id="(given_names|family_name|birth_date|pesel|email)" name="\w+" '
                             r'type="\w+"[^>]*value="([^"]*)"', page))  # fmt: skip
    shown = client.post(path + "/data", data={**fields, "family_name": "Nowak-Kowalska",
                                              "csrf_token": form_csrf(page)})  # fmt: skip
    assert effects(shown.text) == ["revokes"]
    assert "family_name" in shown.text
    assert save(client, shown.text, "").status_code == 303
    assert status_of(office, http, stored) == 1
    with office.runtime.sessions() as session:
        assert session.scalar(select(MobileId.reason)) == "data_changed"


def test_data_change_under_the_pesel_policy_prepares_a_new_offer(
    office: Office, http: httpx.Client
) -> None:
    stored = activate(office, http, "uw", "200002")
    client = sign_in(office, "dziekanat.uw")
    study_id = office.study_id("uw", "200002")
    path = f"/office/u/uw/students/{study_id}/changes"
    page = client.get(path).text
    fields = dict(re.findall(r'id="(given_names|family_name|birth_date|pesel|email)" name="\w+" '
                             r'type="\w+"[^>]*value="([^"]*)"', page))  # fmt: skip
    shown = client.post(path + "/data", data={**fields, "family_name": "Pawłowski-Nowy",
                                              "csrf_token": form_csrf(page)})  # fmt: skip
    assert effects(shown.text) == ["new_offer"]
    assert "prepares a new mLegitymacja offer" in shown.text
    assert save(client, shown.text, "").status_code == 303
    drain(office.runtime)
    assert status_of(office, http, stored) == 0  # the old one works until the new one is active
    with office.runtime.sessions() as session:
        order = session.scalars(select(Order).where(Order.study_id == study_id)
                                .order_by(Order.id.desc())).first()  # fmt: skip
        assert order is not None and order.channel == "register"
        assert order.status.value == "ready"
        mails = session.scalars(select(Notification).where(
            Notification.event_key == f"order:{order.id}:ready")).all()  # fmt: skip
        assert len(mails) == 1 and "Twoje dane osobowe zmieniły się" in mails[0].body
        offer = orders.view(session, office.runtime.issuer_config, order, "en")["offer"]
    holder = Holder(http, trusted_roots=[office.runtime.pki.root_certificate()],
                    now=office.clock.now)  # fmt: skip
    renewed = holder.activate(offer["qr_uri"], offer["activation_code"])
    assert status_of(office, http, renewed) == 0
    assert status_of(office, http, stored) == 1  # replaced by the one with the new data
    # nothing to change: no effect, and no second order
    page = client.get(path).text
    fields = dict(re.findall(r'id="(given_names|family_name|birth_date|pesel|email)" name="\w+" '
                             r'type="\w+"[^>]*value="([^"]*)"', page))  # fmt: skip
    again = client.post(path + "/data", data={**fields, "csrf_token": form_csrf(page)})
    assert effects(again.text) == ["no_effect"]


def test_lost_phone_revokes_the_mobile_id(office: Office, http: httpx.Client) -> None:
    stored = activate(office, http, "pd", "100001")
    client = sign_in(office, "dziekanat.pd")
    study_id = office.study_id("pd", "100001")
    page = client.get(f"/office/u/pd/students/{study_id}/changes").text
    link = re.search(r'href="(/office/u/pd/students/\d+/mobile-ids/\d+/lost-phone)"', page)
    assert link
    confirmation = client.get(link[1])
    assert confirmation.status_code == 200 and 'id="confirm-revoke"' in confirmation.text
    assert status_of(office, http, stored) == 0
    done = client.post(link[1], data={"csrf_token": form_csrf(confirmation.text)})
    assert done.status_code == 303
    assert status_of(office, http, stored) == 1
    with office.runtime.sessions() as session:
        mobile = session.scalars(select(MobileId)).one()
        assert (mobile.status.value, mobile.reason) == ("revoked", "lost_phone")
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "mobile_id.revoked")).one()  # fmt: skip
        assert event.actor == "staff:dziekanat.pd"
    assert "no working mLegitymacja" in client.get(f"/office/u/pd/students/{study_id}/changes").text
