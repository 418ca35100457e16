"""The worker's part of an order: claim it, re-check the conditions, prepare the data, offer.

Claiming and processing are two transactions. The claim marks the order *processing* with a
lease in the worker's name; processing commits the prepared data, the offer and the *ready*
status together, only while the lease is still the worker's. A worker that dies mid-job leaves
nothing half-made: its lease lapses and another worker takes the order up again. On PostgreSQL
workers skip rows another worker is claiming (``FOR UPDATE SKIP LOCKED``).
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from legitka.clock import Clock, local_today
from legitka.domain.eligibility import evaluate
from legitka.domain.orders import OrderReason, OrderStatus
from legitka.issuer import claims, offers, orders
from legitka.issuer.config import IssuerConfig
from legitka.registry import audit, signals
from legitka.registry.db import transaction
from legitka.registry.models import Offer, OfferStatus, Order, Study
from legitka.registry.services import snapshots

logger = logging.getLogger("legitka.worker")

LEASE_SECONDS = 60
MAX_ATTEMPTS = 5


def _claimable(now: dt.datetime) -> object:
    return or_(
        Order.status == OrderStatus.PENDING,
        and_(Order.status == OrderStatus.PROCESSING, Order.lease_until < now),
    )


def claim(
    sessions: sessionmaker[Session],
    clock: Clock,
    worker: str,
    *,
    limit: int = 20,
    lease_seconds: int = LEASE_SECONDS,
) -> list[int]:
    """Take up to ``limit`` waiting orders (or orders whose worker's lease lapsed), in one
    statement, for ``lease_seconds``; on PostgreSQL rows another worker is claiming are
    skipped."""
    with transaction(sessions) as session:
        now = clock.now()
        query = (
            select(Order.id, Order.status, Order.university_id)
            .where(_claimable(now))  # type: ignore[arg-type]
            .order_by(Order.id)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        found = {row.id: row for row in session.execute(query)}
        if not found:
            return []
        claimed = list(
            session.scalars(
                update(Order)
                .where(Order.id.in_(sorted(found)), _claimable(now))  # type: ignore[arg-type]
                .values(
                    status=OrderStatus.PROCESSING,
                    claimed_by=worker,
                    lease_until=now + dt.timedelta(seconds=lease_seconds),
                    attempts=Order.attempts + 1,
                    updated_at=now,
                )
                .returning(Order.id)
            )
        )
        for order_id in sorted(claimed):
            row = found[order_id]
            audit.record(
                session, clock, actor=worker, action="order.processing", subject_type="order",
                subject_id=order_id, university_id=row.university_id, previous=row.status.value,
            )  # fmt: skip
    return sorted(claimed)


def process(
    sessions: sessionmaker[Session], clock: Clock, config: IssuerConfig, worker: str, order_id: int
) -> OrderStatus | None:
    """Process one claimed order; returns its new status, or ``None`` when the lease was lost."""
    return process_batch(sessions, clock, config, worker, [order_id]).get(order_id)


def process_batch(
    sessions: sessionmaker[Session],
    clock: Clock,
    config: IssuerConfig,
    worker: str,
    order_ids: list[int],
) -> dict[int, OrderStatus]:
    """Process claimed orders in one transaction, each in its own savepoint.

    An order that fails unexpectedly is rolled back alone and stays claimed until its lease
    lapses (then it is tried again, at most ``MAX_ATTEMPTS`` times); the others commit
    together. Returns the new status of each order still held by this worker.
    """
    done: dict[int, OrderStatus] = {}
    with transaction(sessions) as session:
        query = select(Order).where(Order.id.in_(order_ids)).order_by(Order.id)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        held = [
            order
            for order in session.scalars(query).all()
            if order.status is OrderStatus.PROCESSING and order.claimed_by == worker
        ]
        studies = list(
            session.scalars(select(Study).where(Study.id.in_([o.study_id for o in held])))
        )
        snaps = snapshots.snapshots(session, studies, with_pictures=True)
        today = local_today(clock)
        for order in held:
            try:
                with session.begin_nested():
                    _process(session, clock, config, worker, order, snaps[order.study_id], today)
            except Exception:
                logger.exception("order %s could not be processed", order.id)
                continue
            done[order.id] = order.status
        # waiting students in other processes see their QR code at once (long polling)
        signals.announce(
            session, signals.ORDERS, sorted({o.study_id for o in held if o.id in done})
        )
    return done


def _process(
    session: Session,
    clock: Clock,
    config: IssuerConfig,
    worker: str,
    order: Order,
    snap: snapshots.Snapshot,
    today: dt.date,
) -> None:
    if order.attempts > MAX_ATTEMPTS:
        orders.move(
            session, clock, order, OrderStatus.ERROR, actor=worker,
            reason=OrderReason.PROCESSING_FAILED,
        )  # fmt: skip
        return
    result = evaluate(snap.facts, today)
    if not result.eligible or result.valid_until is None:
        orders.move(
            session, clock, order, OrderStatus.ERROR, actor=worker,
            reason=OrderReason.NOT_ELIGIBLE,
        )  # fmt: skip
        return
    try:
        prepared = claims.prepare_from(session, snap)
    except claims.PictureError:
        orders.move(
            session, clock, order, OrderStatus.ERROR, actor=worker, reason=OrderReason.NO_PHOTO
        )
        return
    order.claims = prepared.claims
    order.data_fingerprint = prepared.data_fingerprint
    order.card_number = prepared.card_number
    order.valid_until = result.valid_until
    offers.create_offer(session, clock, config, order)
    orders.move(session, clock, order, OrderStatus.READY, actor=worker)


def expire_offers(sessions: sessionmaker[Session], clock: Clock, worker: str) -> int:
    """Ready orders whose QR code and activation code lapsed become expired."""
    count = 0
    with transaction(sessions) as session:
        lapsed = session.scalars(
            select(Order)
            .join(Offer, Offer.order_id == Order.id)
            .where(
                Order.status == OrderStatus.READY,
                Offer.status == OfferStatus.OPEN,
                Offer.expires_at <= clock.now(),
            )
            .limit(500)
        ).all()
        for order in lapsed:
            orders.move(
                session, clock, order, OrderStatus.EXPIRED, actor=worker,
                reason=OrderReason.OFFER_EXPIRED,
            )  # fmt: skip
            count += 1
    return count
