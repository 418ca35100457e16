"""The dean's office at work in a real browser: a bank statement imported after its preview, and a
student's status changed with the mLegitymacja invalidated. axe-core checks every page."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from legitka.credentials import jose
from legitka.credentials.status_list import StatusList as Bits
from legitka.registry.models import Charge, Person, Study, University
from legitka.wallet.holder import Holder, StoredCredential
from tests.browser.conftest import NewPage, axe_check, text
from tests.browser.test_office import DESK, sign_in_to_office
from tests.browser.wallet import ready_offer
from tests.portal.conftest import Portal


def account_of(demo: Portal, album: str) -> tuple[str, int]:
    with demo.runtime.sessions() as session:
        person = session.scalars(
            select(Person)
            .join(Study, Study.person_id == Person.id)
            .join(University, University.id == Study.university_id)
            .where(University.slug == "pd", Study.album_number == album)
        ).one()
        assert person.account_number is not None
        return person.account_number, person.id


def status_of(demo: Portal, http: httpx.Client, credential: StoredCredential) -> int:
    demo.work()  # the worker signs the status list again
    reference = credential.claims["status"]["status_list"]
    claims = jose.unverified_claims(http.get(reference["uri"]).text)
    return int(Bits.decode(claims["status_list"]).get(reference["idx"]))


@pytest.mark.parametrize("browser_locale", ["pl", "en"])
def test_import_a_statement_after_its_preview(
    demo: Portal, new_page: NewPage, browser_locale: str
) -> None:
    account, person_id = account_of(demo, "100005")  # Jakub Wójcik owes 22 zł
    statement = (
        "booked_on;amount;account;title;counterparty;reference\n"
        f"2026-11-20;22,00;{account};ELS 100005;Jakub Wójcik;TRX-1\n"
        "2026-11-20;22,00;27109010140000000000000999;Legitymacja;Jan Nieznany;TRX-2\n"
    ).encode()
    page: Page = new_page(viewport=DESK)
    sign_in_to_office(page, "dziekanat.pd", "demo-dziekanat-1")
    page.get_by_role("navigation").get_by_role(
        "link", name=text("Payments", browser_locale)
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text("Payments", browser_locale))
    axe_check(page)

    page.get_by_label(text("Statement file", browser_locale)).set_input_files(
        {"name": "wyciag.csv", "mimeType": "text/csv", "buffer": statement}
    )
    page.get_by_role("button", name=text("Show the preview", browser_locale)).click()
    lines = page.locator("#statement-lines tbody tr")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("Jakub Wójcik")
    expect(lines.nth(1)).to_have_attribute("data-outcome", "unmatched")
    axe_check(page)
    with demo.runtime.sessions() as session:  # the preview saved nothing
        assert session.scalar(select(Charge.status).where(Charge.person_id == person_id)) == "due"

    page.get_by_role("button", name=text("Import the statement", browser_locale)).click()
    expect(page.get_by_role("status")).to_contain_text("wyciag.csv")
    axe_check(page)
    with demo.runtime.sessions() as session:
        assert session.scalar(select(Charge.status).where(Charge.person_id == person_id)) == "paid"

    lines.nth(0).get_by_role("link").click()  # the student's payments
    expect(page.locator('[data-balance="outstanding"]')).to_contain_text("0,00")
    axe_check(page)


@pytest.mark.parametrize("browser_locale", ["pl", "en"])
def test_remove_a_student_and_see_the_mobile_id_invalidated(
    demo: Portal, new_page: NewPage, browser_locale: str
) -> None:
    offer = ready_offer(demo, "pd", "anna.nowak")
    with httpx.Client(timeout=10) as http:
        holder = Holder(http, trusted_roots=[demo.runtime.pki.root_certificate()],
                        now=demo.clock.now)  # fmt: skip
        stored = holder.activate(offer.qr_uri, offer.activation_code)
        assert status_of(demo, http, stored) == 0

        page: Page = new_page(viewport=DESK)
        sign_in_to_office(page, "dziekanat.pd", "demo-dziekanat-1")
        page.get_by_label(text("Name, album number or PESEL", browser_locale)).fill("100001")
        page.get_by_role("button", name=text("Search", browser_locale)).click()
        page.get_by_role("link", name="Nowak Anna").click()
        page.get_by_role(
            "link", name=text("Status, personal data, lost phone", browser_locale)
        ).click()
        axe_check(page)

        page.get_by_label(text("Change", browser_locale), exact=True).select_option("remove")
        page.get_by_role("button", name=text("Show what this does", browser_locale)).first.click()
        effect = page.locator("#mobile-effects li")
        expect(effect).to_have_attribute("data-effect", "revokes")
        expect(effect).to_contain_text(re.compile("This invalidates 1 mLegitymacja|liczba: 1"))
        axe_check(page)
        assert status_of(demo, http, stored) == 0  # nothing happened yet

        page.get_by_role("button", name=text("Save the change", browser_locale)).click()
        expect(page.get_by_role("status")).to_have_text(text("The change was saved.",
                                                             browser_locale))  # fmt: skip
        expect(page.get_by_text(text("The student has no working mLegitymacja.",
                                     browser_locale))).to_be_visible()  # fmt: skip
        axe_check(page)
        assert status_of(demo, http, stored) == 1  # verifiers read: invalid
