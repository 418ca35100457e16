"""Placing, following and closing mLegitymacja orders (R9–R13)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legitka import notifications
from legitka.clock import Clock
from legitka.domain.errors import Conflict, NotFound
from legitka.domain.orders import (
    OPEN,
    REASON_MESSAGES,
    STATUS_LABELS,
    OrderReason,
    OrderStatus,
    check_transition,
)
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.issuer import secrets, urls
from legitka.issuer.config import IssuerConfig
from legitka.registry import audit, signals
from legitka.registry.models import Offer, OfferStatus, Order, Study, University
from legitka.registry.services.students import eligibility

# "register": placed by the register itself, after a change of personal data under the PESEL
# policy (a new mLegitymacja with the new data).
CHANNELS = frozenset({"portal", "mobile", "cli", "office", "register"})


def place(
    session: Session, clock: Clock, study: Study, *, channel: str, actor: str
) -> tuple[Order, bool]:
    """Order an mLegitymacja for ``study``; returns the order and whether it is new.

    A student has at most one open order: ordering again while one is open returns that one
    (a double submit makes one order). A student who does not meet the conditions is told which
    ones are unmet, and nothing is recorded.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    existing = open_order(session, study)
    if existing is not None:
        return existing, False
    result = eligibility(session, study, clock)
    if not result.eligible:
        raise Conflict(
            "not_eligible",
            N_("You cannot order an mLegitymacja yet: {unmet}."),
            field="eligibility",
            unmet=", ".join(c.code for c in result.unmet),
        )
    now = clock.now()
    order = Order(
        university_id=study.university_id,
        person_id=study.person_id,
        study_id=study.id,
        open_slot=study.id,
        status=OrderStatus.PENDING,
        channel=channel,
        created_at=now,
        updated_at=now,
        attempts=0,
    )
    try:
        with session.begin_nested():
            session.add(order)
            session.flush()
    except IntegrityError:
        # Another request placed the order between our check and our insert.
        existing = open_order(session, study)
        if existing is None:
            raise
        return existing, False
    audit.record(
        session, clock, actor=actor, action="order.placed", subject_type="order",
        subject_id=order.id, university_id=order.university_id, channel=channel,
    )  # fmt: skip
    signals.announce(session, signals.WORK)  # a worker in another process looks at once
    return order, True


def open_order(session: Session, study: Study) -> Order | None:
    return session.scalar(select(Order).where(Order.open_slot == study.id))


def get(session: Session, order_id: int) -> Order:
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound(
            "unknown_order", N_("There is no order {order}."), field="order", order=order_id
        )
    return order


def orders_of(session: Session, study: Study) -> list[Order]:
    return list(
        session.scalars(select(Order).where(Order.study_id == study.id).order_by(Order.id.desc()))
    )


def move(
    session: Session,
    clock: Clock,
    order: Order,
    new: OrderStatus,
    *,
    actor: str,
    reason: OrderReason | None = None,
) -> None:
    """Move ``order`` to ``new`` (checked against the state machine), audited.

    Closing an order frees its open slot and withdraws an offer that was not used.
    """
    check_transition(order.status, new)
    now = clock.now()
    previous = order.status
    order.status = new
    order.updated_at = now
    if reason is not None:
        order.reason = reason.value
    if new not in OPEN:
        order.open_slot = None
        order.claimed_by = None
        order.lease_until = None
    if new is OrderStatus.READY:
        order.ready_at = now
    elif new is OrderStatus.PICKED_UP:
        order.picked_up_at = now
    elif new not in OPEN:
        order.ended_at = now
        offer = order.offer
        if offer is not None and offer.status is OfferStatus.OPEN:
            offer.status = (
                OfferStatus.EXPIRED if new is OrderStatus.EXPIRED else OfferStatus.WITHDRAWN
            )
    audit.record(
        session, clock, actor=actor, action=f"order.{new.value}", subject_type="order",
        subject_id=order.id, university_id=order.university_id, previous=previous.value,
        reason=reason.value if reason else None,
    )  # fmt: skip
    notifications.order_moved(session, clock, order, previous)


def offer_view(config: IssuerConfig, slug: str, offer: Offer) -> dict[str, Any]:
    """What the student needs to activate: the QR code's URI and the activation code."""
    codes = secrets.offer_codes(config.secret_key, offer.salt)
    offer_uri = urls.offer(config.base_url, slug, codes.reference)
    return {
        "credential_offer_uri": offer_uri,
        "qr_uri": urls.offer_qr_uri(offer_uri),
        "wallet_link": urls.wallet_link(config.base_url, offer_uri),
        "activation_code": codes.activation_code,
        "expires_at": offer.expires_at.isoformat(),
        "attempts_left": max(config.activation_attempts - offer.failed_attempts, 0),
    }


def view(session: Session, config: IssuerConfig, order: Order, locale: str) -> dict[str, Any]:
    """The order as the portal, the mobile API and ``legitka orders show`` present it."""
    university = session.get_one(University, order.university_id)
    study = session.get_one(Study, order.study_id)
    reason = OrderReason(order.reason) if order.reason else None
    offer = order.offer
    return {
        "id": order.id,
        "university": university.slug,
        "album": study.album_number,
        "status": order.status.value,
        "status_label": translate(STATUS_LABELS[order.status], locale),
        "reason": reason.value if reason else None,
        "reason_message": translate(REASON_MESSAGES[reason], locale) if reason else None,
        "channel": order.channel,
        "created_at": order.created_at.isoformat(),
        "updated_at": order.updated_at.isoformat(),
        "ready_at": order.ready_at.isoformat() if order.ready_at else None,
        "picked_up_at": order.picked_up_at.isoformat() if order.picked_up_at else None,
        "valid_until": order.valid_until.isoformat() if order.valid_until else None,
        "offer": (
            offer_view(config, university.slug, offer)
            if offer is not None
            and offer.status is OfferStatus.OPEN
            and order.status is OrderStatus.READY
            else None
        ),
    }
