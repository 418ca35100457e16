"""Changing an mLegitymacja's status: the student cancels, the university revokes (R21, R22).

Every change is immediate in the status lists (their version goes up in the same transaction,
and the worker re-signs them within seconds) and is audited.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from legitka import notifications
from legitka.clock import Clock, local_today
from legitka.domain.errors import Conflict
from legitka.domain.mobile_ids import (
    ENDED,
    Effect,
    Held,
    MobileIdStatus,
    OpenOrder,
    RegisterState,
    Standing,
    effect,
    standing,
)
from legitka.domain.orders import OPEN, OrderReason, OrderStatus
from legitka.domain.text import N_
from legitka.issuer import orders, status_lists
from legitka.registry import audit
from legitka.registry.models import MobileId, Order, Person, Study
from legitka.registry.services.snapshots import register_state
from legitka.registry.services.students import eligibility, facts_of

# What an ended mLegitymacja does to its order.
ORDER_AFTER = {
    MobileIdStatus.CANCELLED: OrderStatus.CANCELLED,
    MobileIdStatus.REPLACED: OrderStatus.CANCELLED,
    MobileIdStatus.REVOKED: OrderStatus.INVALIDATED,
}


def set_status(
    session: Session,
    clock: Clock,
    mobile_id: MobileId,
    new: MobileIdStatus,
    *,
    reason: OrderReason | None,
    actor: str,
) -> bool:
    """Move ``mobile_id`` to ``new``; returns whether anything changed."""
    if mobile_id.status is new or mobile_id.status in ENDED:
        return False
    previous = mobile_id.status
    mobile_id.status = new
    mobile_id.reason = reason.value if reason else None
    mobile_id.status_changed_at = clock.now()
    status_lists.mark_changed(session, clock, status_lists.lists_of(session, mobile_id))
    audit.record(
        session, clock, actor=actor, action=f"mobile_id.{new.value}", subject_type="mobile_id",
        subject_id=mobile_id.id, university_id=mobile_id.university_id,
        previous=previous.value, reason=reason.value if reason else None,
    )  # fmt: skip
    notifications.mobile_id_changed(session, clock, mobile_id)
    if new in ORDER_AFTER:
        order = session.get_one(Order, mobile_id.order_id)
        if order.status is OrderStatus.PICKED_UP:
            orders.move(session, clock, order, ORDER_AFTER[new], actor=actor, reason=reason)
    return True


def of_order(session: Session, order: Order) -> MobileId | None:
    return session.scalar(select(MobileId).where(MobileId.order_id == order.id))


def live_of(session: Session, study: Study) -> list[MobileId]:
    """The study's mLegitymacja that still count (active or suspended)."""
    return list(
        session.scalars(
            select(MobileId).where(
                MobileId.study_id == study.id, MobileId.status.not_in(list(ENDED))
            )
        )
    )


def cancel(session: Session, clock: Clock, order: Order, *, actor: str) -> None:
    """The student cancels: an open order stops, an activated mLegitymacja stops working (R21).

    Works without the phone: nothing from the wallet is needed.
    """
    if order.status in OPEN:
        orders.move(
            session, clock, order, OrderStatus.CANCELLED, actor=actor,
            reason=OrderReason.CANCELLED_BY_STUDENT,
        )  # fmt: skip
        return
    mobile_id = of_order(session, order) if order.status is OrderStatus.PICKED_UP else None
    if mobile_id is None or mobile_id.status in ENDED:
        raise Conflict(
            "order_closed",
            N_("Order {order} is already closed ({state}): there is nothing to cancel."),
            field="order",
            order=order.id,
            state=order.status.value,
        )
    set_status(
        session, clock, mobile_id, MobileIdStatus.CANCELLED,
        reason=OrderReason.CANCELLED_BY_STUDENT, actor=actor,
    )  # fmt: skip


def revoke(
    session: Session, clock: Clock, mobile_id: MobileId, *, actor: str,
    reason: OrderReason = OrderReason.REVOKED_BY_OFFICE,
) -> bool:  # fmt: skip
    """The dean's office revokes an mLegitymacja, e.g. after a lost phone
    (``reason=OrderReason.LOST_PHONE``)."""
    return set_status(
        session, clock, mobile_id, MobileIdStatus.REVOKED, reason=reason, actor=actor
    )


def replace_older(session: Session, clock: Clock, study: Study, *, keep: int, actor: str) -> None:
    """One phone at a time (R15): a newly activated mLegitymacja ends the older ones."""
    for mobile_id in live_of(session, study):
        if mobile_id.id != keep:
            set_status(
                session, clock, mobile_id, MobileIdStatus.REPLACED,
                reason=OrderReason.REPLACED, actor=actor,
            )  # fmt: skip


def extend(session: Session, clock: Clock, mobile_id: MobileId, *, actor: str) -> dt.date:
    """The student extends the mLegitymacja to the new validity (R19): after the card's renewal
    (ELS-linked policy) or the new semester (PESEL policy). The wallet then fetches the renewed
    credential with its refresh token; no new QR code is needed. Returns the new validity date.
    """
    if mobile_id.status is not MobileIdStatus.ACTIVE:
        raise Conflict(
            "mobile_id_not_active",
            N_("Only an active mLegitymacja can be extended; this one is {state}."),
            field="mobile_id",
            state=mobile_id.status.value,
        )
    study = session.get_one(Study, mobile_id.study_id)
    result = eligibility(session, study, clock)
    if not result.eligible or result.valid_until is None:
        raise Conflict(
            "cannot_extend",
            N_("The mLegitymacja cannot be extended now: {unmet}."),
            field="eligibility",
            unmet=", ".join(c.code for c in result.unmet),
        )
    if result.valid_until <= mobile_id.valid_until:
        raise Conflict(
            "already_extended",
            N_(
                "Your mLegitymacja is already valid until {valid_until}: extend it again after "
                "the next renewal of your card or semester."
            ),
            field="mobile_id",
            valid_until=mobile_id.valid_until.isoformat(),
        )
    previous = mobile_id.valid_until
    mobile_id.valid_until = result.valid_until
    session.get_one(Order, mobile_id.order_id).valid_until = result.valid_until
    audit.record(
        session, clock, actor=actor, action="mobile_id.extended", subject_type="mobile_id",
        subject_id=mobile_id.id, university_id=mobile_id.university_id,
        previous=previous.isoformat(), valid_until=result.valid_until.isoformat(),
    )  # fmt: skip
    return result.valid_until


def standing_of(session: Session, clock: Clock, mobile_id: MobileId) -> Standing:
    study = session.get_one(Study, mobile_id.study_id)
    person = session.get_one(Person, mobile_id.person_id)
    return standing(
        facts_of(session, study),
        card_at_issue=mobile_id.card_number,
        data_unchanged=person.personal_data.fingerprint() == mobile_id.data_fingerprint,
        today=local_today(clock),
    )


def held_of(mobile_id: MobileId) -> Held:
    return Held(
        mobile_id.id, mobile_id.status, mobile_id.card_number, mobile_id.data_fingerprint
    )


def open_order_of(session: Session, study: Study) -> OpenOrder | None:
    order = orders.open_order(session, study)
    return OpenOrder(order.card_number) if order is not None else None


def effect_of(
    session: Session, clock: Clock, study: Study, after: RegisterState,
    before: RegisterState | None = None,
) -> Effect:  # fmt: skip
    """What moving the study's register entry to ``after`` does to its mLegitymacja; the same
    rule :func:`reconcile` applies. ``before`` is the entry as it is (read when not given)."""
    return effect(
        before or register_state(session, study), after,
        [held_of(m) for m in live_of(session, study)],
        open_order=open_order_of(session, study), today=local_today(clock),
    )  # fmt: skip


def reconcile(
    session: Session, clock: Clock, study: Study, *, actor: str,
    before: RegisterState | None = None,
) -> list[MobileId]:  # fmt: skip
    """Bring the study's mLegitymacja and open orders in line with the register (R22).

    Called after every change of the student's status, card or personal data, with ``before``
    the register entry before the change when the caller has it: loss of student rights revokes,
    suspension suspends and reinstatement restores; under the ELS-linked policy a card that is no
    longer active or changed personal data revokes; under the PESEL policy changed personal data
    place an order for a new mLegitymacja with the new data (the worker prepares its offer and
    the student is told). Returns the mLegitymacja that changed.
    """
    after = register_state(session, study)
    result = effect_of(session, clock, study, after, before or after)
    changed = []
    for move in result.moves:
        mobile_id = session.get_one(MobileId, move.mobile_id)
        if set_status(session, clock, mobile_id, move.status, reason=move.reason, actor=actor):
            changed.append(mobile_id)
    order = orders.open_order(session, study)
    if order is not None and result.order_ended is not None:
        orders.move(
            session, clock, order, OrderStatus.INVALIDATED, actor=actor, reason=result.order_ended
        )
    if result.new_offer:
        orders.place(session, clock, study, channel="register", actor=actor)
    return changed
