"""The web wallet refuses what it must not trust, says why, and keeps what it had."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from legitka.clock import FixedClock
from legitka.credentials.jose import b64url_decode, b64url_encode
from tests.browser.wallet import (
    activate_by_typing,
    add_student_id,
    enter_activation_code,
    open_wallet,
    ready_offer,
    verification_request,
)
from tests.live import issuer_runtime, serving
from tests.portal.conftest import Portal


@pytest.fixture
def other_deployment(demo_template: Path, clock: FixedClock, tmp_path: Path) -> Iterator[Portal]:
    """Another legitka deployment with its own root CA: not in the wallet's trust list."""
    path = tmp_path / "other.sqlite3"
    shutil.copyfile(demo_template, path)
    runtime = issuer_runtime(f"sqlite:///{path}", clock, tmp_path / "other-data")
    with serving(runtime) as base:
        yield Portal(runtime, base, clock)
    runtime.close()


def go_home(page: Page) -> None:
    page.locator("main > .screen:not([hidden]) [data-go=home]").click()


def card_is_kept(page: Page) -> None:
    go_home(page)
    page.locator("#open-card").click()
    expect(page.locator("#card-given-name")).to_have_text("Maria")


def test_an_offer_of_an_untrusted_issuer_is_refused_and_the_id_kept(
    page: Page, demo: Portal, other_deployment: Portal
) -> None:
    open_wallet(page)
    activate_by_typing(page, ready_offer(demo))
    foreign = ready_offer(other_deployment, "pd", "anna.nowak")

    go_home(page)
    add_student_id(page)
    page.locator("#offer-text").fill(foreign.qr_uri)
    page.locator("#offer-form button[type=submit]").click()
    enter_activation_code(page, foreign.activation_code)
    expect(page.locator("#alert")).to_contain_text("not on the list of trusted universities")
    card_is_kept(page)


def test_a_verifier_not_in_the_trust_list_gets_nothing(
    page: Page, demo: Portal, other_deployment: Portal
) -> None:
    open_wallet(page)
    activate_by_typing(page, ready_offer(demo))
    request = verification_request(other_deployment)
    page.locator("#share").click()
    page.locator("#share-code").fill(request["qr_uri"])
    page.locator("#share-form button[type=submit]").click()
    expect(page.locator("#alert")).to_contain_text("The verifier is not trusted")
    expect(page.locator("#screen-share-scan")).to_be_visible()


def test_a_malformed_verifier_request_is_refused(page: Page, demo: Portal) -> None:
    open_wallet(page)
    activate_by_typing(page, ready_offer(demo))
    page.locator("#share").click()
    page.locator("#share-code").fill("openid4vp://?client_id=x509_hash%3Aabc")
    page.locator("#share-form button[type=submit]").click()
    expect(page.locator("#alert")).to_contain_text("not a valid verifier request")


def test_a_tampered_credential_is_refused_and_nothing_is_stored(page: Page, demo: Portal) -> None:
    def tamper(route: Route) -> None:
        response = route.fetch()
        body = response.json()
        credential = body["credentials"][0]["credential"]
        jwt, first, *rest = credential.split("~")
        salt, name, _ = json.loads(b64url_decode(first))
        forged = b64url_encode(json.dumps([salt, name, "Mallory"]).encode())
        body["credentials"][0]["credential"] = "~".join([jwt, forged, *rest])
        route.fulfill(response=response, json=body)

    offer = ready_offer(demo)
    open_wallet(page)
    page.route("**/u/uw/credential", tamper)
    add_student_id(page)
    page.locator("#offer-text").fill(offer.qr_uri)
    page.locator("#offer-form button[type=submit]").click()
    enter_activation_code(page, offer.activation_code)
    expect(page.locator("#alert")).to_contain_text("damaged or does not belong to this phone")
    go_home(page)
    expect(page.locator("#open-card")).to_have_count(0)
