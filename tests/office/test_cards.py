"""ELS cards in the console over HTTP, on SQLite and PostgreSQL: print orders, the printed card,
duplicates and their fees, loss and cancellation (revoking the mLegitymacja, R22), R3."""

from __future__ import annotations

import csv
import datetime as dt
import io

import httpx
import pytest
from sqlalchemy import select

from legitka.domain.els import ElsCardStatus
from legitka.domain.fees import ChargeKind
from legitka.domain.mobile_ids import MobileIdStatus
from legitka.domain.studies import StudyLevel, StudyStatus
from legitka.registry.models import Charge, ElsCard, MobileId, Study, University
from legitka.registry.services import els, people
from tests.office.conftest import Office
from tests.office.test_renewal import activated_mobile_id


def card_page(office: Office, album: str) -> str:
    return f"/office/u/pd/cards/{office.study_id('pd', album)}"


def signed_in(office: Office) -> httpx.Client:
    client = office.sign_in("dziekanat.pd")
    client.headers["Accept-Language"] = "en"
    return client


def act(
    office: Office, client: httpx.Client, album: str, action: str, **data: str
) -> httpx.Response:
    page = card_page(office, album)
    return client.post(f"{page}/{action}", data={"csrf_token": office.csrf(client, page), **data})


def newest_card(office: Office, album: str) -> ElsCard:
    with office.runtime.sessions() as session:
        card = els.current_card(session, session.get_one(Study, office.study_id("pd", album)))
        assert card is not None
        session.expunge(card)
        return card


def test_print_orders(office: Office) -> None:
    client = signed_in(office)
    csrf = office.csrf(client, "/office/u/pd/cards")
    exported = client.post("/office/u/pd/cards/print-orders", data={"csrf_token": csrf})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    albums = {row["album_number"] for row in rows}
    assert "100008" in albums  # Agnieszka Zielińska's duplicate
    assert "100003" not in albums  # Piotr Kowalski's photo is not approved yet
    row = next(r for r in rows if r["album_number"] == "100008")
    assert row["edition"] == "B" and row["pesel"] and row["valid_until"] == "2027-03-31"
    assert row["university"] == "Politechnika Demonstracyjna"
    assert client.get(row["photo_url"]).status_code == 200
    assert newest_card(office, "100008").status is ElsCardStatus.PRINTING
    again = client.post("/office/u/pd/cards/print-orders", data={"csrf_token": csrf})
    assert again.status_code == 200 and "No card waits for printing" in again.text


def test_the_printed_card_then_the_hand_over(office: Office) -> None:
    client = signed_in(office)
    for data, code in (
        ({"number": "1?", "edition": "A", "chip_serial": "04A1B2C3"}, "is not a card number"),
        ({"number": "PD100006", "edition": "AB", "chip_serial": "04A1B2C3"}, "one letter"),
        ({"number": "PD100006", "edition": "A", "chip_serial": "XYZ"}, "not a chip serial"),
    ):
        refused = act(office, client, "100006", "printed", **data)
        assert refused.status_code == 422 and code in refused.text
        assert 'aria-invalid="true"' in refused.text
    recorded = act(office, client, "100006", "printed", number="pd100006", edition="a",
                   chip_serial="04:a1:b2:c3:d4:e5:f6")  # fmt: skip
    assert recorded.status_code == 303
    card = newest_card(office, "100006")
    assert card.status is ElsCardStatus.READY_TO_COLLECT
    assert (card.number, card.edition, card.chip_serial) == ("PD100006", "A", "04A1B2C3D4E5F6")
    assert act(office, client, "100006", "hand-over").status_code == 303
    card = newest_card(office, "100006")
    assert card.status is ElsCardStatus.ACTIVE and card.issued_on == dt.date(2026, 11, 22)


@pytest.mark.parametrize(("reason", "fee"), [("damaged", 3300), ("university-error", None)])
def test_a_duplicate_and_its_fee(office: Office, reason: str, fee: int | None) -> None:
    client = signed_in(office)
    assert act(office, client, "100012", "duplicate").status_code == 422  # no reason chosen
    assert act(office, client, "100012", "duplicate", reason=reason).status_code == 303
    card = newest_card(office, "100012")
    assert card.edition == "B" and card.status is ElsCardStatus.APPLIED
    with office.runtime.sessions() as session:
        charge = session.scalar(select(Charge).where(Charge.els_card_id == card.id))
    if fee is None:
        assert charge is None
    else:
        assert charge is not None and charge.amount_grosze == fee
        assert charge.kind is ChargeKind.ELS_DUPLICATE


def test_cancelling_the_card_revokes_the_mlegitymacja(office: Office) -> None:
    api = activated_mobile_id(office, "anna.nowak")
    assert api.get("/mlegitymacja").json()["mobile_id"]["status"] == "active"
    client = signed_in(office)
    assert act(office, client, "100001", "cancel", reason=" ").status_code == 422
    assert act(office, client, "100001", "cancel", reason="card withdrawn").status_code == 303
    assert newest_card(office, "100001").status is ElsCardStatus.CANCELLED
    with office.runtime.sessions() as session:
        mobile = session.scalar(
            select(MobileId).where(MobileId.study_id == office.study_id("pd", "100001"))
        )
    assert mobile is not None and mobile.status is MobileIdStatus.REVOKED


def test_a_lost_card(office: Office) -> None:
    client = signed_in(office)
    assert act(office, client, "100012", "lost").status_code == 303
    assert newest_card(office, "100012").status is ElsCardStatus.LOST
    page = client.get(card_page(office, "100012"))
    assert "Apply for a duplicate" in page.text and "Renew the card" not in page.text


def test_a_graduate_continues_with_the_card(office: Office) -> None:
    with office.runtime.sessions() as session:
        # A first-cycle student with an active card graduates.
        old = session.scalars(
            select(Study)
            .join(ElsCard, ElsCard.study_id == Study.id)
            .where(Study.level == StudyLevel.FIRST_CYCLE, Study.status == StudyStatus.ACTIVE,
                   ElsCard.status == ElsCardStatus.ACTIVE, Study.album_number.like("1%"))
            .order_by(Study.album_number)
        ).first()  # fmt: skip
        assert old is not None and old.album_number is not None
        graduate, album = old.id, old.album_number
        people.change_study_status(session, office.clock, old, StudyStatus.GRADUATED,
                                   since=dt.date(2026, 11, 20), actor="test")  # fmt: skip
        uni = session.get_one(University, old.university_id)
        new = people.enrol_student(
            session, office.clock, uni, given_names=old.person.given_names,
            family_name=old.person.family_name, birth_date=old.person.birth_date,
            pesel=old.person.pesel, email=None, album_number="100916",
            level=StudyLevel.SECOND_CYCLE, programme="Computer Science (MSc)",
            started_on=dt.date(2026, 10, 1),
        )  # fmt: skip
        session.commit()
        new_id = new.id
    client = signed_in(office)
    page = client.get(card_page(office, album))
    assert "Computer Science (MSc)" in page.text
    moved = act(office, client, album, "continue", new_study=str(new_id))
    assert moved.status_code == 303
    card = newest_card(office, "100916")
    assert card.study_id == new_id and card.continued_from_study_id == graduate
    # A student of another university cannot be the new study.
    other = office.study_id("uw", "200001")
    assert act(office, client, "100916", "continue", new_study=str(other)).status_code == 404


@pytest.mark.parametrize(
    ("login", "status"),
    [("dziekanat.pd", 200), ("admin.pd", 200), ("admin", 200), ("dziekanat.uw", 404)],
)
def test_authorization(office: Office, login: str, status: int) -> None:
    client = office.sign_in(login)
    page = card_page(office, "100001")
    assert client.get("/office/u/pd/cards").status_code == status
    assert client.get(page).status_code == status
    # A student of pd under uw's address does not exist there.
    if login != "dziekanat.pd":
        uw_page = f"/office/u/uw/cards/{office.study_id('pd', '100001')}"
        assert client.get(uw_page).status_code == 404
    if status == 200:
        forged = client.post(f"{page}/lost", data={"csrf_token": "forged"})
        assert forged.status_code == 403
        assert client.post(f"{page}/unknown", data={"csrf_token": office.csrf(client, page)}
                           ).status_code == 404  # fmt: skip
    else:
        own = office.csrf(client, "/office/u/uw/cards")
        assert client.post(f"{page}/lost", data={"csrf_token": own}).status_code == 404
        assert client.post("/office/u/pd/cards/print-orders",
                           data={"csrf_token": own}).status_code == 404  # fmt: skip
    assert newest_card(office, "100001").status is ElsCardStatus.ACTIVE
    anonymous = office.browser()
    assert anonymous.get(page).status_code == 303
