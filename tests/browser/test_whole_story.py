"""The whole story of the university help pages, in a real browser, from start to finish.

Test 1 runs on PostgreSQL (``pg_demo``: the demo made in the database, served on loopback), with
four browser contexts, as four people would hold them: the student's portal, the dean's office's
console, the student's phone (the web wallet) and the inspector's verifier page. The bank
statement is imported through the register's service (``legitka payments import`` does the same):
the console has no page for it yet. Test 2 is a student who loses active status while the mobile
ID is on the phone (SQLite demo); the office records that through the register's service.

Background work is done with ``demo.work()``; the test waits for what the pages show.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from playwright.sync_api import Page, expect

from legitka.clock import local_today
from legitka.demo.generate import next_hologram_serial
from legitka.domain.eligibility import CHECK_MESSAGES
from legitka.domain.fees import ChargeKind, ChargeStatus
from legitka.domain.orders import STATUS_LABELS, OrderStatus
from legitka.domain.semesters import semester_at
from legitka.domain.studies import StudyStatus
from legitka.portal.mobile_id_pages import DONE_MESSAGES
from legitka.portal.register_api import CHARGE_KIND_LABELS, CHARGE_STATUS_LABELS, amount
from legitka.registry.db import transaction
from legitka.registry.models import Person
from legitka.registry.services import people, statements
from legitka.registry.services.students import find_study
from legitka.registry.services.universities import get_university
from legitka.verifier.presets import PRESET_LABELS
from legitka.verifier.reasons import REASONS, VERDICTS, Verdict
from legitka.web.i18n import local_date
from tests.browser.conftest import NewPage, decode_qr, sign_in, submit_sign_in
from tests.browser.test_student_journey import (
    ACTIVATION_CODE,
    QR,
    checklist,
    open_section,
    order_and_wait_until_ready,
)
from tests.browser.wallet import (
    activate_by_typing,
    add_student_id,
    enter_activation_code,
    open_wallet,
    ready_offer,
    unlock,
)
from tests.portal.conftest import Portal

OFFICE = "dean-office"
STATUS_TTL = 120  # seconds a verifier may rely on its copy of a status list
REQUEST_PAGE = re.compile(r"/verify/[A-Za-z0-9_-]{43}$")
REVOKED = "The mobile ID has been revoked or cancelled."
SUSPENDED = "The mobile ID is suspended."
WINTER_END = dt.date(2027, 3, 31)  # the card's validity after the winter semester's renewal
SUMMER_END = dt.date(2027, 10, 31)  # after the summer semester's


def go_to(student: Page, label: str, path: str) -> None:
    """Follow a link of the portal's navigation and wait for its page."""
    open_section(student, "en", label)
    expect(student).to_have_url(re.compile(rf"/u/pd/student/{path}$"))


def office_sign_in(office: Page) -> None:
    """The dean's office signs in to its console (demo account), from the sign-in page it was
    sent to."""
    form = office.locator("form[action='/office/login']")
    form.locator("input[name=login]").fill("dziekanat.pd")
    form.locator("input[name=password]").fill("demo-dziekanat-1")
    form.locator("button[type=submit]").click()
    office.wait_for_url(re.compile(r"/office/u/pd/"))


def renew_in_console(office: Page, demo: Portal, semester: str) -> None:
    """Stick the next hologram of the office's roll on the card, for ``semester``."""
    with demo.runtime.sessions() as session:
        hologram = f"123{next_hologram_serial(session, '123'):05d}"
    office.get_by_label("Semester").select_option(semester)
    office.get_by_label("Hologram number").fill(hologram)
    office.get_by_role("button", name="Renew the card").click()
    office.wait_for_url(re.compile(r"done=renewed$"))


def keep_up(demo: Portal, phone: Page) -> None:
    """The server's clock stands still; the phone's runs on from the time it was set to. Before
    the phone signs something the server checks the time of (a key proof, a key-binding JWT),
    the server's clock catches up, as two real clocks would agree."""
    ahead = phone.evaluate("Date.now()") / 1000 - demo.clock.now().timestamp()
    if ahead > 0:
        demo.clock.advance(dt.timedelta(seconds=ahead))


def open_verifier(new_page: NewPage, demo: Portal) -> tuple[Page, str]:
    """The inspector opens the verifier page, chooses Student status; the 6-digit code shown."""
    inspector = new_page(viewport={"width": 1024, "height": 900})
    inspector.clock.install(time=demo.clock.now())
    inspector.goto("/verify")
    inspector.get_by_role("button", name=PRESET_LABELS["student_status"], exact=True).click()
    inspector.wait_for_url(REQUEST_PAGE)
    shown = inspector.locator(".short-code [aria-hidden=true]").inner_text()
    assert re.fullmatch(r"\d{3} \d{3}", shown), shown
    inspector.evaluate("window.notReloaded = true")
    return inspector, shown.replace(" ", "")


def share(demo: Portal, phone: Page, code: str) -> None:
    """On the phone: Confirm your data, the verifier's code, see who asks, Share data."""
    keep_up(demo, phone)
    phone.locator("#share").click()
    phone.locator("#share-code").fill(code)
    phone.locator("#share-form button[type=submit]").click()
    expect(phone.locator("#screen-consent")).to_be_visible()
    expect(phone.locator("#consent-who")).not_to_be_empty()
    asked = phone.locator("#consent-claims li").all_inner_texts()
    assert asked[:4] == ["photo", "first name", "surname", "university"], asked
    phone.locator("#consent-share").click()
    expect(phone.locator("#share-result-title")).to_have_text("Data shared")
    phone.locator("#screen-share-result [data-go=card]").click()
    expect(phone.locator("#screen-card")).to_be_visible()


def verdict_of(inspector: Page, verdict: Verdict) -> None:
    """The verifier page shows ``verdict`` by itself: no reload."""
    shown = inspector.locator(f".verdict-live[role=status] .verdict-{verdict.value}")
    expect(shown).to_contain_text(VERDICTS[verdict])
    assert inspector.evaluate("window.notReloaded === true")


def expect_valid_with_photo(inspector: Page, name: str, valid_until: dt.date) -> None:
    verdict_of(inspector, Verdict.VALID)
    facts = inspector.locator(".verdict-data .facts")
    expect(facts).to_contain_text(name)
    expect(facts).to_contain_text("Demonstration University of Technology")
    expect(facts).to_contain_text(local_date(valid_until, "en"))
    photo = inspector.get_by_role("img", name="Photo of the student").first
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 0


def expect_invalid(inspector: Page, reason: str) -> None:
    verdict_of(inspector, Verdict.INVALID)
    expect(
        inspector.locator(f".verdict-live .verdict-invalid .reasons li[data-code={reason}]")
    ).to_have_text(REASONS[reason])


def open_card_again(phone: Page) -> None:
    """Back to the document list and open the ID: the wallet reads the status list."""
    phone.locator("#screen-card [data-go=home]").click()
    phone.locator("#open-card").click()
    expect(phone.locator("#screen-card")).to_be_visible()


@pytest.mark.postgresql
def test_from_the_oath_to_the_cancelled_mobile_id(pg_demo: Portal, pg_new_page: NewPage) -> None:
    demo, new_page = pg_demo, pg_new_page
    demo.runtime.settings.status_list_ttl = STATUS_TTL
    demo.runtime.settings.verifier_api_open = False  # as deployed: the page needs no API key

    # 1. Jakub, a new student of the ELS-linked university, signs in: no oath, fee unpaid, no card.
    student = new_page(viewport={"width": 1024, "height": 900})
    sign_in(student, "pd", "jakub.wojcik")
    expect(student.locator(".portal-nav .who")).to_contain_text("Jakub Wójcik")
    expect(student.get_by_text("You have no plastic card yet.")).to_be_visible()
    assert [met for met, _ in checklist(student)] == [False, False]  # oath, fee

    go_to(student, "mLegitymacja", "mlegitymacja")
    unmet = [message for met, message in checklist(student) if not met]
    assert len(unmet) == 3, unmet  # no card, so not renewed, no data printed on one
    assert f"Not met: {CHECK_MESSAGES[('no_els', 'missing')]}" in unmet
    expect(student.get_by_role("button", name="Order the mLegitymacja")).to_have_count(0)

    # He takes the oath and the declarations in the portal.
    go_to(student, "Oath and declarations", "oath")
    expect(student.locator(".checklist li.todo")).to_have_count(1)
    for kind in ("oath", "declarations"):
        section = student.locator(f"section#{kind}")
        section.get_by_label("I have read and accept this text.").check()
        section.get_by_role("button", name="Accept").click()
        student.wait_for_url(re.compile(rf"done=accepted#{kind}$"))
        expect(student.locator(f"section#{kind} .accepted")).to_contain_text("You accepted")
    expect(student.locator(".checklist li.ok")).to_have_text(re.compile("Taken."))

    # He sees the fee: 22 zł to his own individual account number.
    go_to(student, "Payments", "payments")
    fee = student.locator("section.charge")
    expect(fee).to_have_count(1)
    expect(fee.locator("h3")).to_have_text(CHARGE_KIND_LABELS[ChargeKind.ELS])
    expect(fee.locator(".charge-status")).to_have_text(CHARGE_STATUS_LABELS[ChargeStatus.DUE])
    expect(fee.locator(".facts").first).to_contain_text(amount(2200, "en").text)
    account = student.locator("#account-number").inner_text()
    assert re.fullmatch(r"\d{2}( \d{4}){6}", account), account
    with demo.runtime.sessions() as session:
        own = session.get_one(Person, find_study(session, "pd", "100005").person_id)
        assert account.replace(" ", "") == own.account_number

    # 2. He pays by transfer; the dean's office imports the bank statement.
    day = local_today(demo.clock)
    statement = (
        "booked_on;amount;account;title;counterparty;reference\n"
        f"{day.isoformat()};22,00;{account};Opłata za legitymację ELS, album 100005;"
        "Jakub Wójcik;TRX-0001\n"
        f"{day.isoformat()};-5,00;;Opłata za prowadzenie rachunku;;TRX-0002\n"
    ).encode()
    with transaction(demo.runtime.sessions) as session:
        report = statements.import_statement(
            session, demo.clock, get_university(session, "pd"), f"wyciag_{day}.csv", statement,
            actor=OFFICE,
        )  # fmt: skip
    assert report.counts()["matched"] == 1 and report.counts()["skipped"] == 1
    (paid,) = report.matched
    assert paid.album_number == "100005"
    assert [(c.kind, c.paid_in_full) for c in paid.charges] == [(ChargeKind.ELS, True)]

    student.reload()
    expect(fee.locator(".charge-status")).to_have_text(CHARGE_STATUS_LABELS[ChargeStatus.PAID])
    go_to(student, "My studies", "")
    expect(student.get_by_text("You have no fees to pay.")).to_be_visible()
    assert [met for met, _ in checklist(student)] == [True, True]  # R2: the card may be issued

    # 3. The dean's office, in its console, sees both conditions met, records the application,
    # sends the print order, records the printed card, hands it over and renews it for this
    # winter semester: valid until 31 March.
    office = new_page(viewport={"width": 1280, "height": 800})
    office.goto("/office/login")
    office_sign_in(office)
    office.get_by_label("Name, album number or PESEL").fill("100005")
    office.get_by_role("button", name="Search").click()
    office.get_by_role("link", name="Wójcik Jakub").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Jakub Wójcik")
    card_page = office.url.replace("/students/", "/cards/")
    office.goto(card_page)
    expect(office.locator(".checklist li.ok")).to_have_count(2)  # R2: the oath, the fee
    expect(office.locator(".checklist li.todo")).to_have_count(0)
    office.get_by_role("button", name="Record the application for a card").click()
    office.wait_for_url(re.compile(r"done=applied$"))

    office.goto("/office/u/pd/cards")
    with office.expect_download() as download:
        office.get_by_role("button", name="Export the print orders (CSV)").click()
    printed = {
        row["album_number"]: row
        for row in csv.DictReader(
            io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))
        )
    }
    assert printed["100005"]["valid_until"] == WINTER_END.isoformat()
    office.goto(card_page)
    office.get_by_label("Card number").fill(printed["100005"]["card_number"])
    office.get_by_label("Edition letter").fill(printed["100005"]["edition"])
    office.get_by_label("Chip serial (hexadecimal)").fill("04A1B2C3D4E5F6")
    office.get_by_role("button", name="Record the printed card").click()
    office.wait_for_url(re.compile(r"done=printed$"))
    office.get_by_role("button", name="Hand the card over to the student").click()
    office.wait_for_url(re.compile(r"done=handed-over$"))
    winter = semester_at(day)
    renew_in_console(office, demo, winter.code)

    student.reload()
    card_facts = student.locator("section[aria-labelledby=card-heading] .facts")
    expect(card_facts).to_contain_text("Active")
    expect(card_facts).to_contain_text(local_date(WINTER_END, "en"))

    # 4. He orders the mLegitymacja and sees the QR code and the activation code.
    go_to(student, "mLegitymacja", "mlegitymacja")
    items = checklist(student)
    assert items and all(met for met, _ in items), items
    code = order_and_wait_until_ready(student, demo, "en")
    offer = decode_qr(student, QR)
    assert offer.startswith("openid-credential-offer://") and code not in offer

    # 5. His phone: the wallet, the terms, the QR code's text typed, the activation code.
    phone = new_page()
    open_wallet(phone, at=demo.clock.now())
    add_student_id(phone)
    phone.locator("#offer-text").fill(offer)
    phone.locator("#offer-form button[type=submit]").click()
    keep_up(demo, phone)
    enter_activation_code(phone, code)
    expect(phone.locator("#valid")).to_have_text("VALID")
    expect(phone.locator("#card-given-name")).to_have_text("Jakub")
    expect(phone.locator("#card-family-name")).to_have_text("Wójcik")
    expect(phone.locator("#card-album")).to_have_text("100005")
    expect(phone.locator("#card-valid-until")).to_have_text("31/03/2027")
    assert (phone.locator(".photo").get_attribute("src") or "").startswith("data:image/jpeg")
    # The time of showing runs.
    shown = phone.locator("#clock").get_attribute("datetime")
    assert shown
    phone.clock.run_for(2000)
    expect(phone.locator("#clock")).not_to_have_attribute("datetime", shown)
    later = phone.locator("#clock").get_attribute("datetime")
    assert later and dt.datetime.fromisoformat(later) >= dt.datetime.fromisoformat(
        shown
    ) + dt.timedelta(seconds=2)

    # The portal no longer offers the QR code: the mLegitymacja is on the phone.
    student.reload()
    expect(student.locator(QR)).to_have_count(0)
    expect(student.locator(ACTIVATION_CODE)).to_have_count(0)
    active = student.locator("section[aria-labelledby=active-heading] .facts")
    expect(active).to_contain_text(local_date(WINTER_END, "en"))

    # 6. An inspector checks it: VALID with the photo, without reloading the page.
    inspector, short_code = open_verifier(new_page, demo)
    share(demo, phone, short_code)
    expect_valid_with_photo(inspector, "Jakub Wójcik", WINTER_END)

    # 7. The next semester: the office renews the card, Jakub extends in the portal, the wallet
    # fetches the new validity without a new QR code.
    months = dt.timedelta(days=90)  # 20 February 2027: the summer semester
    demo.clock.advance(months)
    demo.work()  # the worker re-signs the status lists as they come due
    summer = semester_at(local_today(demo.clock))
    assert summer == winter.next()
    office.goto(card_page)
    office_sign_in(office)  # months later the console asks again, and returns to the card
    renew_in_console(office, demo, summer.code)

    student.goto("/u/pd/student/mlegitymacja")
    submit_sign_in(student, "jakub.wojcik")  # months later the portal asks again
    expect(student).to_have_url(re.compile(r"/u/pd/student/mlegitymacja$"))
    expect(student.get_by_text("you can extend the mLegitymacja until")).to_contain_text(
        local_date(SUMMER_END, "en")
    )
    student.get_by_role("button", name="Extend").click()
    student.wait_for_url(re.compile(r"done=extended"))
    expect(student.get_by_role("status").first).to_have_text(DONE_MESSAGES["extended"])
    expect(active).to_contain_text(local_date(SUMMER_END, "en"))
    expect(student.locator(QR)).to_have_count(0)  # no new QR code
    expect(student.locator("table.history tbody tr")).to_have_count(1)  # no new order

    phone.clock.fast_forward(int(months.total_seconds() * 1000))
    unlock(phone)  # unused for months: the wallet locked itself
    keep_up(demo, phone)
    phone.locator("#open-card").click()
    expect(phone.locator("#card-valid-until")).to_have_text("31/03/2027")
    phone.locator("#refresh").click()
    expect(phone.locator("#alert")).to_contain_text("valid until 31/10/2027")
    expect(phone.locator("#card-valid-until")).to_have_text("31/10/2027")
    expect(phone.locator("#valid")).to_have_text("VALID")

    inspector, short_code = open_verifier(new_page, demo)
    share(demo, phone, short_code)
    expect_valid_with_photo(inspector, "Jakub Wójcik", SUMMER_END)

    # 8. Jakub cancels in the portal (no phone needed).
    student.get_by_role(
        "link", name="Cancel the mLegitymacja (for example after losing your phone)"
    ).click()
    student.get_by_role("button", name="Yes, cancel").click()
    student.wait_for_url(re.compile(r"done=cancelled"))
    expect(student.get_by_role("status").first).to_have_text(DONE_MESSAGES["cancelled"])
    expect(student.locator("section[aria-labelledby=active-heading]")).to_have_count(0)
    expect(student.locator("table.history tbody tr").first.locator("td").nth(1)).to_have_text(
        STATUS_LABELS[OrderStatus.CANCELLED]
    )
    demo.work()  # the status list is signed again

    # The wallet reads the status list when the card opens: INVALID.
    open_card_again(phone)
    expect(phone.locator("#invalid")).to_contain_text("INVALID")
    expect(phone.locator("#invalid-reason")).to_have_text(REVOKED)
    expect(phone.locator("#valid")).to_have_count(0)

    # The verifier relies on its copy of the status list for its ttl (R21: a bounded time)...
    inspector, short_code = open_verifier(new_page, demo)
    share(demo, phone, short_code)
    verdict_of(inspector, Verdict.VALID)

    # ... and once the ttl has run out it reads the list again: INVALID, revoked.
    demo.clock.advance(dt.timedelta(seconds=STATUS_TTL + 1))
    phone.clock.fast_forward((STATUS_TTL + 1) * 1000)
    inspector, short_code = open_verifier(new_page, demo)
    share(demo, phone, short_code)
    expect_invalid(inspector, "revoked")


@pytest.mark.parametrize(
    ("status", "wallet_reason", "verifier_reason"),
    [
        pytest.param(StudyStatus.SUSPENDED, SUSPENDED, "suspended", id="suspended"),
        pytest.param(StudyStatus.REMOVED, REVOKED, "revoked", id="removed"),
    ],
)
def test_losing_active_status_invalidates_the_mobile_id(
    demo: Portal, new_page: NewPage, status: StudyStatus, wallet_reason: str, verifier_reason: str
) -> None:
    phone = new_page()
    open_wallet(phone, at=demo.clock.now())
    activate_by_typing(phone, ready_offer(demo, "pd", "anna.nowak"))
    expect(phone.locator("#valid")).to_have_text("VALID")

    # The dean's office records the suspension or the removal; the register tells the issuer.
    with transaction(demo.runtime.sessions) as session:
        study = find_study(session, "pd", "100001")
        people.change_study_status(
            session, demo.clock, study, status, since=local_today(demo.clock),
            reason="decision of the dean", actor=OFFICE,
        )  # fmt: skip
    demo.work()  # the status list is signed again

    open_card_again(phone)
    expect(phone.locator("#invalid")).to_contain_text("INVALID")
    expect(phone.locator("#invalid-reason")).to_have_text(wallet_reason)

    inspector, short_code = open_verifier(new_page, demo)
    share(demo, phone, short_code)
    expect_invalid(inspector, verifier_reason)
