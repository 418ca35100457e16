"""Payments in the console: statements imported with a preview, manual payments and refunds."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from sqlalchemy import func, select

from legitka.domain.fees import ChargeStatus
from legitka.registry.models import AuditEvent, Charge, Payment, Person, Study
from legitka.registry.models.fees import Refund, StatementUpload
from tests.office.conftest import Office, form_csrf


def sign_in(office: Office, login: str) -> httpx.Client:
    """Signed in as ``login``, reading the console in English."""
    client = office.sign_in(login)
    client.headers["Accept-Language"] = "en"
    return client


HEADER = "booked_on;amount;account;title;counterparty;reference"
UNKNOWN_ACCOUNT = "27109010140000000000000999"


def person_of(office: Office, study_id: int) -> Person:
    with office.runtime.sessions() as session:
        study = session.get_one(Study, study_id)
        return session.get_one(Person, study.person_id)


def charges_of(office: Office, person_id: int) -> list[tuple[str, int, int]]:
    with office.runtime.sessions() as session:
        return [
            (c.status.value, c.amount_grosze, c.paid_grosze)
            for c in session.scalars(
                select(Charge).where(Charge.person_id == person_id).order_by(Charge.id)
            )
        ]


def count(office: Office, model: type) -> int:
    with office.runtime.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def statement(office: Office) -> bytes:
    jakub = person_of(office, office.study_id("pd", "100005"))  # owes 22 zł
    adam = person_of(office, office.study_id("pd", "100019"))  # paid 10 of 22 zł
    return "\n".join([
        HEADER,
        f"2026-11-20;30,00;{jakub.account_number};ELS 100005;Jakub;TRX-1",
        f"2026-11-20;12,00;{adam.account_number};ELS 100019;Adam;TRX-2",
        f"2026-11-20;22,00;{UNKNOWN_ACCOUNT};Legitymacja;Jan Nieznany;TRX-3",
        "2026-11-20;-5,00;;Opłata za rachunek;;TRX-4",
    ]).encode()  # fmt: skip


def preview(office: Office, client: httpx.Client, data: bytes, name: str = "wyciag.csv"):
    csrf = office.csrf(client, "/office/u/pd/payments")
    return client.post(
        "/office/u/pd/payments/preview",
        data={"csrf_token": csrf},
        files={"file": (name, data, "text/csv")},
    )


def confirm(client: httpx.Client, page: str):
    fields = dict(re.findall(r'name="(token|sha256|csrf_token)" value="([^"]+)"', page))
    return client.post("/office/u/pd/payments/import", data=fields)


def outcomes(page: str) -> list[str]:
    return re.findall(r'<tr data-outcome="(\w+)"', page)


@pytest.mark.parametrize("login", ["dziekanat.pd", "admin.pd", "admin"])
def test_every_role_of_the_university_may_use_payments(office: Office, login: str) -> None:
    client = sign_in(office, login)
    study_id = office.study_id("pd", "100005")
    assert client.get("/office/u/pd/payments").status_code == 200
    page = client.get(f"/office/u/pd/students/{study_id}/payments")
    assert page.status_code == 200
    assert 'href="/office/u/pd/payments"' in page.text  # the menu item
    student = client.get(f"/office/u/pd/students/{study_id}")
    assert f'href="/office/u/pd/students/{study_id}/payments"' in student.text


def test_staff_of_another_university_get_404_everywhere(office: Office) -> None:
    client = sign_in(office, "dziekanat.uw")
    csrf = office.csrf(client, "/office/u/uw/payments")
    study_id = office.study_id("pd", "100005")
    person = person_of(office, study_id)
    with office.runtime.sessions() as session:
        charge_id = session.scalar(select(Charge.id).where(Charge.person_id == person.id))
    assert client.get("/office/u/pd/payments").status_code == 404
    assert client.get(f"/office/u/pd/students/{study_id}/payments").status_code == 404
    # under its own university's address, a student of pd does not exist either
    assert client.get(f"/office/u/uw/students/{study_id}/payments").status_code == 404
    for path in (
        "/office/u/pd/payments/preview",
        "/office/u/pd/payments/import",
        f"/office/u/pd/students/{study_id}/payments",
        f"/office/u/uw/students/{study_id}/payments",
        f"/office/u/uw/students/{study_id}/charges/{charge_id}/cancel",
    ):
        response = client.post(path, data={"csrf_token": csrf, "amount": "5", "title": "x"})
        assert response.status_code == 404, path
    assert charges_of(office, person.id)[0][0] == "due"


def test_anonymous_and_forged_requests(office: Office) -> None:
    anonymous = office.browser()
    assert anonymous.get("/office/u/pd/payments").status_code == 303
    client = sign_in(office, "dziekanat.pd")
    study_id = office.study_id("pd", "100005")
    before = count(office, Payment)
    forged = client.post(
        f"/office/u/pd/students/{study_id}/payments",
        data={"csrf_token": "forged", "amount": "22,00", "title": "x"},
    )
    assert forged.status_code == 403
    assert count(office, Payment) == before
    assert preview(office, client, b"").status_code == 422


def test_statement_preview_then_import_then_nothing_twice(office: Office) -> None:
    client = sign_in(office, "dziekanat.pd")
    jakub = person_of(office, office.study_id("pd", "100005"))
    adam = person_of(office, office.study_id("pd", "100019"))
    payments_before = count(office, Payment)

    shown = preview(office, client, statement(office))
    assert shown.status_code == 200, shown.text
    assert outcomes(shown.text) == ["matched", "matched", "unmatched", "skipped"]
    assert "Jakub" in shown.text and "100005" in shown.text
    assert "8,00 zł stays as credit" in shown.text
    assert "belongs to no student" in shown.text
    assert count(office, Payment) == payments_before  # a preview saves nothing
    assert charges_of(office, jakub.id)[0][0] == "due"
    assert count(office, StatementUpload) == 1

    imported = confirm(client, shown.text)
    assert imported.status_code == 200, imported.text
    assert "was imported" in imported.text
    assert count(office, Payment) == payments_before + 3
    assert count(office, StatementUpload) == 0
    assert charges_of(office, jakub.id)[0] == ("paid", 2200, 2200)
    assert charges_of(office, adam.id)[0] == ("paid", 2200, 2200)
    assert confirm(client, shown.text).status_code == 404  # the preview was used

    again = preview(office, client, statement(office))
    assert outcomes(again.text) == ["duplicate", "duplicate", "duplicate", "skipped"]
    assert "This very file was imported before" in again.text
    confirm(client, again.text)
    assert count(office, Payment) == payments_before + 3
    with office.runtime.sessions() as session:
        actors = set(session.scalars(select(AuditEvent.actor).where(
            AuditEvent.action == "statement.imported")))  # fmt: skip
    assert actors == {"staff:dziekanat.pd"}


def test_a_statement_with_bad_lines_shows_each_and_saves_nothing(office: Office) -> None:
    client = sign_in(office, "dziekanat.pd")
    jakub = person_of(office, office.study_id("pd", "100005"))
    data = "\n".join([
        HEADER,
        f"2026-11-20;22,00;{jakub.account_number};ELS;Jakub;TRX-1",
        f"2026-13-40;22,00;{jakub.account_number};ELS;Jakub;TRX-2",
        "2026-11-20;abc;;ELS;Jakub;TRX-3",
        "2026-11-20;22,00;12345;ELS;Jakub;TRX-4",
    ]).encode()  # fmt: skip
    payments_before = count(office, Payment)
    shown = preview(office, client, data, "zly.csv")
    assert shown.status_code == 422
    errors = re.findall(r'<tr data-code="(\w+)"><td class="number">(\d+)</td>', shown.text)
    assert errors == [
        ("invalid_date", "3"), ("invalid_amount", "4"), ("invalid_account_format", "5"),
    ]  # fmt: skip
    assert "nothing was saved" in shown.text
    assert 'name="token"' not in shown.text
    assert count(office, Payment) == payments_before
    assert count(office, StatementUpload) == 0
    assert charges_of(office, jakub.id)[0][0] == "due"


def test_a_preview_is_only_for_who_made_it(office: Office) -> None:
    owner = sign_in(office, "dziekanat.pd")
    shown = preview(office, owner, statement(office))
    other = sign_in(office, "admin.pd")
    fields = dict(re.findall(r'name="(token|sha256)" value="([^"]+)"', shown.text))
    csrf = office.csrf(other, "/office/u/pd/payments")
    assert other.post("/office/u/pd/payments/import",
                      data={**fields, "csrf_token": csrf}).status_code == 404  # fmt: skip
    csrf = office.csrf(owner, "/office/u/pd/payments")
    tampered = {**fields, "sha256": "0" * 64, "csrf_token": csrf}
    assert owner.post("/office/u/pd/payments/import", data=tampered).status_code == 404
    office.clock.advance(dt.timedelta(minutes=50))
    csrf = office.csrf(owner, "/office/u/pd/payments")  # the staff session stays alive
    office.clock.advance(dt.timedelta(minutes=15))  # the kept file does not: an hour passed
    assert confirm(owner, shown.text.replace(form_csrf(shown.text), csrf)).status_code == 404


def test_manual_payment_refund_and_cancelled_charge(office: Office) -> None:
    client = sign_in(office, "dziekanat.pd")
    study_id = office.study_id("pd", "100005")
    jakub = person_of(office, study_id)
    path = f"/office/u/pd/students/{study_id}/payments"
    page = client.get(path).text
    key = re.search(r'name="key" value="([^"]+)"', page)
    assert key
    form = {"csrf_token": form_csrf(page), "key": key[1], "amount": "30,00",
            "booked_on": "2026-11-20", "title": "Wpłata w kasie"}  # fmt: skip
    assert client.post(path, data=form).status_code == 303
    assert client.post(path, data=form).status_code == 303  # sent twice: one payment
    with office.runtime.sessions() as session:
        payments = session.scalars(select(Payment).where(Payment.person_id == jakub.id)).all()
        assert [(p.amount_grosze, p.unallocated_grosze, p.source.value) for p in payments] == [
            (3000, 800, "manual")
        ]
        payment_id = payments[0].id
    assert charges_of(office, jakub.id)[0] == ("paid", 2200, 2200)
    page = client.get(path + "?done=payment").text
    assert "The payment was recorded." in page
    assert re.search(r'data-balance="credit">8,00\s*zł<', page)

    too_much = client.post(f"{path}/{payment_id}/refund",
                           data={"csrf_token": form_csrf(page), "amount": "9,00"})  # fmt: skip
    assert too_much.status_code == 409
    refunded = client.post(f"{path}/{payment_id}/refund",
                           data={"csrf_token": form_csrf(page), "amount": "8,00",
                                 "note": "zwrot nadpłaty"})  # fmt: skip
    assert refunded.status_code == 303
    page = client.get(path).text
    assert re.search(r'data-balance="credit">0,00\s*zł<', page)

    with office.runtime.sessions() as session:
        charge_id = session.scalar(select(Charge.id).where(Charge.person_id == jakub.id))
    cancelled = client.post(
        f"/office/u/pd/students/{study_id}/charges/{charge_id}/cancel",
        data={"csrf_token": form_csrf(page), "note": "błąd uczelni"},
    )
    assert cancelled.status_code == 303
    assert charges_of(office, jakub.id)[0] == (ChargeStatus.REFUNDED.value, 2200, 2200)
    with office.runtime.sessions() as session:
        refunds = session.scalars(select(Refund).where(Refund.person_id == jakub.id)
                                  .order_by(Refund.id)).all()  # fmt: skip
        assert [(r.amount_grosze, r.payment_id, r.charge_id) for r in refunds] == [
            (800, payment_id, None), (2200, None, charge_id),
        ]  # fmt: skip
        actions = session.scalars(select(AuditEvent.action).where(
            AuditEvent.actor == "staff:dziekanat.pd")).all()  # fmt: skip
    assert {"payment.recorded", "charge.settled", "refund.recorded"} <= set(actions)
