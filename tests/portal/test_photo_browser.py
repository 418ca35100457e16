"""The photo page in a real browser: the cropper fills in the crop, the pages pass axe-core.

Headless Chromium (Debian's ``/usr/bin/chromium``) driven by Playwright, as in ``tests/browser``;
without it these tests are skipped as the ``browser`` group. Playwright's synchronous API runs one
driver per thread and the browser tests' driver may be running in this one, so each test here
drives its own Chromium in a thread of its own (:func:`in_chromium`).
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from legitka.registry.services import photos
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    TIMEOUT_MS,
    axe_check,
    sign_in,
    text,
)
from tests.conftest import skip_group
from tests.portal.conftest import Portal
from tests.portal.test_photo import photos_of, picture

pytestmark = pytest.mark.browser
ON_SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
BOTH_LANGUAGES = pytest.mark.parametrize("locale", ["pl", "en"])
T = TypeVar("T")
LIMIT_SECONDS = 180


def in_chromium(portal: Portal, locale: str, steps: Callable[[Page], T], **context: Any) -> T:
    """Run ``steps`` on a fresh phone-sized page of a headless Chromium, in a thread of its own."""
    if not CHROMIUM.exists():
        skip_group("browser", f"no {CHROMIUM} (Debian's package chromium)")
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
                )
                try:
                    session = browser.new_context(
                        base_url=portal.base, locale=locale, viewport=PHONE, **context
                    )
                    session.set_default_timeout(TIMEOUT_MS)
                    outcome["value"] = steps(session.new_page())
                finally:
                    browser.close()
        except BaseException as exc:  # a failed assertion, pytest.fail, a Playwright error
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=LIMIT_SECONDS)
    if worker.is_alive():
        pytest.fail(f"the browser steps did not end within {LIMIT_SECONDS} s", pytrace=False)
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


def crop_fields(page: Page) -> dict[str, int]:
    values = {}
    for name in ("x", "y", "width", "height"):
        value = page.locator(f"input[name=crop_{name}]").input_value()
        values[name] = int(value)
    return values


@ON_SQLITE
def test_the_cropper_fills_in_the_part_to_keep_and_the_server_keeps_it(portal: Portal) -> None:
    png = picture(1200, 1600, "PNG")

    def steps(page: Page) -> dict[str, int]:
        sign_in(page, "uw", "weronika.michalska")
        page.goto("/u/uw/student/photo")
        cropper = page.locator("[data-cropper]")
        expect(cropper).to_be_hidden()  # nothing chosen yet
        axe_check(page)
        page.locator("input[type=file]").set_input_files(
            {"name": "me.png", "mimeType": "image/png", "buffer": png}
        )
        expect(cropper).to_be_visible()
        frame = page.locator("[data-crop-frame]")
        box = frame.bounding_box()
        assert box and abs(box["width"] / box["height"] - 35 / 45) < 0.01
        # At first the whole width, the middle of the height, in the card's proportions.
        expect(page.locator("input[name=crop_width]")).to_have_value("1200")
        first = crop_fields(page)
        assert first["x"] == 0 and abs(first["height"] - 1200 * 45 / 35) <= 2
        assert abs(first["y"] - (1600 - first["height"]) / 2) <= 1
        axe_check(page)

        # Zoomed in four times the part is too small for the card, and the page says so.
        page.locator("[data-crop-zoom]").fill("4")
        warning = page.locator("[data-crop-warning]")
        expect(warning).to_have_text(
            text("This part is too small for the card: zoom out or choose a larger photo.", "en")
        )
        page.locator("[data-crop-zoom]").fill("2")
        expect(warning).to_have_text("")
        zoomed = crop_fields(page)
        assert abs(zoomed["width"] - 600) <= 1
        assert abs(zoomed["x"] - 300) <= 1  # still the middle

        # Dragging the photo to the right shows more of its left side.
        frame.scroll_into_view_if_needed()
        box = frame.bounding_box()
        assert box
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] / 2, steps=4)
        page.mouse.up()
        dragged = crop_fields(page)
        assert dragged["x"] < zoomed["x"] and dragged["y"] == zoomed["y"]
        frame.focus()
        page.keyboard.press("ArrowLeft")  # the photo moves left: more of its right side
        page.keyboard.press("ArrowUp")
        moved = crop_fields(page)
        assert moved["x"] > dragged["x"] and moved["y"] > dragged["y"]
        page.keyboard.press("-")
        chosen = crop_fields(page)
        assert chosen["width"] > moved["width"]

        page.get_by_role("button", name="Send the photo").click()
        page.wait_for_url(re.compile(r"done=uploaded"))
        expect(page.get_by_role("status").first).to_contain_text("Your photo is sent.")
        expect(page.locator(".id-photo img")).to_be_visible()
        axe_check(page)
        return chosen

    chosen = in_chromium(portal, "en", steps)
    newest = photos_of(portal, "weronika.michalska")[-1]
    assert newest.content_type == "image/png"
    assert abs(newest.width - chosen["width"]) <= 2
    assert abs(newest.height - chosen["height"]) <= 2
    assert newest.width * 45 == pytest.approx(newest.height * 35, abs=45)
    assert newest.width >= photos.MIN_WIDTH and newest.height >= photos.MIN_HEIGHT


@ON_SQLITE
@BOTH_LANGUAGES
def test_every_state_of_the_photo_page_passes_axe(portal: Portal, locale: str) -> None:
    gif = io.BytesIO()
    Image.new("RGB", (500, 600), (9, 9, 9)).save(gif, "GIF")

    def steps(page: Page) -> None:
        for login in ("piotr.kowalski", "katarzyna.wisniewska"):
            page.context.clear_cookies()
            sign_in(page, "pd", login)
            page.goto("/u/pd/student/photo")
            expect(page.locator("html")).to_have_attribute("lang", locale)
            expect(page.locator(".id-photo img")).to_be_visible()
            axe_check(page)
        # A refused upload: the message is announced and tied to the file field.
        page.locator("input[type=file]").set_input_files(
            {"name": "me.gif", "mimeType": "image/gif", "buffer": gif.getvalue()}
        )
        page.locator("form[data-photo-form] button[type=submit]").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text(
            text("The file is a {format} image: send a JPEG or PNG photo.", locale, format="GIF")
        )
        expect(page.locator("input[type=file]")).to_have_attribute("aria-invalid", "true")
        axe_check(page)

    in_chromium(portal, locale, steps)
