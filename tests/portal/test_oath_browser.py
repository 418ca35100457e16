"""The oath page in a real browser: accepted from the keyboard alone, and it passes axe-core.

Headless Chromium as in ``tests/browser``, each test in a thread of its own (see
:func:`tests.portal.test_photo_browser.in_chromium`).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from legitka.portal.register_pages import DONE_MESSAGES
from tests.browser.conftest import axe_check, sign_in, text
from tests.portal.conftest import Portal
from tests.portal.test_oath import acceptances
from tests.portal.test_photo_browser import BOTH_LANGUAGES, ON_SQLITE, in_chromium

pytestmark = pytest.mark.browser


@ON_SQLITE
@BOTH_LANGUAGES
def test_accept_the_oath_with_the_keyboard(portal: Portal, locale: str) -> None:
    def steps(page: Page) -> None:
        sign_in(page, "pd", "jakub.wojcik")
        page.goto("/u/pd/student/oath")
        expect(page.locator("html")).to_have_attribute("lang", locale)
        axe_check(page)
        oath = page.locator("section#oath")
        box = oath.get_by_role("checkbox", name=text("I have read and accept this text.", locale))
        button = oath.get_by_role("button", name=text("Accept", locale))
        # Without the tick the browser keeps the form: the box is required.
        button.focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/student/oath$"))
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
        page.keyboard.press("Tab")
        expect(button).to_be_focused()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"done=accepted"))
        expect(page.get_by_role("status").first).to_have_text(
            text(DONE_MESSAGES["accepted"], locale)
        )
        expect(page.locator("section#oath .accepted")).to_be_visible()
        expect(page.locator("section#oath form")).to_have_count(0)
        axe_check(page)

    in_chromium(portal, locale, steps)
    assert [kind for kind, _, _ in acceptances(portal, "jakub.wojcik")] == ["oath"]
