"""The public verifier page in a real browser: an inspector at ``/verify`` and a student whose
Python holder answers, online (the QR code or the 6-digit code) and offline (a picture of the
wallet's offline QR code). The page waits for the answer and shows it without reloading.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import segno
from PIL import Image
from playwright.sync_api import Page, Playwright, expect

from legitka.issuer import mobile_ids, orders
from legitka.registry.db import transaction
from legitka.verifier.presets import PRESET_LABELS
from legitka.verifier.reasons import REASONS, VERDICTS, Verdict
from legitka.wallet import presentation
from legitka.wallet.holder import Holder, StoredCredential
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    TIMEOUT_MS,
    axe_check,
    decode_qr,
    text,
)
from tests.conftest import NOW
from tests.portal.conftest import Portal

BOTH_LANGUAGES = pytest.mark.parametrize("browser_locale", ["pl", "en"])
REQUEST_PAGE = re.compile(r"/verify/[A-Za-z0-9_-]{43}(\?lang=(pl|en))?$")


@dataclass
class Student:
    holder: Holder
    stored: StoredCredential
    order_id: int

    def answer(self, demo: Portal, code: str, *, share: bool = True) -> None:
        """Type the verifier's code in the wallet, then share (or decline)."""
        client_id, uri = presentation.resolve(code, self.holder.http, demo.base)
        request = presentation.fetch_request(self.holder, client_id, uri)
        if share:
            presentation.share(self.holder, self.stored, request)
        else:
            presentation.decline(self.holder, request)


@pytest.fixture(autouse=True)
def closed_api(demo: Portal) -> None:
    """The verifier's API needs an integrator's key, as deployed: the page itself needs none."""
    demo.runtime.settings.verifier_api_open = False


@pytest.fixture
def student(demo: Portal) -> Student:
    """Anna (pd) with an mLegitymacja activated in the Python holder."""
    api = demo.api("pd", "anna.nowak")
    assert api.post("/mlegitymacja/order").status_code == 201
    demo.work()
    order = api.get("/mlegitymacja").json()["order"]
    http = httpx.Client(timeout=10)
    holder = Holder(http, trusted_roots=[demo.runtime.pki.root_certificate()], now=demo.clock.now)
    stored = holder.activate(order["offer"]["qr_uri"], order["offer"]["activation_code"])
    return Student(holder, stored, order["id"])


def open_request(page: Page, locale: str, preset: str = "student_status") -> str:
    """Open the start page, press the preset's button; the 6-digit code the page shows."""
    page.clock.install(time=NOW)
    page.goto("/")
    page.get_by_role("link", name=text("Verify a student ID", locale)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text("Verify a student ID", locale))
    axe_check(page)
    page.get_by_role("button", name=text(PRESET_LABELS[preset], locale), exact=True).click()
    page.wait_for_url(REQUEST_PAGE)
    shown = page.locator(".short-code [aria-hidden=true]").inner_text()
    assert re.fullmatch(r"\d{3} \d{3}", shown), shown
    code = shown.replace(" ", "")
    spoken = page.locator(".short-code .visually-hidden").text_content()
    assert spoken == " ".join(code)
    return code


def mark_page(page: Page) -> None:
    """Leave a mark in the page's window: a reload would wipe it."""
    page.evaluate("window.notReloaded = true")


def not_reloaded(page: Page) -> bool:
    return bool(page.evaluate("window.notReloaded === true"))


@BOTH_LANGUAGES
def test_valid_appears_without_reload_and_the_photo_enlarges(
    page: Page, demo: Portal, student: Student, browser_locale: str
) -> None:
    locale = browser_locale
    code = open_request(page, locale)
    qr_uri = decode_qr(page, ".invitation .qr svg")
    assert presentation.resolve(qr_uri, student.holder.http, demo.base) == presentation.resolve(
        code, student.holder.http, demo.base
    )
    expect(page.get_by_role("timer")).to_have_text(
        re.compile(re.escape(text("Time left: {time}", locale, time="")) + r"[45]:\d\d")
    )
    axe_check(page)
    mark_page(page)

    student.answer(demo, code)

    verdict = page.locator(".verdict-live[role=status] .verdict-valid")
    expect(verdict).to_be_visible()
    expect(verdict).to_contain_text(text(VERDICTS[Verdict.VALID], locale))
    assert not_reloaded(page)
    expect(page.locator(".invitation")).to_have_count(0)  # the QR code is gone
    claims = student.stored.claims
    facts = page.locator(".verdict-data .facts")
    expect(facts).to_contain_text(f"{claims['given_name']} {claims['family_name']}")
    expect(facts).to_contain_text(claims["university"]["name"][locale])
    expect(facts).to_contain_text(text("Valid until", locale))
    expect(page.locator(".verified-at")).to_contain_text(
        text("Verified at {time}", locale, time="")
    )
    photo = page.get_by_role("img", name=text("Photo of the student", locale)).first
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 0
    axe_check(page)

    small = photo.bounding_box()
    page.locator(".photo-link").click()
    dialog = page.locator("dialog.photo-dialog")
    expect(dialog).to_be_visible()
    large = dialog.locator("img").bounding_box()
    assert small and large and large["width"] > 1.5 * small["width"]
    axe_check(page)
    dialog.get_by_role("button", name=text("Close", locale)).click()
    expect(dialog).to_be_hidden()
    # From the keyboard: Enter opens it with the focus on Close, Escape closes it.
    page.locator(".photo-link").focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name=text("Close", locale))).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator(".photo-link")).to_be_focused()

    # The retention time ends: the page wipes the data by itself, the verdict stays.
    page.clock.run_for(301_000)
    expect(page.locator(".wiped")).to_contain_text(
        text(
            "The data shown have been deleted from this page: they are kept for a few minutes "
            "only. The verdict remains.",
            locale,
        )
    )
    expect(page.locator(".verdict-data")).to_have_count(0)
    expect(verdict).to_be_visible()
    assert not_reloaded(page)
    axe_check(page)


def test_revoked_id_shows_invalid_with_the_reason(
    page: Page, demo: Portal, student: Student
) -> None:
    with transaction(demo.runtime.sessions) as session:
        mobile_ids.cancel(session, demo.clock, orders.get(session, student.order_id),
                          actor="test")  # fmt: skip
    demo.work()
    code = open_request(page, "en")
    mark_page(page)
    student.answer(demo, code)
    verdict = page.locator(".verdict-live .verdict-invalid")
    expect(verdict).to_contain_text(text(VERDICTS[Verdict.INVALID], "en"))
    expect(verdict.locator(".reasons li[data-code=revoked]")).to_have_text(REASONS["revoked"])
    assert not_reloaded(page)
    axe_check(page)


def test_declined_and_expired(page: Page, demo: Portal, student: Student) -> None:
    code = open_request(page, "en", "discount")
    student.answer(demo, code, share=False)
    expect(page.locator(".verdict-declined")).to_contain_text(REASONS["declined"])
    axe_check(page)
    page.get_by_role("link", name="New verification").click()
    page.get_by_role("button", name=PRESET_LABELS["full"], exact=True).click()
    page.wait_for_url(REQUEST_PAGE)
    expect(page.get_by_role("link", name="Check now")).to_be_visible()  # the page without JS
    mark_page(page)
    demo.clock.advance(dt.timedelta(minutes=5, seconds=1))
    expect(page.locator(".verdict-expired")).to_contain_text(REASONS["request_expired"])
    expect(page.locator(".invitation")).to_have_count(0)
    assert not_reloaded(page)
    axe_check(page)


def offline_qr_png(student: Student, folder: Path) -> Path:
    """The wallet's offline QR code (bytes, byte mode) as a screenshot would hold it."""
    data = presentation.offline_qr_bytes(student.holder, student.stored)
    path = folder / "offline-qr.png"
    segno.make_qr(data, mode="byte", error="l", boost_error=False).save(
        str(path), kind="png", scale=4, border=4
    )
    return path


@BOTH_LANGUAGES
def test_offline_qr_from_a_picture(
    page: Page, demo: Portal, student: Student, browser_locale: str, tmp_path: Path
) -> None:
    locale = browser_locale
    picture = offline_qr_png(student, tmp_path)
    page.clock.install(time=NOW)
    page.goto("/verify")
    expect(page.get_by_role("button", name=text("Scan an offline QR code", locale))).to_be_visible()
    page.get_by_label(
        text("Or choose a photo or screenshot of the QR code", locale)
    ).set_input_files(picture)
    verdict = page.locator("[data-offline] .verdict-live[role=status] .verdict-valid")
    expect(verdict).to_contain_text(text(VERDICTS[Verdict.VALID], locale))
    claims = student.stored.claims
    facts = page.locator("[data-offline] .facts")
    expect(facts).to_contain_text(f"{claims['given_name']} {claims['family_name']}")
    expect(facts).to_contain_text(claims["student_id"])
    expect(page.locator("[data-offline] .status-age")).to_be_visible()
    axe_check(page)
    page.clock.run_for(301_000)
    expect(page.locator("[data-offline] .facts")).to_have_count(0)
    expect(page.locator("[data-offline] .wiped")).to_be_visible()


def camera_feed(png: Path, folder: Path) -> Path:
    """A video (Y4M, what Chromium's fake camera plays) of the QR code held in front of it."""
    code = Image.open(png).convert("L")
    side = max(code.size) + 160
    frame = Image.new("L", (side, side), 255)
    frame.paste(code, ((side - code.width) // 2, (side - code.height) // 2))
    chroma = bytes([128]) * ((side // 2) * (side // 2) * 2)
    path = folder / "camera.y4m"
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{side} H{side} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(3):
            video.write(b"FRAME\n" + frame.tobytes() + chroma)
    return path


def test_offline_qr_from_the_camera(
    playwright: Playwright, demo: Portal, student: Student, tmp_path: Path
) -> None:
    feed = camera_feed(offline_qr_png(student, tmp_path), tmp_path)
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={feed}",
        ],
    )
    try:
        context = browser.new_context(
            base_url=demo.base, locale="en", viewport=PHONE, permissions=["camera"]
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.clock.install(time=NOW)
        page.goto("/verify")
        page.get_by_role("button", name="Scan an offline QR code").click()
        verdict = page.locator("[data-offline] .verdict-live[role=status] .verdict-valid")
        expect(verdict).to_contain_text(VERDICTS[Verdict.VALID])
        expect(page.locator("[data-offline] .facts")).to_contain_text(
            student.stored.claims["student_id"]
        )
        expect(page.locator("video.scanner")).to_be_hidden()  # the camera is off again
        expect(page.get_by_role("button", name="Scan an offline QR code")).to_be_visible()
        axe_check(page)
    finally:
        browser.close()
