"""Driving the web wallet (``/wallet/``) in the browser tests: a student's order made ready
through the mobile API, the PIN set, the ID activated by typing the offer."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import segno
from PIL import Image
from playwright.sync_api import Page, expect

from legitka.registry.db import transaction
from legitka.verifier import requests as verifier_requests
from legitka.verifier.web import context as verifier_context
from tests.conftest import NOW
from tests.portal.conftest import Portal

PIN = "24681357"


@dataclass(frozen=True)
class Offer:
    qr_uri: str
    activation_code: str
    api: httpx.Client


def ready_offer(demo: Portal, slug: str = "uw", login: str = "maria.zajac") -> Offer:
    """Order the mLegitymacja for ``login`` and let the worker prepare its offer."""
    api = demo.api(slug, login)
    assert api.post("/mlegitymacja/order").status_code == 201
    demo.work()
    offer = api.get("/mlegitymacja").json()["order"]["offer"]
    return Offer(offer["qr_uri"], offer["activation_code"], api)


def open_wallet(page: Page, path: str = "/wallet/", at: dt.datetime = NOW) -> None:
    """Open the wallet with the browser's clock at the server's (fixed) time, and set the PIN."""
    page.clock.install(time=at)
    page.goto(path)
    page.locator("#new-pin").fill(PIN)
    page.locator("#new-pin-again").fill(PIN)
    page.locator("#setup-pin-form button[type=submit]").click()


def unlock(page: Page) -> None:
    expect(page.locator("#screen-lock")).to_be_visible()
    page.locator("#pin").fill(PIN)
    page.locator("#unlock-form button[type=submit]").click()
    expect(page.locator("#screen-home")).to_be_visible()


def add_student_id(page: Page) -> None:
    """From the document list through the terms to the scanning screen."""
    page.locator("#add-document").click()
    page.locator("#choose-student-id").click()
    page.locator("#accept-terms").check()
    page.locator("#terms-form button[type=submit]").click()
    expect(page.locator("#screen-scan-offer")).to_be_visible()


def enter_activation_code(page: Page, code: str) -> None:
    expect(page.locator("#screen-code")).to_be_visible()
    page.locator("#activation-code").fill(code)
    page.locator("#activate").click()


def activate_by_typing(page: Page, offer: Offer) -> None:
    add_student_id(page)
    page.locator("#offer-text").fill(offer.qr_uri)
    page.locator("#offer-form button[type=submit]").click()
    enter_activation_code(page, offer.activation_code)
    expect(page.locator("#screen-card")).to_be_visible()


def fake_camera_video(text: str, path: Path, size: tuple[int, int] = (640, 480)) -> Path:
    """A Y4M video showing the QR code of ``text``, for Chromium's fake camera
    (``--use-file-for-fake-video-capture``): what a phone's camera sees held to a screen."""
    width, height = size
    qr = segno.make(text, error="m", micro=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=5, border=4)
    code = Image.open(buffer).convert("L")
    side = min(width, height) - 40
    code = code.resize((side, side), Image.Resampling.NEAREST)
    frame = Image.new("L", size, 255)
    frame.paste(code, ((width - side) // 2, (height - side) // 2))
    y, cb, cr = frame.convert("RGB").convert("YCbCr").split()
    half = (width // 2, height // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            video.write(b"FRAME\n" + planes)
    return path


def verification_request(demo: Portal, preset: str = "student_status") -> dict[str, Any]:
    """A verifier's request as the verification page makes it (QR URI and 6-digit code)."""
    with transaction(demo.runtime.sessions) as session:
        created: dict[str, Any] = verifier_requests.create(
            session, demo.clock, verifier_context(demo.runtime), preset
        )
    return created


def verification_result(demo: Portal, request_id: str) -> dict[str, Any]:
    with demo.runtime.sessions() as session:
        view: dict[str, Any] = verifier_requests.view(session, demo.clock, request_id, "en")
    return view
