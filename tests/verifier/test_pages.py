"""The public verifier page ``/verify`` over HTTP, without JavaScript, on SQLite and PostgreSQL.

An inspector opens the page, chooses a preset, shows the QR code (read back from the page's SVG
by zxing-cpp) or the 6-digit code; the Python holder answers; *Check now* shows the verdict.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import httpx
import pytest

from legitka.issuer import mobile_ids, orders
from legitka.registry.db import transaction
from legitka.verifier import presets
from legitka.verifier.reasons import REASONS, VERDICTS, Verdict
from legitka.wallet import presentation
from legitka.web.i18n import local_date
from legitka.worker import drain
from tests.portal.test_mlegitymacja_pages import text_of
from tests.portal.test_payments import SVG, read_qr
from tests.verifier.conftest import Scene

PAGE = re.compile(r"^/verify/[A-Za-z0-9_-]{43}(\?lang=(pl|en))?$")


def browser(scene: Scene, lang: str = "en") -> httpx.Client:
    """A browser whose language is ``lang`` (the page's language switch remembers it)."""
    client = httpx.Client(base_url=scene.issuer.base, follow_redirects=False, timeout=10)
    client.cookies.set("lang", lang)
    return client


def press(client: httpx.Client, preset: str, lang: str = "en") -> httpx.Response:
    """Open the start page and press the preset's button (the form carries the page's token)."""
    page = client.get(f"/verify?lang={lang}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    return client.post(f"/verify?lang={lang}", data={"preset": preset, "csrf_token": token[1]})


def start(client: httpx.Client, preset: str = "student_status", lang: str = "en") -> str:
    """Press the preset's button on the start page; the path of the request's page."""
    answer = press(client, preset, lang)
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert PAGE.match(location) and location.endswith(f"?lang={lang}"), location
    assert answer.headers["referrer-policy"] == "no-referrer"
    return location.split("?")[0]


def private(answer: httpx.Response) -> None:
    """The page keeps nothing: no cache, no referrer, no cookie but the language and the start
    page's form token."""
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    for cookie in answer.headers.get_list("set-cookie"):
        assert cookie.startswith(("lang=", "legitka_verify_csrf=")), cookie


def test_start_page_offers_the_presets_and_the_offline_check(scene: Scene) -> None:
    answer = browser(scene).get("/verify?lang=en")
    assert answer.status_code == 200
    private(answer)
    page = answer.text
    buttons = re.findall(
        r'<button type="submit"[^>]*name="preset" value="(\w+)"[^>]*>([^<]+)<', page
    )
    assert buttons == [(name, label) for name, label in presets.PRESET_LABELS.items()]
    assert "what mWeryfikator shows" in page
    assert "Scan an offline QR code" in page
    assert 'type="file"' in page and 'accept="image/*"' in page
    assert 'src="/static/verifier/offline.js"' in page


def test_request_page_shows_the_qr_code_and_the_code_then_the_verdict(scene: Scene) -> None:
    client = browser(scene)
    path = start(client)
    answer = client.get(path)
    assert answer.status_code == 200
    private(answer)
    page = answer.text
    qr_uri = read_qr(SVG.search(page)[0])  # type: ignore[index]
    assert qr_uri.startswith("openid4vp://?client_id=x509_hash%3A")
    shown = re.search(r'class="code short-code"><span aria-hidden="true">(\d{3}) (\d{3})</span>'
                      r'<span class="visually-hidden">([\d ]+)</span>', page)  # fmt: skip
    assert shown, page
    code = shown[1] + shown[2]
    assert shown[3] == " ".join(code)  # read digit by digit
    assert f'href="{path}" data-check-now' in page
    assert "Waiting for the student" in page
    assert 'role="status"' in page and 'aria-live="polite"' in page
    # The page's script follows its own status without the integrators' API key.
    request_id = path.rsplit("/", 1)[1]
    assert f'data-status-url="{path}/status"' in page
    assert client.get(f"/verifier/api/v1/requests/{request_id}").status_code == 401
    pending = client.get(f"{path}/status", params={"wait": 0})
    assert pending.status_code == 200 and pending.json()["state"] == "pending"
    private(pending)

    # The student types the code (the same request as the QR code) and shares.
    client_id, uri = presentation.resolve(code, scene.issuer.http, scene.issuer.base)
    assert presentation.resolve(qr_uri, scene.issuer.http, scene.issuer.base) == (client_id, uri)
    request = presentation.fetch_request(scene.holder, client_id, uri)
    presentation.share(scene.holder, scene.stored, request)

    done = client.get(f"{path}/status", params={"wait": 5}).json()
    assert done["state"] == "done" and done["result"]["verdict"] == "valid"
    assert done["result"]["claims"]["family_name"] == scene.stored.claims["family_name"]

    # Check now: the same page, reloaded.
    answer = client.get(path)
    private(answer)
    page = answer.text
    text = text_of(page)
    assert "<svg" not in page and "data-check-now" not in page
    assert 'class="verdict verdict-valid"' in page
    assert "✓ Valid" in text
    claims = scene.stored.claims
    assert f"Name {claims['given_name']} {claims['family_name']}" in text
    assert f"University {claims['university']['name']['en']}" in text
    assert "Valid until " + local_date(dt.date(2027, 3, 31), "en") in text
    assert "PESEL" not in text and "Album number" not in text  # not asked for
    assert "Verified at Nov 22, 2026, 11:00:00" in text
    assert "These data disappear from this page at Nov 22, 2026, 11:05:00" in text
    picture = html.unescape(re.search(r'<img class="verdict-photo" src="([^"]+)"', page)[1])  # type: ignore[index]
    assert picture == claims["picture"]
    assert f'<a class="photo-link" href="{path}/photo">' in page
    photo = client.get(f"{path}/photo")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert photo.content.startswith(b"\xff\xd8") and photo.headers["cache-control"] == "no-store"

    # After the retention time only the verdict remains.
    scene.issuer.clock.advance(dt.timedelta(seconds=301))
    text = text_of(client.get(path).text)
    assert "✓ Valid" in text and claims["family_name"] not in text
    assert "The data shown have been deleted from this page" in text
    assert client.get(f"{path}/photo").status_code == 404


def test_revoked_id_is_invalid_with_the_reason(scene: Scene) -> None:
    with transaction(scene.issuer.runtime.sessions) as session:
        mobile_ids.cancel(session, scene.issuer.clock, orders.get(session, scene.order_id),
                          actor="test")  # fmt: skip
    drain(scene.issuer.runtime)
    client = browser(scene)
    path = start(client)
    qr_uri = read_qr(SVG.search(client.get(path).text)[0])  # type: ignore[index]
    client_id, uri = presentation.resolve(qr_uri, scene.issuer.http, scene.issuer.base)
    presentation.share(
        scene.holder, scene.stored, presentation.fetch_request(scene.holder, client_id, uri)
    )
    page = client.get(path).text
    assert 'class="verdict verdict-invalid"' in page
    assert f'<li data-code="revoked">{REASONS["revoked"]}</li>' in page
    assert "✗ Invalid" in text_of(page)


def test_declined_and_expired(scene: Scene) -> None:
    client = browser(scene)
    declined = start(client)
    code = re.search(r'<span class="visually-hidden">([\d ]+)</span>', client.get(declined).text)
    client_id, uri = presentation.resolve(code[1].replace(" ", ""), scene.issuer.http,  # type: ignore[index]
                                          scene.issuer.base)  # fmt: skip
    presentation.decline(scene.holder, presentation.fetch_request(scene.holder, client_id, uri))
    page = client.get(declined).text
    assert 'class="verdict verdict-declined"' in page
    assert REASONS["declined"] in page and "photo-link" not in page

    expiring = start(client, "discount")
    assert "<svg" in client.get(expiring).text
    scene.issuer.clock.advance(dt.timedelta(minutes=5, seconds=1))
    page = client.get(expiring).text
    assert "<svg" not in page and 'class="verdict verdict-expired"' in page
    assert VERDICTS[Verdict.EXPIRED] in page and REASONS["request_expired"] in page


def test_polish(scene: Scene) -> None:
    client = browser(scene, "pl")
    page = client.get("/verify").text
    assert '<html lang="pl">' in page
    assert "Zweryfikuj legitymację" in page and "Status studenta" in page
    path = start(client, "discount", lang="pl")
    answer = client.get(path)
    assert answer.headers["content-language"] == "pl"
    text = text_of(answer.text)
    assert "Zniżka studencka (poniżej 26 lat)" in text
    assert "Sprawdź teraz" in text


@pytest.mark.parametrize("preset", ["", "everything"])
def test_unknown_preset_and_request(scene: Scene, preset: str) -> None:
    client = browser(scene)
    answer = press(client, preset)
    assert answer.status_code == 422
    assert "Unknown preset" in answer.text and "Scan an offline QR code" in answer.text
    missing = client.get("/verify/" + "x" * 43)
    assert missing.status_code == 404 and "unknown_request" in missing.text


def test_requests_from_one_client_are_limited(scene: Scene) -> None:
    scene.issuer.runtime.settings.verifier_public_requests_per_minute = 2
    client = browser(scene)
    start(client)
    start(client, "discount")
    refused = press(client, "full")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert "Too many verifications from this device" in refused.text
    assert "Scan an offline QR code" in refused.text  # the start page again, with the message
    scene.issuer.clock.advance(dt.timedelta(seconds=61))
    start(client, "full")
