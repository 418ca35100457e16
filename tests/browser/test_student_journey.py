"""A student in a real browser: sign in, order the mLegitymacja, activate-ready QR code, cancel.

Each test runs the demo on its own server and drives a phone-sized Chromium through the pages as
a student would: clicking links and buttons, never calling the server behind the page's back. The
texts the tests look for are the portal's own messages in the browser's language.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from legitka.domain.eligibility import CHECK_MESSAGES
from legitka.domain.orders import STATUS_LABELS, OrderStatus
from legitka.portal.auth import SESSION_LIFETIME, current_study
from legitka.portal.mobile_id_pages import DONE_MESSAGES
from legitka.registry.models import Order, Person, PortalAccount
from legitka.registry.services.students import eligibility, eligibility_json
from tests.browser.conftest import NewPage, decode_qr, sign_in, submit_sign_in, text
from tests.portal.conftest import Portal

BOTH_LANGUAGES = pytest.mark.parametrize("browser_locale", ["pl", "en"])
OFFER_URI = re.compile(r"^openid-credential-offer://\?credential_offer_uri=https?%3A%2F%2F\S+$")
QR = ".activation .qr svg"
ACTIVATION_CODE = ".activation-code .code [aria-hidden=true]"


def open_section(page: Page, locale: str, label: str) -> None:
    """Follow a link of the portal's navigation (My studies, mLegitymacja, Payments, …)."""
    nav = page.get_by_role("navigation", name=text("Student portal", locale))
    nav.get_by_role("link", name=label, exact=True).click()


def order_button(page: Page, locale: str) -> Locator:
    return page.get_by_role("button", name=text("Order the mLegitymacja", locale))


def checklist(page: Page) -> list[tuple[bool, str]]:
    """The eligibility checklist as shown: (met, text with its hidden Met:/Not met:) per item."""
    items = page.locator(".checklist li")
    return [
        (
            "ok" in (item.get_attribute("class") or "").split(),
            " ".join((item.text_content() or "").split()),
        )
        for item in items.all()
    ]


def order_and_wait_until_ready(page: Page, demo: Portal, locale: str) -> str:
    """Click Order, let the worker prepare it, and watch the page show the QR code by itself.

    Returns the activation code the page shows.
    """
    order_button(page, locale).click()
    page.wait_for_url(re.compile(r"done=ordered"))
    block = page.locator("[data-order-status]")
    expect(block).to_have_attribute("data-order-status", OrderStatus.PENDING.value)
    expect(page.locator(".order-status")).to_have_text(
        text(STATUS_LABELS[OrderStatus.PENDING], locale)
    )
    expect(page.get_by_role("status").first).to_have_text(text(DONE_MESSAGES["ordered"], locale))
    demo.work()
    # The page polls status.json and reloads itself when the status changes.
    expect(page.locator(QR)).to_be_visible()
    expect(block).to_have_attribute("data-order-status", OrderStatus.READY.value)
    expect(page.locator(".order-status")).to_have_text(
        text(STATUS_LABELS[OrderStatus.READY], locale)
    )
    code = page.locator(ACTIVATION_CODE).inner_text()
    assert re.fullmatch(r"\d{4} \d{4}", code), code
    return code.replace(" ", "")


def side_by_side(page: Page, left: str, right: str) -> bool:
    a = page.locator(left).bounding_box()
    b = page.locator(right).bounding_box()
    assert a and b
    same_row = a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]
    return same_row and a["x"] + a["width"] <= b["x"]


@BOTH_LANGUAGES
def test_order_show_qr_code_and_cancel(page: Page, demo: Portal, browser_locale: str) -> None:
    locale = browser_locale
    sign_in(page, "pd", "anna.nowak")
    expect(page).to_have_url(re.compile(r"/u/pd/student/$"))
    expect(page.locator("html")).to_have_attribute("lang", locale)
    expect(page.get_by_role("heading", level=1)).to_have_text(text("My studies", locale))
    expect(page.locator(".portal-nav .who")).to_contain_text("Anna Nowak")
    expect(page.locator(".portal-nav .who")).to_contain_text("100001")

    open_section(page, locale, "mLegitymacja")
    expect(page).to_have_url(re.compile(r"/u/pd/student/mlegitymacja$"))
    items = checklist(page)
    assert items, "the page shows no eligibility checklist"
    assert all(met for met, _ in items), items

    code = order_and_wait_until_ready(page, demo, locale)
    expect(
        page.get_by_text(text("Your mLegitymacja is ready to activate.", locale))
    ).to_be_visible()
    # On the phone the activation code follows the QR code; on a wider screen they stand side
    # by side.
    expect(page.locator(ACTIVATION_CODE)).to_be_visible()
    assert not side_by_side(page, QR, ACTIVATION_CODE)
    page.set_viewport_size({"width": 1024, "height": 900})
    assert side_by_side(page, QR, ACTIVATION_CODE)
    page.set_viewport_size({"width": 390, "height": 844})

    offer = decode_qr(page, QR)
    assert OFFER_URI.match(offer), offer
    assert code not in offer  # the activation code travels beside the QR code, never in it
    assert page.locator("details code.wrap").text_content() == offer

    page.get_by_role("link", name=text("Cancel this order", locale)).click()
    expect(page).to_have_url(re.compile(r"/mlegitymacja/cancel$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        text("Cancel the mLegitymacja", locale)
    )
    page.get_by_role("button", name=text("Yes, cancel", locale)).click()
    page.wait_for_url(re.compile(r"done=cancelled"))
    cancelled = page.get_by_role("status")
    expect(cancelled).to_have_text(text(DONE_MESSAGES["cancelled"], locale))
    expect(cancelled).to_contain_text("24")
    expect(page.locator(QR)).to_have_count(0)
    expect(page.get_by_text(code[:4] + " " + code[4:])).to_have_count(0)
    history = page.locator("table.history tbody tr")
    expect(history).to_have_count(1)
    expect(history.first.locator("td").nth(1)).to_have_text(
        text(STATUS_LABELS[OrderStatus.CANCELLED], locale)
    )
    expect(order_button(page, locale)).to_be_visible()  # free to order again


@BOTH_LANGUAGES
def test_ineligible_student_sees_why_item_by_item(
    page: Page, demo: Portal, browser_locale: str
) -> None:
    locale = browser_locale
    sign_in(page, "pd", "piotr.kowalski")
    open_section(page, locale, "mLegitymacja")

    with demo.runtime.sessions() as session:
        account = session.scalar(
            select(PortalAccount).where(PortalAccount.login == "piotr.kowalski")
        )
        assert account is not None
        study = current_study(session, session.get_one(Person, account.person_id))
        assert study is not None
        expected = eligibility_json(eligibility(session, study, demo.clock), locale)["checks"]
    shown = checklist(page)
    assert [met for met, _ in shown] == [check["ok"] for check in expected]
    for (met, message), check in zip(shown, expected, strict=True):
        prefix = text("Met:" if met else "Not met:", locale)
        assert message == f"{prefix} {check['message']}"
    unmet = [message for met, message in shown if not met]
    assert any(text(CHECK_MESSAGES[("no_approved_photo", "pending")], locale) in m for m in unmet)

    expect(order_button(page, locale)).to_have_count(0)
    expect(
        page.get_by_text(text("You can order the mLegitymacja when every condition above is met.",
                              locale))
    ).to_be_visible()  # fmt: skip


def test_another_students_qr_code_stays_out_of_reach(new_page: NewPage, demo: Portal) -> None:
    anna = new_page()
    sign_in(anna, "pd", "anna.nowak")
    anna.goto("/u/pd/student/mlegitymacja")
    code = order_and_wait_until_ready(anna, demo, "en")
    offer = decode_qr(anna, QR)

    # Anna's own QR code as an image to save: the same offer.
    own = anna.request.get("/u/pd/student/mlegitymacja/qr.png")
    assert own.status == 200
    assert own.headers["content-type"] == "image/png"

    bartosz = new_page()
    sign_in(bartosz, "pd", "bartosz.kaczmarek")
    response = bartosz.goto("/u/pd/student/mlegitymacja/qr.png")
    assert response is not None
    assert response.status == 404  # Bartosz's own answer: he has no QR code
    expect(bartosz.locator(".error-code")).to_have_text("no_offer")
    bartosz.goto("/u/pd/student/mlegitymacja")
    expect(bartosz.locator(".portal-nav .who")).to_contain_text("100017")
    expect(bartosz.locator(QR)).to_have_count(0)
    page_text = bartosz.locator("body").inner_text()
    assert code[:4] not in page_text
    assert offer not in bartosz.content()

    # A student of another university is not signed in at this one.
    maria = new_page()
    sign_in(maria, "uw", "maria.zajac")
    maria.goto("/u/pd/student/mlegitymacja")
    expect(maria).to_have_url(re.compile(r"/u/pd/login\?next="))
    expect(maria.locator(QR)).to_have_count(0)


def test_forged_csrf_token_is_refused_and_changes_nothing(page: Page, demo: Portal) -> None:
    sign_in(page, "pd", "anna.nowak")
    page.goto("/u/pd/student/mlegitymacja")
    page.evaluate(
        """() => {
            const field = document.querySelector("form[action$='/order'] input[name=csrf_token]");
            field.value = "forged-" + field.value.slice(7);
        }"""
    )
    with page.expect_response(lambda r: r.url.endswith("/mlegitymacja/order")) as answer:
        order_button(page, "en").click()
    assert answer.value.status == 403
    expect(page.locator(".error-code")).to_have_text("csrf_failed")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    with demo.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 0
    page.goto("/u/pd/student/mlegitymacja")
    expect(order_button(page, "en")).to_be_visible()
    expect(page.locator("[data-order-status]")).to_have_count(0)


def test_after_the_session_expires_signing_in_again_returns_to_the_page(
    page: Page, demo: Portal
) -> None:
    sign_in(page, "pd", "anna.nowak")
    demo.clock.advance(SESSION_LIFETIME["browser"] + dt.timedelta(hours=1))

    open_section(page, "en", "mLegitymacja")
    expect(page).to_have_url(re.compile(r"/u/pd/login\?next=%2Fu%2Fpd%2Fstudent%2Fmlegitymacja$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        text("Sign in to the student portal", "en")
    )
    submit_sign_in(page, "anna.nowak")
    expect(page).to_have_url(re.compile(r"/u/pd/student/mlegitymacja$"))
    expect(order_button(page, "en")).to_be_visible()


def test_after_the_session_expires_a_button_returns_to_its_page(page: Page, demo: Portal) -> None:
    sign_in(page, "pd", "anna.nowak")
    page.goto("/u/pd/student/mlegitymacja")
    demo.clock.advance(SESSION_LIFETIME["browser"] + dt.timedelta(hours=1))

    order_button(page, "en").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        text("Sign in to the student portal", "en")
    )
    submit_sign_in(page, "anna.nowak")
    expect(page).to_have_url(re.compile(r"/u/pd/student/mlegitymacja$"), timeout=2_000)
    expect(order_button(page, "en")).to_be_visible()  # nothing was ordered behind her back
