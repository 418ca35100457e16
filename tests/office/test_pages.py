"""The console's pages: the search, a student's page, the audit log and its CSV, the reports."""

from __future__ import annotations

import csv
import io
import re

import httpx
from sqlalchemy import select

from legitka.issuer import mobile_ids, orders
from legitka.registry.db import transaction
from legitka.registry.models import AuditEvent, MobileId, Person
from legitka.registry.services.students import find_study
from legitka.wallet.holder import Holder
from legitka.worker import drain
from tests.office.conftest import Office

STUDY_LINK = re.compile(r'href="/office/u/(\w+)/students/(\d+)">([^<]+)</a>')


def found(html: str) -> list[str]:
    return [name for _slug, _id, name in STUDY_LINK.findall(html)]


def test_search_by_name_album_and_pesel(office: Office) -> None:
    client = office.sign_in("dziekanat.pd")
    token = office.csrf(client, "/office/u/pd/students")

    def search(q: str) -> list[str]:
        response = client.post("/office/u/pd/students", data={"q": q, "csrf_token": token})
        assert response.status_code == 200
        return found(response.text)

    assert search("wozniak") == ["Woźniak Zofia"]  # no diacritics typed
    assert search("ZOFIA WOŹNIAK") == ["Woźniak Zofia"]  # any case and order
    assert search("100003") == ["Kowalski Piotr"]  # album, exact
    assert "Kowalski Piotr" in search("10000")  # album, its beginning
    assert search("200001") == []  # uw's album: not pd's
    assert search("nobody-here") == []
    with office.runtime.sessions() as session:
        person = session.get(Person, find_study(session, "pd", "100001").person_id)
        assert person is not None and person.pesel
        pesel = person.pesel
    assert search(pesel) == ["Nowak Anna"]
    assert search(pesel[:10] + "0") == []  # exact only
    # the list pages without anything personal in the URL
    listing = client.get("/office/u/pd/students")
    assert listing.status_code == 200
    assert len(found(listing.text)) == 20  # 19 students, one with two studies


def test_search_pages_through_many_results(office: Office) -> None:
    client = office.sign_in("admin")
    token = office.csrf(client, "/office/u/pd/students")
    first = client.post("/office/u/pd/students", data={"q": "a", "csrf_token": token})
    assert "Page 1 of" not in first.text or 'name="page" value="2"' in first.text


def test_student_page_shows_the_register_entry(office: Office) -> None:
    client = office.sign_in("dziekanat.pd")
    study = office.study_id("pd", "100008")  # card lost, duplicate applied for (33 zł due)
    page = client.get(f"/office/u/pd/students/{study}", params={"lang": "en"})
    assert page.status_code == 200
    text = page.text
    assert "Agnieszka" in text and "Zielińska" in text
    for heading in (
        "Personal data", "Studies", "Photos", "Oath and declarations", "Fees charged",
        "Payments received", "Plastic student ID card (ELS)", "Mobile IDs", "Orders",
        "Audit timeline",
    ):  # fmt: skip
        assert heading in text, heading
    assert "33,00 zł" in text  # the duplicate's fee
    assert "Lost" in text or "lost" in text
    assert re.search(rf"/office/u/pd/students/{study}/photos/\d+", text)
    assert "els.status_changed" in text and "els.applied" in text
    # on leave: the status history with the reason
    on_leave = client.get(f"/office/u/pd/students/{office.study_id('pd', '100013')}")
    assert "dean&#39;s leave" in on_leave.text or "dean's leave" in on_leave.text


def test_student_page_in_polish(office: Office) -> None:
    client = office.sign_in("dziekanat.pd")
    study = office.study_id("pd", "100001")
    page = client.get(f"/office/u/pd/students/{study}", params={"lang": "pl"})
    assert page.status_code == 200
    assert 'lang="pl"' in page.text
    assert "Dane osobowe" in page.text and "Studenci" in page.text


def test_audit_log_filters_and_csv(office: Office) -> None:
    client = office.sign_in("dziekanat.pd")
    everything = client.get("/office/u/pd/audit")
    assert everything.status_code == 200
    photos = client.get("/office/u/pd/audit", params={"action": "photo.approved", "lang": "en"})
    with office.runtime.sessions() as session:
        pd_approved = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "photo.approved", AuditEvent.university_id == 1
            )
        ).all()
    assert f"{len(pd_approved)} events." in photos.text
    # the CSV of the same filter: a header and one row per event, newest first
    export = client.get("/office/u/pd/audit.csv", params={"action": "photo.approved"})
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert rows[0] == ["at", "actor", "action", "subject_type", "subject_id", "details"]
    assert len(rows) == len(pd_approved) + 1
    assert {row[2] for row in rows[1:]} == {"photo.approved"}
    assert [row[0] for row in rows[1:]] == sorted((row[0] for row in rows[1:]), reverse=True)
    # by actor and by date: the sign-in of today only
    mine = client.get(
        "/office/u/pd/audit.csv",
        params={"actor": "staff:dziekanat.pd", "from": "2026-11-22", "to": "2026-11-22"},
    )
    actions = [row[2] for row in csv.reader(io.StringIO(mine.text.lstrip("\ufeff")))][1:]
    assert "staff.session_started" in actions
    nothing = client.get("/office/u/pd/audit", params={"from": "2030-01-01", "lang": "en"})
    assert "0 events." in nothing.text
    # by student: only that student's subjects
    study = office.study_id("pd", "100004")
    theirs = client.get("/office/u/pd/audit.csv", params={"student": study})
    subjects = {(row[3], row[4]) for row in csv.reader(io.StringIO(theirs.text.lstrip("\ufeff")))}
    assert ("study", str(study)) in subjects
    # the export is audited, with who did it; nothing personal in the export
    with office.runtime.sessions() as session:
        exported = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "audit.exported")
        ).all()
        pesels = [p for p in session.scalars(select(Person.pesel)) if p]
    assert {e.actor for e in exported} == {"staff:dziekanat.pd"}
    assert not any(p in export.text or p in theirs.text for p in pesels)


def _activate(office: Office, album: str) -> int:
    with transaction(office.runtime.sessions) as session:
        order, _ = orders.place(
            session, office.clock, find_study(session, "pd", album), channel="cli", actor="test"
        )
        order_id = order.id
    drain(office.runtime)
    with office.runtime.sessions() as session:
        view = orders.view(
            session, office.runtime.issuer_config, orders.get(session, order_id), "en"
        )
    with httpx.Client(timeout=10) as http:
        holder = Holder(http, trusted_roots=[office.runtime.pki.root_certificate()],
                        now=office.clock.now)  # fmt: skip
        holder.activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    return order_id


def test_reports_count_mobile_ids_orders_and_revocations(office: Office) -> None:
    _activate(office, "100001")
    second = _activate(office, "100017")
    with transaction(office.runtime.sessions) as session:
        mobile = session.scalar(select(MobileId).where(MobileId.order_id == second))
        assert mobile is not None
        mobile_ids.revoke(session, office.clock, mobile, actor="staff:dziekanat.pd")
    client = office.sign_in("dziekanat.pd")
    page = client.get("/office/u/pd/reports", params={"lang": "en"})
    assert page.status_code == 200
    assert re.search(r'id="active-mobile-ids">1<', page.text)
    assert "Orders in total: 2." in page.text
    revocations = page.text.split('id="revocations"', 1)[1]
    assert re.search(
        r"<td>revoked</td><td><code>[a-z_]+</code></td>"
        r'<td class="number">1</td><td class="number">1</td>',
        revocations,
    )
    # uw has none of these; the system administrator sees both side by side
    admin = office.sign_in("admin")
    assert re.search(r'id="active-mobile-ids">0<', admin.get("/office/u/uw/reports").text)
    table = admin.get("/office/reports", params={"lang": "en"}).text
    assert re.search(
        r'/office/u/pd/reports">[^<]+</a></th><td class="number">1</td>'
        r'<td class="number">2</td><td class="number">1</td>',
        table,
    )
