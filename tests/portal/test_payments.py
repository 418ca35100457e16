"""The payments page and ``GET api/v1/payments``: charges, the account, transfer QR codes.

Over HTTP against a served demo, on SQLite and PostgreSQL. The QR codes are read back from the
page's SVG by zxing-cpp, as a banking app's camera would.
"""

from __future__ import annotations

import html
import re

import httpx
import zxingcpp
from PIL import Image
from sqlalchemy import select

from legitka.domain.accounts import format_nrb
from legitka.domain.fees import ChargeKind, ChargeStatus
from legitka.registry.db import transaction
from legitka.registry.models import Charge, Person, PortalAccount
from legitka.registry.services import fees
from legitka.web.i18n import local_date
from tests.portal.conftest import Portal

SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def svg_image(svg: str, scale: int = 6) -> Image.Image:
    """Draw segno's SVG (one path of horizontal runs: ``M``, ``m`` and ``h``) as pixels."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg)[1])  # type: ignore[index]
    path = re.search(r' d="([^"]+)"', svg)[1]  # type: ignore[index]
    commands = re.findall(r"([A-Za-z])(-?[\d.]+)(?: (-?[\d.]+))?", path)
    assert {c[0] for c in commands} <= {"M", "m", "h"}, "an SVG path this helper cannot draw"
    image = Image.new("L", (size, size), 255)
    x = y = 0.0
    for command, first, second in commands:
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            for column in range(round(x), round(x + float(first))):
                image.putpixel((column, int(y)), 0)
            x += float(first)
    return image.resize((size * scale, size * scale), Image.Resampling.NEAREST)


def read_qr(svg: str) -> str:
    results = zxingcpp.read_barcodes(svg_image(svg))
    assert len(results) == 1
    text: str = results[0].text
    return text


def charge_section(page: str, charge_id: int) -> str:
    match = re.search(
        rf'<section class="block charge" id="charge-{charge_id}".*?</section>', page, re.S
    )
    assert match, f"no section for charge {charge_id}"
    return match.group(0)


def person_of(portal: Portal, login: str) -> tuple[int, str]:
    with portal.runtime.sessions() as session:
        account = session.scalar(select(PortalAccount).where(PortalAccount.login == login))
        assert account is not None
        person = session.get_one(Person, account.person_id)
        assert person.account_number
        return person.id, person.account_number


def charges_of(portal: Portal, person_id: int) -> list[Charge]:
    with portal.runtime.sessions() as session:
        return list(session.scalars(select(Charge).where(Charge.person_id == person_id)))


def test_an_unpaid_fee_in_both_languages_with_the_account_and_a_transfer_qr_code(
    portal: Portal,
) -> None:
    person_id, account = person_of(portal, "jakub.wojcik")
    (charge,) = charges_of(portal, person_id)
    assert charge.status is ChargeStatus.DUE and charge.due_date is not None
    browser = portal.sign_in("pd", "jakub.wojcik")

    polish = browser.get("/u/pd/student/payments?lang=pl")
    assert polish.status_code == 200
    assert polish.headers["content-language"] == "pl"
    page = html.unescape(polish.text)
    assert "<h1>Płatności</h1>" in page
    assert 'aria-current="page">Płatności' in page
    assert f'<span class="nrb" id="account-number">{format_nrb(account)}</span>' in page
    # The copy button is for JavaScript to show; the number stays selectable text without it.
    assert f'data-copy="{account}"' in page and "hidden>Skopiuj numer</button>" in page
    assert '<script type="module" src="/static/portal/copy.js"></script>' in page
    assert f"PL{account}" in page
    section = charge_section(page, charge.id)
    assert "Opłata za legitymację studencką (ELS)" in section
    assert "Do zapłaty" in section
    assert "22,00\u00a0zł" in section
    assert local_date(charge.due_date, "pl") in section
    assert "<title>" in section  # the QR code's text alternative, beside the visible details

    (svg,) = SVG.findall(section)
    fields = read_qr(svg).split("|")
    assert fields == [
        "", "PL", account, "002200", "Politechnika Demonst", "Oplata ELS 100005 Wojcik",
        "", "", "",
    ]  # fmt: skip
    assert "<dd>Oplata ELS 100005 Wojcik</dd>" in section  # to type in by hand

    english = html.unescape(browser.get("/u/pd/student/payments?lang=en").text)
    section = charge_section(english, charge.id)
    assert "<h1>Payments</h1>" in english
    assert "Student ID card (ELS) fee" in section and "To pay" in section
    assert "PLN\u00a022.00" in section
    assert local_date(charge.due_date, "en") in section
    assert "hidden>Copy the number</button>" in english


def test_a_partly_paid_overdue_fee_asks_for_the_rest(portal: Portal) -> None:
    person_id, account = person_of(portal, "adam.grabowski")
    (charge,) = charges_of(portal, person_id)
    assert (charge.amount_grosze, charge.paid_grosze) == (2200, 1000)
    browser = portal.sign_in("pd", "adam.grabowski")
    section = charge_section(
        html.unescape(browser.get("/u/pd/student/payments?lang=en").text), charge.id
    )
    assert "PLN\u00a010.00" in section and "<strong>PLN\u00a012.00</strong>" in section
    assert "the due date has passed" in section
    fields = read_qr(SVG.findall(section)[0]).split("|")
    assert fields[2] == account
    assert fields[3] == "001200"  # only what is still outstanding
    assert fields[5] == "Oplata ELS 100019 Grabowski"


def test_paid_cancelled_and_refunded_charges_show_their_status_and_no_qr_code(
    portal: Portal,
) -> None:
    person_id, _ = person_of(portal, "anna.nowak")
    with transaction(portal.runtime.sessions) as session:
        person = session.get_one(Person, person_id)
        for status in (ChargeStatus.CANCELLED, ChargeStatus.REFUNDED):
            charge = fees.add_charge(
                session, portal.clock, person, kind=ChargeKind.ELS_DUPLICATE,
                amount_grosze=3300, due_date=None, actor="test",
            )  # fmt: skip
            charge.status = status  # as the dean's office records it
    charges = {c.status: c.id for c in charges_of(portal, person_id)}
    assert set(charges) == {ChargeStatus.PAID, ChargeStatus.CANCELLED, ChargeStatus.REFUNDED}
    browser = portal.sign_in("pd", "anna.nowak")
    for locale, labels in {
        "pl": {ChargeStatus.PAID: "Opłacona", ChargeStatus.CANCELLED: "Anulowana przez uczelnię",
               ChargeStatus.REFUNDED: "Zwrócona"},
        "en": {ChargeStatus.PAID: "Paid", ChargeStatus.CANCELLED: "Cancelled by the university",
               ChargeStatus.REFUNDED: "Refunded"},
    }.items():  # fmt: skip
        page = html.unescape(browser.get(f"/u/pd/student/payments?lang={locale}").text)
        assert "<svg" not in page
        for status, label in labels.items():
            section = charge_section(page, charges[status])
            assert f'charge-status-{status.value}">{label}</span>' in section
    english = html.unescape(browser.get("/u/pd/student/payments?lang=en").text)
    assert "Left to pay in total: PLN\u00a00.00." in english
    assert "Duplicate student ID card (ELS) fee" in english


def test_the_api_gives_the_same_charges_account_and_qr_text(portal: Portal) -> None:
    person_id, account = person_of(portal, "jakub.wojcik")
    (charge,) = charges_of(portal, person_id)
    page = portal.sign_in("pd", "jakub.wojcik").get("/u/pd/student/payments").text
    on_page = read_qr(SVG.findall(charge_section(html.unescape(page), charge.id))[0])

    api = portal.api("pd", "jakub.wojcik")
    response = api.get("/payments", headers={"Accept-Language": "pl"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["account_number"] == account
    assert body["account_number_formatted"] == format_nrb(account)
    assert body["iban"] == f"PL{account}"
    assert body["recipient"] == "Politechnika Demonstracyjna"
    assert body["to_pay"] == {"grosze": 2200, "text": "22,00\u00a0zł"}
    (item,) = body["charges"]
    assert item["id"] == charge.id
    assert (item["kind"], item["kind_label"]) == ("els", "Opłata za legitymację studencką (ELS)")
    assert (item["status"], item["status_label"]) == ("due", "Do zapłaty")
    assert item["amount"] == {"grosze": 2200, "text": "22,00\u00a0zł"}
    assert item["paid"]["grosze"] == 0 and item["outstanding"]["grosze"] == 2200
    assert item["due_date"] == charge.due_date.isoformat() if charge.due_date else False
    assert item["overdue"] is False
    assert item["transfer"]["qr_text"] == on_page
    assert item["transfer"]["title"] == "Oplata ELS 100005 Wojcik"

    english = api.get("/payments", headers={"Accept-Language": "en"}).json()
    assert english["charges"][0]["amount"]["text"] == "PLN\u00a022.00"
    assert english["recipient"] == "Demonstration University of Technology"

    anonymous = httpx.get(f"{portal.base}/u/pd/api/v1/payments", timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    assert anonymous.json()["code"] == "invalid_token"
    page = httpx.get(f"{portal.base}/u/pd/student/payments", timeout=10)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/u/pd/login?next=")
