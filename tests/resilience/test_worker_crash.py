"""A ``legitka worker`` killed with SIGKILL in the middle of a batch of orders.

The orders it held stay *processing* with nothing half-made; once its lease runs out the other
workers take them up, and every order ends with exactly one complete offer.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from legitka.domain.orders import OrderStatus
from legitka.registry.models import AuditEvent, Offer, OfferStatus, Order
from tests.resilience.conftest import LEASE_SECONDS, Deployment, wait_until

pytestmark = pytest.mark.postgresql

ORDERS = 200


def test_a_worker_killed_mid_batch_loses_no_order_and_makes_no_offer_twice(
    deploy: Callable[..., Deployment],
) -> None:
    site = deploy(students=260)
    placed = site.place_orders(ORDERS)
    done = (OrderStatus.READY, OrderStatus.ERROR)

    # Kill the worker while it holds a batch it has not committed (some done, some not).
    stranded: list[int] = []
    for _ in range(3):
        victim = site.start("worker")

        def mid_batch(name: str = victim.name) -> bool:
            assert site.processes[-1].alive(), f"{name} ended:\n{site.processes[-1].output()}"
            finished = site.count(Order.status.in_(done))
            held = site.count(Order.status == OrderStatus.PROCESSING)
            return 0 < finished < ORDERS - 40 and held > 0

        wait_until(mid_batch, timeout=60, what="the worker to be in the middle of the orders")
        victim.kill()
        killed_at = time.monotonic()
        with site.runtime.sessions() as session:
            stranded = list(
                session.scalars(select(Order.id).where(Order.status == OrderStatus.PROCESSING))
            )
        if stranded:
            break  # otherwise the batch committed just before the kill: try again
    assert stranded, "the worker was never killed while holding orders"
    finished_at_kill = site.count(Order.status.in_(done))
    assert 0 < finished_at_kill < ORDERS

    # Two workers take over; the stranded orders wait for the dead worker's lease to run out.
    site.start("worker")
    site.start("worker")
    wait_until(
        lambda: site.count(Order.status.in_(done)) == ORDERS,
        timeout=90,
        what="every order to be processed",
        interval=0.2,
    )
    took_over = time.monotonic() - killed_at
    assert took_over >= LEASE_SECONDS - 1  # the stranded ones waited for the lease to lapse

    with site.runtime.sessions() as session:
        all_orders = session.scalars(select(Order).where(Order.id.in_(placed))).all()
        assert len(all_orders) == ORDERS  # no order lost
        statuses = Counter(o.status for o in all_orders)
        assert statuses == {OrderStatus.READY: ORDERS}, statuses
        offers = session.scalars(select(Offer).where(Offer.order_id.in_(placed))).all()
        by_order = Counter(offer.order_id for offer in offers)
        assert set(by_order) == set(placed) and set(by_order.values()) == {1}
        for order in all_orders:  # a complete offer: the order's data and the offer's codes
            offer = order.offer
            assert offer is not None and offer.status is OfferStatus.OPEN
            assert offer.ref_hash and offer.code_hash and offer.tx_code_mac and offer.salt
            assert offer.expires_at > offer.created_at
            assert order.claims and order.data_fingerprint and order.valid_until
            assert order.ready_at is not None
        assert len({o.ref_hash for o in offers}) == len({o.code_hash for o in offers}) == ORDERS
        # the stranded orders were claimed twice, by the dead worker and by another one
        for order in all_orders:
            assert order.attempts == (2 if order.id in stranded else 1), order.id
        # each order was made ready exactly once (one audit event, one notification)
        ready_events = session.execute(
            select(AuditEvent.subject_id, func.count())
            .where(AuditEvent.action == "order.ready", AuditEvent.subject_type == "order")
            .group_by(AuditEvent.subject_id)
        ).all()
        assert dict(ready_events) == dict.fromkeys(placed, 1)
