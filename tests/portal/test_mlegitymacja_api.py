"""The mobile API's sign-in and mLegitymacja endpoints, over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import httpx
import pytest
from sqlalchemy import func, select

from legitka.registry.models import Order
from legitka.wallet.holder import Holder
from tests.portal.conftest import Portal


def problem(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code, body
    return body


def test_sign_in_errors(portal: Portal) -> None:
    api = httpx.Client(base_url=f"{portal.base}/u/pd/api/v1", timeout=10)
    problem(api.post("/session", json={"login": "anna.nowak", "password": "x"}), 401,
            "sign_in_failed")  # fmt: skip
    problem(api.post("/session", json={"login": "anna.nowak"}), 422, "invalid_request")
    problem(api.get("/mlegitymacja"), 401, "invalid_token")
    problem(api.get("/mlegitymacja", headers={"Authorization": "Bearer forged"}), 401,
            "invalid_token")  # fmt: skip
    for _ in range(4):
        api.post("/session", json={"login": "anna.nowak", "password": "wrong"})
    # Five failures for one login within 15 minutes: even the right password waits.
    problem(api.post("/session", json={"login": "anna.nowak", "password": "demo-anna-1"}), 429,
            "too_many_attempts")  # fmt: skip
    portal.clock.advance(dt.timedelta(minutes=16))
    signed_in = api.post("/session", json={"login": "anna.nowak", "password": "demo-anna-1"})
    assert signed_in.status_code == 201


def test_a_token_works_only_at_its_university(portal: Portal) -> None:
    api = portal.api("pd", "anna.nowak")
    other = httpx.Client(
        base_url=f"{portal.base}/u/uw/api/v1", headers=dict(api.headers), timeout=10
    )
    problem(other.get("/mlegitymacja"), 401, "invalid_token")


def test_order_until_ready_then_activate_extend_and_cancel(portal: Portal) -> None:
    api = portal.api("uw", "maria.zajac")
    before = api.get("/mlegitymacja").json()
    assert before["eligibility"]["eligible"] is True and before["order"] is None
    placed = api.post("/mlegitymacja/order")
    assert placed.status_code == 201
    assert placed.json()["status"] == "pending"
    portal.work()
    ready = api.get("/mlegitymacja").json()["order"]
    assert ready["status"] == "ready"
    offer = ready["offer"]
    assert set(offer) >= {"credential_offer_uri", "qr_uri", "activation_code", "expires_at"}
    problem(api.post("/mlegitymacja/extend"), 409, "nothing_to_extend")

    holder = Holder(httpx.Client(timeout=10), now=portal.clock.now)
    holder.activate(offer["qr_uri"], offer["activation_code"])
    now = api.get("/mlegitymacja").json()
    assert now["order"] is None and now["mobile_id"]["status"] == "active"
    assert now["mobile_id"]["valid_until"] == "2027-03-31"
    problem(api.post("/mlegitymacja/extend"), 409, "already_extended")

    portal.clock.advance(dt.timedelta(days=120))  # the summer semester
    problem(api.get("/mlegitymacja"), 401, "invalid_token")  # the token lasts 30 days
    api = portal.api("uw", "maria.zajac")
    extended = api.post("/mlegitymacja/extend")
    assert extended.status_code == 200 and extended.json()["valid_until"] == "2027-10-31"

    cancelled = api.post("/mlegitymacja/cancel").json()
    assert cancelled["mobile_id"] is None
    assert cancelled["history"][0]["status"] == "cancelled"
    problem(api.post("/mlegitymacja/cancel"), 409, "nothing_to_cancel")


def test_an_ineligible_student_is_told_why(portal: Portal) -> None:
    api = portal.api("uw", "weronika.michalska")
    overview = api.get("/mlegitymacja").json()
    unmet = [c["code"] for c in overview["eligibility"]["checks"] if not c["ok"]]
    assert unmet == ["no_approved_photo"]
    body = problem(api.post("/mlegitymacja/order"), 409, "not_eligible")
    assert "no_approved_photo" in body["detail"]


def test_polish_messages(portal: Portal) -> None:
    api = portal.api("uw", "weronika.michalska")
    api.headers["Accept-Language"] = "pl"
    checks = api.get("/mlegitymacja").json()["eligibility"]["checks"]
    assert any("zdjęci" in c["message"] for c in checks)


def test_idempotency_key(portal: Portal) -> None:
    api = portal.api("pd", "anna.nowak")
    first = api.post("/mlegitymacja/order", headers={"Idempotency-Key": "k-1"})
    again = api.post("/mlegitymacja/order", headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    plain = api.post("/mlegitymacja/order")
    assert plain.status_code == 200 and plain.json()["id"] == first.json()["id"]
    problem(api.post("/mlegitymacja/order", headers={"Idempotency-Key": ""}), 422,
            "invalid_idempotency_key")  # fmt: skip


@pytest.mark.parametrize("same_key", [True, False])
def test_two_concurrent_orders_make_one(portal: Portal, same_key: bool) -> None:
    api = portal.api("pd", "anna.nowak")
    token = api.headers["Authorization"]
    answers: list[httpx.Response] = []
    start = threading.Barrier(2)

    def order(key: str) -> None:
        with httpx.Client(base_url=str(api.base_url), timeout=30) as client:
            start.wait()
            headers = {"Authorization": token, "Idempotency-Key": key}
            answers.append(client.post("/mlegitymacja/order", headers=headers))

    threads = [
        threading.Thread(target=order, args=("same" if same_key else f"key-{n}",))
        for n in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == ([201, 201] if same_key else [200, 201])
    ids = {a.json()["id"] for a in answers}
    assert len(ids) == 1
    with portal.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1


def test_waiting_for_the_order_answers_when_it_changes(portal: Portal) -> None:
    api = portal.api("pd", "anna.nowak")
    placed = api.post("/mlegitymacja/order").json()
    assert placed["status"] == "pending"
    # Nothing changes: the answer comes when the time is up, with the same status.
    same = api.get("/mlegitymacja/order", params={"wait": 1, "status": "pending"})
    assert same.status_code == 200 and same.json()["status"] == "pending"
    # A status the app does not know yet is answered at once.
    now = api.get("/mlegitymacja/order", params={"wait": 30, "status": "ready"})
    assert now.json()["status"] == "pending"
    portal.work()
    ready = api.get("/mlegitymacja/order", params={"wait": 30, "status": "pending"}).json()
    assert ready["status"] == "ready" and ready["offer"]["activation_code"]
    problem(
        portal.api("uw", "maria.zajac").get("/mlegitymacja/order"), 404, "no_order"
    )
