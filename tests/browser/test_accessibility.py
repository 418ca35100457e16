"""Accessibility in a real browser: axe-core on every page and state, keyboard use.

``axe_check`` fails on any serious or critical violation (WCAG 2.1 AA: contrast, names, labels,
landmarks, …). Pages are checked in Polish and in English, on a phone-sized screen. To check a
new portal page, add its navigation label to ``PORTAL_SECTIONS``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import NewPage, axe_check, sign_in, text
from tests.browser.test_student_journey import (
    QR,
    open_section,
    order_and_wait_until_ready,
    order_button,
)
from tests.portal.conftest import Portal

BOTH_LANGUAGES = pytest.mark.parametrize("browser_locale", ["pl", "en"])
# Portal pages reached from the navigation, checked for every student in the tests below.
PORTAL_SECTIONS = ("My studies", "mLegitymacja")


def test_axe_check_names_what_is_wrong(browser: Browser) -> None:
    """The check itself: a page with known faults fails with a list that names them."""
    page = browser.new_page()
    page.set_content(
        '<html lang="en"><title>t</title><main><h1>Faults</h1><img src="x.png">'
        '<p style="color:#bbb;background:#fff">Grey on white</p></main></html>'
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(page)
    page.close()
    report = str(failure.value)
    assert "image-alt (critical)" in report
    assert "color-contrast (serious)" in report
    assert "<img src=" in report


@BOTH_LANGUAGES
def test_public_pages(page: Page, demo: Portal, browser_locale: str) -> None:
    for path in ("/", "/u/pd/", "/u/uw/", "/u/pd/login", "/u/no-such-university/"):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", browser_locale)
        axe_check(page)
    page.goto("/u/pd/login")
    expect(page.locator(".demo-accounts tbody tr").first).to_contain_text("anna.nowak")
    # The sign-in page after a wrong password: the error is announced and tied to the field.
    page.locator("input[name=login]").fill("anna.nowak")
    page.locator("input[name=password]").fill("wrong")
    page.locator("form[action$='/login'] button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe_check(page)


@BOTH_LANGUAGES
def test_portal_pages_of_an_eligible_student(page: Page, demo: Portal, browser_locale: str) -> None:
    locale = browser_locale
    sign_in(page, "pd", "anna.nowak")
    for section in PORTAL_SECTIONS:
        open_section(page, locale, text(section, locale))
        axe_check(page)
    # mLegitymacja in each of its states: ready to order, waiting, ready with the QR code, the
    # cancel confirmation, and cancelled with the history.
    expect(order_button(page, locale)).to_be_visible()
    order_and_wait_until_ready(page, demo, locale)
    axe_check(page)
    page.get_by_role("link", name=text("Cancel this order", locale)).click()
    expect(page).to_have_url(re.compile(r"/cancel$"))
    axe_check(page)
    page.get_by_role("button", name=text("Yes, cancel", locale)).click()
    expect(page.locator("table.history")).to_be_visible()
    axe_check(page)


@BOTH_LANGUAGES
def test_mlegitymacja_while_the_order_waits(page: Page, demo: Portal, browser_locale: str) -> None:
    sign_in(page, "pd", "anna.nowak")
    page.goto("/u/pd/student/mlegitymacja")
    order_button(page, browser_locale).click()
    expect(page.locator("[data-order-status]")).to_have_attribute("data-order-status", "pending")
    axe_check(page)


@BOTH_LANGUAGES
def test_portal_pages_of_an_ineligible_student(
    page: Page, demo: Portal, browser_locale: str
) -> None:
    sign_in(page, "pd", "piotr.kowalski")
    for section in PORTAL_SECTIONS:
        open_section(page, browser_locale, text(section, browser_locale))
        axe_check(page)
    expect(page.locator(".checklist li.todo").first).to_be_visible()
    expect(order_button(page, browser_locale)).to_have_count(0)
    expect(page.locator(QR)).to_have_count(0)


def focused(page: Page) -> dict[str, str]:
    """What has the keyboard focus: its tag, id, text, address and whether it is on screen."""
    result: dict[str, str] = page.evaluate(
        """() => {
            const el = document.activeElement;
            const box = el.getBoundingClientRect();
            return {
                tag: el.tagName.toLowerCase(), id: el.id, text: el.textContent.trim(),
                href: el.getAttribute("href") || "", hreflang: el.getAttribute("hreflang") || "",
                visible: String(box.width > 0 && box.height > 0 && box.right > 0 && box.left
                    < window.innerWidth && box.bottom > 0),
            };
        }"""
    )
    return result


@BOTH_LANGUAGES
def test_keyboard_skip_link_and_language_switch(
    new_page: NewPage, demo: Portal, browser_locale: str
) -> None:
    page = new_page()
    other = "en" if browser_locale == "pl" else "pl"
    page.goto("/u/pd/")

    # The first Tab shows the skip link; Enter moves the focus to the main content.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == text("Skip to main content", browser_locale), skip
    assert skip["visible"] == "true", "the skip link stays off screen when focused"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    assert focused(page)["id"] == "main"

    # From the top, Tab reaches the switch to the other language, and Enter follows it.
    page.goto("/u/pd/")
    for _ in range(10):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["hreflang"] == other:
            break
    else:
        pytest.fail(f"ten presses of Tab never reached the switch to {other!r}")
    assert now["visible"] == "true"
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", other)
    # The choice is remembered on the next page.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", other)
