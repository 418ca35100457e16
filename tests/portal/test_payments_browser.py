"""The payments page in a real browser: the copy button, the transfer QR code on screen, axe-core.

Headless Chromium as in ``tests/browser``, each test in a thread of its own (see
:func:`tests.portal.test_photo_browser.in_chromium`).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from legitka.domain.accounts import format_nrb
from tests.browser.conftest import axe_check, decode_qr, sign_in, text
from tests.portal.conftest import Portal
from tests.portal.test_payments import person_of
from tests.portal.test_photo_browser import BOTH_LANGUAGES, ON_SQLITE, in_chromium

pytestmark = pytest.mark.browser


@ON_SQLITE
@BOTH_LANGUAGES
def test_copy_the_account_number_and_scan_the_transfer_qr_code(portal: Portal, locale: str) -> None:
    _, account = person_of(portal, "jakub.wojcik")
    expected = portal.api("pd", "jakub.wojcik").get("/payments").json()
    qr_text = expected["charges"][0]["transfer"]["qr_text"]

    def steps(page: Page) -> str:
        sign_in(page, "pd", "jakub.wojcik")
        page.goto("/u/pd/student/payments")
        expect(page.locator("html")).to_have_attribute("lang", locale)
        number = page.locator("#account-number")
        expect(number).to_have_text(format_nrb(account))
        button = page.get_by_role("button", name=text("Copy the number", locale))
        expect(button).to_be_visible()  # shown by copy.js where the Clipboard API works
        button.click()
        expect(page.locator("#copy-status")).to_have_text(
            text("The account number is copied.", locale)
        )
        copied: str = page.evaluate("navigator.clipboard.readText()")
        assert decode_qr(page, ".transfer-qr svg") == qr_text
        axe_check(page)
        return copied

    copied = in_chromium(portal, locale, steps, permissions=["clipboard-read", "clipboard-write"])
    assert copied == account


@ON_SQLITE
def test_without_javascript_the_number_is_plain_text(portal: Portal) -> None:
    _, account = person_of(portal, "adam.grabowski")

    def steps(page: Page) -> None:
        sign_in(page, "pd", "adam.grabowski")
        page.goto("/u/pd/student/payments")
        expect(page.locator("#account-number")).to_have_text(format_nrb(account))
        expect(page.locator("button[data-copy]")).to_be_hidden()
        expect(page.locator(".transfer-qr svg")).to_be_visible()

    in_chromium(portal, "en", steps, java_script_enabled=False)
