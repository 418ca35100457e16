"""The app process killed with SIGKILL while many wallets are redeeming their offers.

Wallets retry through the outage as a phone does (a broken connection or a 503 is tried again).
Each offer ends activated once, or used by a token answer that never arrived, after which the
student cancels the order and activates a new one. No offer gives two first credentials, no two
credentials share a status list index.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from legitka.domain.orders import OrderStatus
from legitka.issuer import orders
from legitka.issuer.urls import PRE_AUTHORIZED_GRANT
from legitka.registry.models import IssuedCredential, MobileId, OfferStatus, Order, StatusList
from legitka.wallet.holder import Holder
from tests.resilience.conftest import Deployment, wait_until

pytestmark = pytest.mark.postgresql

HOLDERS = 40
THREADS = 16
ISSUED_BEFORE_KILL = 8
RETRY_FOR = 90.0  # seconds a wallet keeps retrying through the outage


@dataclass
class Wallet:
    """One phone redeeming one offer over plain HTTP, retrying what the outage broke."""

    order_id: int
    offer_uri: str
    activation_code: str
    holder: Holder = field(default_factory=lambda: Holder(httpx.Client(timeout=15)))
    broken: Counter[str] = field(default_factory=Counter)  # step -> broken connections
    unavailable: int = 0  # 503 answers
    credential: str | None = None
    claims: dict[str, Any] | None = None
    outcome: str = "not started"

    def call(self, step: str, send: Callable[[], httpx.Response]) -> httpx.Response:
        deadline = time.monotonic() + RETRY_FOR
        while True:
            try:
                response = send()
            except httpx.TransportError:
                self.broken[step] += 1
            else:
                if response.status_code != 503:
                    return response
                body = response.json()  # a problem, or OAuth's shape at the issuer's endpoints
                assert body.get("code", body.get("error")) in (
                    "database_unavailable",
                    "temporarily_unavailable",
                ), response.text
                self.unavailable += 1
            assert time.monotonic() < deadline, f"{step} never answered"
            time.sleep(0.1)

    def run(self, base: str) -> None:
        http = self.holder.http
        issuer = f"{base}/u/pd"
        document = self.call("offer", lambda: http.get(self.offer_uri))
        assert document.status_code == 200, document.text
        code = document.json()["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
        form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code,
                "tx_code": self.activation_code}  # fmt: skip
        tokens = self.call("token", lambda: http.post(f"{issuer}/token", data=form))
        if tokens.status_code != 200:
            # only a token answer lost with the killed process leaves the offer used
            assert self.broken["token"], tokens.text
            assert tokens.json()["error"] == "invalid_grant", tokens.text
            self.outcome = "token answer lost"
            return
        bearer = {"Authorization": f"Bearer {tokens.json()['access_token']}"}

        def credential_request() -> httpx.Response:
            nonce = http.post(f"{issuer}/nonce")
            if nonce.status_code != 200:
                return nonce
            proof = self.holder.proof(issuer, nonce.json()["c_nonce"])
            body = {"credential_configuration_id": "student-id", "proofs": {"jwt": [proof]}}
            return http.post(f"{issuer}/credential", json=body, headers=bearer)

        answer = self.call("credential", credential_request)
        assert answer.status_code == 200, answer.text
        self.credential = answer.json()["credentials"][0]["credential"]
        self.claims = self.holder.check(self.credential, issuer)
        notified = self.call(
            "notification",
            lambda: http.post(
                f"{issuer}/notification", headers=bearer,
                json={"notification_id": answer.json()["notification_id"],
                      "event": "credential_accepted"},
            ),
        )  # fmt: skip
        assert notified.status_code == 204, notified.text
        self.outcome = "activated"


def offer_of(site: Deployment, order_id: int) -> tuple[str, str]:
    rt = site.runtime
    with rt.sessions() as session:
        view = orders.view(session, rt.issuer_config, session.get_one(Order, order_id), "en")
    assert view["offer"] is not None, view
    return view["offer"]["credential_offer_uri"], view["offer"]["activation_code"]


def test_the_app_killed_mid_issuance_issues_nothing_twice(
    deploy: Callable[..., Deployment],
) -> None:
    site = deploy(students=70)
    placed = site.place_orders(HOLDERS + 1)
    site.start("serve", LEGITKA_WORKER="false")
    site.start("worker")
    wait_until(
        lambda: site.count(Order.status == OrderStatus.READY) == len(placed),
        timeout=60, what="every offer to be ready", interval=0.2,
    )  # fmt: skip

    # One token answer lost for sure: the request reaches the app, its answer goes nowhere.
    lost_id, *wallet_ids = placed
    uri, code = offer_of(site, lost_id)
    pre_authorized = httpx.get(uri).json()["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    httpx.post(f"{site.base}/u/pd/token", data={
        "grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": pre_authorized,
        "tx_code": code,
    })  # fmt: skip

    wallets = [Wallet(i, *offer_of(site, i)) for i in wallet_ids]
    killed = threading.Event()

    def kill_and_restart() -> None:
        wait_until(
            lambda: site.scalar(select(IssuedCredential.id).offset(ISSUED_BEFORE_KILL - 1)),
            timeout=60, what="the first credentials", interval=0.01,
        )  # fmt: skip
        app = next(p for p in site.processes if p.name.startswith("serve"))
        app.kill()
        killed.set()
        site.start("serve", LEGITKA_WORKER="false")  # same port, waits until it answers

    with ThreadPoolExecutor(THREADS + 1) as pool:
        killer = pool.submit(kill_and_restart)
        results = [pool.submit(wallet.run, site.base) for wallet in wallets]
        killer.result()
        for result in results:
            result.result()
    assert killed.is_set()
    outcomes = Counter(w.outcome for w in wallets)
    assert set(outcomes) <= {"activated", "token answer lost"}, outcomes
    assert outcomes["activated"] >= ISSUED_BEFORE_KILL
    assert sum(sum(w.broken.values()) for w in wallets) > 0  # the kill did break requests

    with site.runtime.sessions() as session:
        credentials = session.scalars(select(IssuedCredential)).all()
        mobile_ids = {m.order_id: m for m in session.scalars(select(MobileId))}
        sizes = {s.id: s.size for s in session.scalars(select(StatusList))}
        # never two credentials on one status list index, every index inside its list
        slots = Counter((c.status_list_id, c.status_index) for c in credentials)
        assert max(slots.values()) == 1
        assert all(0 <= c.status_index < sizes[c.status_list_id] for c in credentials)
        firsts = Counter(c.mobile_id_id for c in credentials if not c.renewal)
        assert set(firsts.values()) == {1} and len(firsts) == len(mobile_ids)
        by_mobile_id: dict[int, list[IssuedCredential]] = {}
        for credential in credentials:
            by_mobile_id.setdefault(credential.mobile_id_id, []).append(credential)
        for wallet in wallets:
            order = session.get_one(Order, wallet.order_id)
            offer = order.offer
            assert offer is not None and offer.status is OfferStatus.USED
            if wallet.outcome == "activated":
                assert order.status is OrderStatus.PICKED_UP
                mobile_id = mobile_ids[order.id]
                issued = by_mobile_id[mobile_id.id]
                # a second credential only when the first answer was lost: a renewal
                # (OpenID4VCI: the same access token fetches the credential again), own index
                assert len(issued) <= 1 + wallet.broken["credential"], wallet
                assert wallet.claims is not None
                held = wallet.claims["status"]["status_list"]["idx"]
                assert held in {c.status_index for c in issued}
                assert mobile_id.accepted_at is not None
            else:
                assert order.status is OrderStatus.READY and order.id not in mobile_ids

    # A student whose token answer was lost cancels the order and activates a new one.
    for wallet_order in [lost_id] + [w.order_id for w in wallets if w.outcome != "activated"]:
        reactivate(site, wallet_order)


def reactivate(site: Deployment, order_id: int) -> None:
    login, password = site.login_of(order_id)
    api = httpx.Client(base_url=f"{site.base}/u/pd/api/v1", timeout=15)
    signed_in = api.post("/session", json={"login": login, "password": password})
    assert signed_in.status_code == 201, signed_in.text
    api.headers["Authorization"] = f"Bearer {signed_in.json()['access_token']}"
    stuck = api.get("/mlegitymacja/order").json()
    assert stuck["id"] == order_id and stuck["status"] == "ready" and stuck["offer"] is None
    assert api.post("/mlegitymacja/cancel").status_code == 200
    again = api.post("/mlegitymacja/order")
    assert again.status_code == 201, again.text

    def offered() -> dict[str, Any]:
        offer: dict[str, Any] = api.get("/mlegitymacja/order").json()["offer"] or {}
        return offer

    offer = wait_until(offered, timeout=30, what="the new order's offer", interval=0.2)
    wallet = Wallet(again.json()["id"], offer["credential_offer_uri"], offer["activation_code"])
    wallet.run(site.base)
    assert wallet.outcome == "activated"
