"""The dean's office in Chromium: a photo approved from the queue, and every card renewed for the
next semester — the preview, then the job's progress reaching 100 % without a reload."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from legitka.demo.staff import DEMO_STAFF
from tests.browser.conftest import NewPage, axe_check
from tests.portal.conftest import Portal

DESK = {"width": 1280, "height": 900}
PASSWORDS = {staff.login: staff.password for staff in DEMO_STAFF}


def office_sign_in(page: Page, login: str, target: str) -> None:
    page.goto(target)
    page.wait_for_url(re.compile(r"/office/login"))
    page.get_by_label(re.compile("Login|Login", re.I)).first.fill(login)
    page.locator("input[name=password]").fill(PASSWORDS[login])
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(target) + r"$"))


def test_approve_a_photo_and_renew_every_card(new_page: NewPage, demo: Portal) -> None:
    page = new_page(locale="en", viewport=DESK)  # type: ignore[arg-type]
    office_sign_in(page, "dziekanat.pd", "/office/u/pd/photos")
    expect(page.get_by_role("heading", name="Photos waiting for approval")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Approve the photo of Piotr Kowalski").click()
    expect(page.get_by_role("status")).to_contain_text("The photo is approved.")
    expect(page.get_by_text("No photo is waiting.")).to_be_visible()

    page.get_by_role("link", name="Renewals").click()
    page.get_by_label("Semester", exact=True).select_option("2026L")
    page.get_by_label(re.compile("First hologram")).fill("12350000")
    page.get_by_label("Last hologram of the roll").fill("12350099")
    page.get_by_role("button", name="Preview the renewal").click()
    expect(page.locator("#to-renew")).to_contain_text("Anna Nowak")
    expect(page.locator("#left-out")).to_contain_text("the student status is not active")
    axe_check(page)
    page.get_by_role("button", name=re.compile(r"Renew \d+ cards")).click()
    page.wait_for_url(re.compile(r"/office/u/pd/renewals/\d+$"))
    expect(page.locator("[data-field=percent]")).to_have_text("0")
    axe_check(page)

    demo.work()  # the worker renews; the page follows it by long polling, then shows the report
    expect(page.get_by_role("link", name="Download the report (CSV)")).to_be_visible()
    expect(page.locator("[data-field=percent]")).to_have_text("100")
    expect(page.locator("#renewed-heading")).to_be_visible()
    axe_check(page)
