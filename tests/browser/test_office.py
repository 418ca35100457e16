"""The dean's office console in a real browser: sign in, find a student, open their page.

Checked with axe-core on every page on the way, in Polish and English, at a desk and on a phone.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import NewPage, axe_check, text

DESK = {"width": 1280, "height": 800}


def sign_in_to_office(page: Page, login: str, password: str) -> None:
    page.goto("/office/login")
    axe_check(page)
    form = page.locator("form[action='/office/login']")
    form.locator("input[name=login]").fill(login)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/office/u/pd/students$"))


@pytest.mark.parametrize("browser_locale", ["pl", "en"])
@pytest.mark.parametrize("screen", ["desk", "phone"])
def test_find_a_student_and_open_the_page(
    new_page: NewPage, browser_locale: str, screen: str
) -> None:
    page = new_page(viewport=DESK if screen == "desk" else None)
    sign_in_to_office(page, "dziekanat.pd", "demo-dziekanat-1")
    expect(page.get_by_role("heading", level=1)).to_have_text(text("Students", browser_locale))
    axe_check(page)

    page.get_by_label(text("Name, album number or PESEL", browser_locale)).fill("wozniak")
    page.get_by_role("button", name=text("Search", browser_locale)).click()
    result = page.get_by_role("link", name="Woźniak Zofia")
    expect(result).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("1")
    assert "wozniak" not in page.url  # the search never stands in the address
    axe_check(page)

    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zofia Woźniak")
    expect(page.get_by_role("heading", name=text("Audit timeline", browser_locale))).to_be_visible()
    photo = page.locator(".office-photos img").first
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 0
    axe_check(page)

    page.get_by_role(
        "link", name=text("The whole audit log of this student", browser_locale)
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text("Audit log", browser_locale))
    axe_check(page)

    page.get_by_role("navigation").get_by_role("link", name=text("Reports", browser_locale)).click()
    expect(page.locator("#active-mobile-ids")).to_have_text("0")
    axe_check(page)


def test_another_universitys_student_is_not_found(new_page: NewPage) -> None:
    page = new_page(viewport=DESK)
    sign_in_to_office(page, "dziekanat.pd", "demo-dziekanat-1")
    response = page.goto("/office/u/uw/students")
    assert response is not None and response.status == 404
    axe_check(page)
