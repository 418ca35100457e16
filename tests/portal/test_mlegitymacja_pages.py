"""The portal's sign-in and mLegitymacja pages over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import re

import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from legitka.registry.models import Order, WebSession
from tests.portal.conftest import Portal, demo_password, form_csrf


def text_of(html: str) -> str:
    without_svg = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", without_svg).split())


def test_pages_need_a_session(portal: Portal) -> None:
    browser = portal.browser()
    for path in ("/u/pd/student/", "/u/pd/student/mlegitymacja"):
        response = browser.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == f"/u/pd/login?next={path.replace('/', '%2F')}"


def test_sign_in_page_lists_demo_accounts_only_in_the_demo(portal: Portal) -> None:
    page = portal.browser().get("/u/pd/login?lang=en").text
    assert "Sign in to the student portal" in page
    assert "demo-anna-1" not in page  # the test runtime is not the demo deployment
    portal.runtime.settings.demo = True
    assert "demo-anna-1" in portal.browser().get("/u/pd/login").text


def test_wrong_password_and_forged_form(portal: Portal) -> None:
    browser = portal.browser()
    page = browser.get("/u/pd/login?lang=en")
    wrong = browser.post(
        "/u/pd/login",
        data={"login": "anna.nowak", "password": "nope", "csrf_token": form_csrf(page.text)},
    )
    assert wrong.status_code == 401
    assert "The login or the password is wrong" in wrong.text
    forged = portal.browser().post(
        "/u/pd/login",
        data={"login": "anna.nowak", "password": demo_password("anna.nowak"), "csrf_token": "x"},
    )
    assert forged.status_code == 403
    with portal.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 0


def test_sign_in_returns_to_the_page_asked_for_and_never_elsewhere(portal: Portal) -> None:
    for asked, lands in (
        ("/u/pd/student/mlegitymacja", "/u/pd/student/mlegitymacja"),
        ("https://evil.example/", "/u/pd/student/"),
        ("//evil.example/u/pd/", "/u/pd/student/"),
        ("/u/uw/student/", "/u/pd/student/"),
    ):
        browser = portal.browser()
        page = browser.get("/u/pd/login")
        response = browser.post(
            "/u/pd/login",
            data={"login": "anna.nowak", "password": demo_password("anna.nowak"),
                  "csrf_token": form_csrf(page.text), "next": asked},
        )  # fmt: skip
        assert response.headers["location"] == lands


def test_a_new_session_at_every_sign_in(portal: Portal) -> None:
    browser = portal.sign_in("pd", "anna.nowak")
    first = browser.cookies["legitka_session"]
    page = browser.get("/u/pd/login")
    browser.post(
        "/u/pd/login",
        data={"login": "anna.nowak", "password": demo_password("anna.nowak"),
              "csrf_token": form_csrf(page.text)},
    )  # fmt: skip
    assert browser.cookies["legitka_session"] != first


def test_order_and_activation_page(portal: Portal) -> None:
    browser = portal.sign_in("pd", "anna.nowak")
    page = browser.get("/u/pd/student/mlegitymacja?lang=en")
    assert "Order the mLegitymacja" in page.text
    ordered = browser.post(
        "/u/pd/student/mlegitymacja/order", data={"csrf_token": form_csrf(page.text)}
    )
    assert ordered.status_code == 303
    assert browser.get("/u/pd/student/mlegitymacja/status.json").json()["status"] == "pending"
    portal.work()
    assert browser.get("/u/pd/student/mlegitymacja/status.json").json()["status"] == "ready"
    ready = browser.get("/u/pd/student/mlegitymacja?lang=en")
    text = text_of(ready.text)
    code = re.search(r"Activation code (\d{4}) (\d{4})", text)
    assert code, text
    activation_code = code.group(1) + code.group(2)
    assert "<svg" in ready.text
    png = browser.get("/u/pd/student/mlegitymacja/qr.png")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))[0].text
    assert decoded.startswith("openid-credential-offer://?credential_offer_uri=")
    assert activation_code not in decoded


def test_an_ineligible_student_sees_why(portal: Portal) -> None:
    browser = portal.sign_in("pd", "piotr.kowalski")
    page = browser.get("/u/pd/student/mlegitymacja?lang=en")
    assert "Your photo is waiting for the dean" in text_of(page.text)
    assert "/mlegitymacja/order" not in page.text
    refused = browser.post(
        "/u/pd/student/mlegitymacja/order", data={"csrf_token": form_csrf(page.text)}
    )
    assert refused.status_code == 409
    assert "You cannot order an mLegitymacja yet" in text_of(refused.text)


def test_forged_csrf_changes_nothing(portal: Portal) -> None:
    browser = portal.sign_in("pd", "anna.nowak")
    for token in ("forged", ""):
        response = browser.post("/u/pd/student/mlegitymacja/order", data={"csrf_token": token})
        assert response.status_code == 403
    with portal.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 0


def test_cancel_with_confirmation(portal: Portal) -> None:
    browser = portal.sign_in("pd", "anna.nowak")
    page = browser.get("/u/pd/student/mlegitymacja")
    browser.post("/u/pd/student/mlegitymacja/order", data={"csrf_token": form_csrf(page.text)})
    confirm = browser.get("/u/pd/student/mlegitymacja/cancel?lang=en")
    assert "Yes, cancel" in confirm.text
    done = browser.post(
        "/u/pd/student/mlegitymacja/cancel", data={"csrf_token": form_csrf(confirm.text)}
    )
    assert done.headers["location"].endswith("?done=cancelled")
    after = text_of(browser.get(done.headers["location"] + "&lang=en").text)
    assert "never later than 24 hours" in after
    nothing = browser.post(
        "/u/pd/student/mlegitymacja/cancel", data={"csrf_token": form_csrf(confirm.text)}
    )
    assert nothing.status_code == 409
    assert "no mLegitymacja and no order to cancel" in text_of(nothing.text)


def test_another_students_qr_code_is_out_of_reach(portal: Portal) -> None:
    anna = portal.sign_in("pd", "anna.nowak")
    page = anna.get("/u/pd/student/mlegitymacja")
    anna.post("/u/pd/student/mlegitymacja/order", data={"csrf_token": form_csrf(page.text)})
    portal.work()
    assert anna.get("/u/pd/student/mlegitymacja/qr.png").status_code == 200
    bartosz = portal.sign_in("pd", "bartosz.kaczmarek")
    assert bartosz.get("/u/pd/student/mlegitymacja/qr.png").status_code == 404
    assert bartosz.get("/u/pd/student/mlegitymacja/status.json").json()["order"] is None
    # Anna's session is no key to another university's portal.
    assert anna.get("/u/uw/student/").status_code == 303


def test_sessions_end_after_idling_and_on_sign_out(portal: Portal) -> None:
    browser = portal.sign_in("pd", "anna.nowak")
    portal.clock.advance(dt.timedelta(hours=2, minutes=1))
    assert browser.get("/u/pd/student/").status_code == 303
    browser = portal.sign_in("pd", "anna.nowak")
    page = browser.get("/u/pd/student/")
    out = browser.post("/u/pd/logout", data={"csrf_token": form_csrf(page.text)})
    assert out.status_code == 303
    browser.cookies.set("legitka_session", out.request.headers["cookie"].split("=", 1)[1])
    assert browser.get("/u/pd/student/").status_code == 303
