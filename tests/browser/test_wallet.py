"""The web wallet in Chromium: activation, the live card, INVALID, renewal, offline, removal."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from pathlib import Path

import httpx
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, Playwright, expect

from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    TIMEOUT_MS,
    NewPage,
    axe_check,
)
from tests.browser.wallet import (
    activate_by_typing,
    add_student_id,
    enter_activation_code,
    fake_camera_video,
    open_wallet,
    ready_offer,
    unlock,
    verification_request,
    verification_result,
)
from tests.portal.conftest import Portal


def test_activate_by_typing_the_offer_and_show_the_live_card(page: Page, demo: Portal) -> None:
    offer = ready_offer(demo)
    open_wallet(page)
    axe_check(page)
    activate_by_typing(page, offer)

    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "valid until"
    )
    expect(page.locator("#card-given-name")).to_have_text("Maria")
    expect(page.locator("#card-album")).to_have_text("200001")
    expect(page.locator("#card-valid-until")).to_have_text("31/03/2027")
    expect(page.locator("#valid")).to_have_text("VALID")
    assert page.locator(".photo").get_attribute("src").startswith("data:image/jpeg;base64,")
    shown = page.locator("#clock").get_attribute("datetime")
    page.clock.run_for(3000)
    expect(page.locator("#clock")).not_to_have_attribute("datetime", shown)
    axe_check(page)

    # the device key is a WebCrypto key whose private part cannot be exported
    extractable = page.evaluate(
        """async () => {
            const db = await new Promise((ok) => { const r = indexedDB.open('legitka-wallet');
                                                   r.onsuccess = () => ok(r.result); });
            const key = await new Promise((ok) => {
                const r = db.transaction('items').objectStore('items').get('device-key');
                r.onsuccess = () => ok(r.result); });
            let exported = true;
            try { await crypto.subtle.exportKey('pkcs8', key.privateKey); }
            catch (e) { exported = false; }
            return {flag: key.privateKey.extractable, exported, type: key.privateKey.type};
        }"""
    )
    assert extractable == {"flag": False, "exported": False, "type": "private"}


def test_wrong_activation_code_says_how_many_tries_remain(page: Page, demo: Portal) -> None:
    offer = ready_offer(demo)
    open_wallet(page)
    add_student_id(page)
    page.locator("#offer-text").fill(offer.qr_uri)
    page.locator("#offer-form button[type=submit]").click()
    wrong = "00000000" if offer.activation_code != "00000000" else "11111111"
    enter_activation_code(page, wrong)
    expect(page.locator("#alert")).to_contain_text("4 attempts left")
    expect(page.locator("#screen-code")).to_be_visible()
    enter_activation_code(page, offer.activation_code)
    expect(page.locator("#valid")).to_have_text("VALID")


def test_text_that_is_not_an_offer_is_refused(page: Page, demo: Portal) -> None:
    open_wallet(page)
    add_student_id(page)
    page.locator("#offer-text").fill("https://example.org/not-an-offer")
    page.locator("#offer-form button[type=submit]").click()
    expect(page.locator("#alert")).to_contain_text("not a mobile student ID QR code")
    expect(page.locator("#screen-scan-offer")).to_be_visible()


def test_cancelled_id_shows_invalid(page: Page, demo: Portal) -> None:
    offer = ready_offer(demo)
    open_wallet(page)
    activate_by_typing(page, offer)
    expect(page.locator("#valid")).to_be_visible()

    offer.api.post("/mlegitymacja/cancel")
    demo.work()  # the status list is signed again
    page.locator("#screen-card [data-go=home]").click()
    page.locator("#open-card").click()
    expect(page.locator("#invalid")).to_contain_text("INVALID")
    expect(page.locator("#invalid-reason")).to_have_text(
        "The mobile ID has been revoked or cancelled."
    )
    axe_check(page)


def test_renewal_follows_without_a_new_qr_code(page: Page, demo: Portal) -> None:
    offer = ready_offer(demo)
    open_wallet(page)
    activate_by_typing(page, offer)
    expect(page.locator("#card-valid-until")).to_have_text("31/03/2027")

    later = dt.timedelta(days=120)  # the summer semester: the student extends in the portal
    demo.clock.advance(later)
    api = demo.api("uw", "maria.zajac")
    assert api.post("/mlegitymacja/extend").json()["valid_until"] == "2027-10-31"
    page.clock.fast_forward(int(later.total_seconds() * 1000))
    unlock(page)  # unused for months: the wallet locked itself
    page.locator("#open-card").click()
    page.locator("#refresh").click()
    expect(page.locator("#alert")).to_contain_text("valid until 31/10/2027")
    expect(page.locator("#card-valid-until")).to_have_text("31/10/2027")


def test_offline_the_card_still_shows(page: Page, demo: Portal) -> None:
    offer = ready_offer(demo)
    open_wallet(page)
    activate_by_typing(page, offer)
    expect(page.locator("#valid")).to_be_visible()
    page.wait_for_function("navigator.serviceWorker.controller !== null || true")
    page.evaluate("navigator.serviceWorker.ready")
    page.context.set_offline(True)
    page.reload()
    unlock(page)
    page.locator("#open-card").click()
    expect(page.locator("#card-given-name")).to_have_text("Maria")
    expect(page.locator("#connection")).to_contain_text("No connection")
    expect(page.locator("#card-updated")).to_contain_text("cannot be checked now")
    page.locator("#show-offline").click()
    expect(page.locator("#offline-time")).to_contain_text(re.compile(r"\d{2}:\d{2}:\d{2}"))
    page.context.set_offline(False)

    # what a verifier's camera reads from the screen is a valid signed presentation
    png = page.locator("#offline-qr").screenshot()
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(codes) == 1
    with httpx.Client(base_url=demo.base, timeout=10) as http:
        checked = http.post(
            "/verifier/offline", json={"qr": base64.b64encode(codes[0].bytes).decode()}
        ).json()
    assert checked["verdict"] == "valid", checked["reasons"]
    assert checked["claims"]["family_name"] and "picture" not in checked["claims"]


def test_remove_document_wipes_the_credential_and_the_key(page: Page, demo: Portal) -> None:
    offer = ready_offer(demo)
    open_wallet(page)
    activate_by_typing(page, offer)
    page.locator("#remove").click()
    page.locator("#remove-confirm").click()
    expect(page.locator("#alert")).to_contain_text("removed from the phone")
    left = page.evaluate(
        """async () => {
            const db = await new Promise((ok) => { const r = indexedDB.open('legitka-wallet');
                                                   r.onsuccess = () => ok(r.result); });
            return await new Promise((ok) => {
                const r = db.transaction('items').objectStore('items').getAllKeys();
                r.onsuccess = () => ok(r.result); });
        }"""
    )
    assert "credential" not in left and "device-key" not in left


def test_activate_through_the_camera(
    playwright: Playwright, demo: Portal, tmp_path: Path
) -> None:
    """Chromium's fake camera shows the QR code; the wallet reads it (jsQR or BarcodeDetector)."""
    offer = ready_offer(demo)
    video = fake_camera_video(offer.qr_uri, tmp_path / "qr.y4m")
    camera = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *camera], timeout=60_000
    )
    try:
        context = browser.new_context(base_url=demo.base, locale="en", viewport=PHONE)
        context.grant_permissions(["camera"])
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        open_wallet(page)
        add_student_id(page)
        page.locator("#offer-camera-start").click()
        enter_activation_code(page, offer.activation_code)
        expect(page.locator("#valid")).to_have_text("VALID")
    finally:
        browser.close()


def test_the_wallet_locks_after_inactivity_and_counts_wrong_pins(
    page: Page, demo: Portal
) -> None:
    open_wallet(page)
    expect(page.locator("#screen-home")).to_be_visible()
    page.clock.fast_forward(6 * 60 * 1000)
    expect(page.locator("#screen-lock")).to_be_visible()
    page.locator("#pin").fill("0000")
    page.locator("#unlock-form button[type=submit]").click()
    expect(page.locator("#alert")).to_have_text("Wrong PIN. Tries left before a pause: 4.")
    unlock(page)


def test_share_with_a_verifier_by_its_code_after_seeing_who_asks(
    page: Page, demo: Portal
) -> None:
    offer = ready_offer(demo)
    open_wallet(page)
    activate_by_typing(page, offer)
    request = verification_request(demo)

    page.locator("#share").click()
    page.locator("#share-code").fill(request["short_code"])
    page.locator("#share-form button[type=submit]").click()
    expect(page.locator("#screen-consent")).to_be_visible()
    expect(page.locator("#consent-who")).not_to_be_empty()
    asked = page.locator("#consent-claims li").all_inner_texts()
    assert asked[:4] == ["photo", "first name", "surname", "university"], asked
    axe_check(page)
    page.locator("#consent-share").click()
    expect(page.locator("#share-result-title")).to_have_text("Data shared")

    result = verification_result(demo, request["id"])
    assert result["state"] == "done"
    assert result["result"]["verdict"] == "valid", result["result"]["reasons"]
    claims = result["result"]["claims"]
    assert claims["given_name"] == "Maria" and "personal_administrative_number" not in claims


def test_decline_a_verifier_by_its_qr_link(page: Page, demo: Portal) -> None:
    offer = ready_offer(demo)
    open_wallet(page)
    activate_by_typing(page, offer)
    request = verification_request(demo, "discount")

    page.locator("#share").click()
    page.locator("#share-code").fill(request["qr_uri"])
    page.locator("#share-form button[type=submit]").click()
    expect(page.locator("#consent-claims li")).not_to_have_count(0)
    assert "first name" not in page.locator("#consent-claims li").all_inner_texts()
    page.locator("#consent-decline").click()
    expect(page.locator("#share-result-title")).to_have_text("Declined")
    assert verification_result(demo, request["id"])["result"]["verdict"] == "declined"


def test_an_unknown_verifier_code_is_explained(page: Page, demo: Portal) -> None:
    offer = ready_offer(demo)
    open_wallet(page)
    activate_by_typing(page, offer)
    page.locator("#share").click()
    page.locator("#share-code").fill("000000")
    page.locator("#share-form button[type=submit]").click()
    expect(page.locator("#alert")).to_contain_text("No verification is waiting with this code")


def test_the_wallet_speaks_polish_and_switches_to_english(new_page: NewPage, demo: Portal) -> None:
    page = new_page(locale="pl-PL")
    page.goto("/wallet/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ustaw PIN portfela")
    axe_check(page)
    page.locator("#lang-switch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set the wallet PIN")
    expect(page.locator("html")).to_have_attribute("lang", "en")
