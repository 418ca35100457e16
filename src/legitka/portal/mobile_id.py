"""The student's mLegitymacja as the portal and the mobile API show it, and what they can do.

One place for both surfaces: the eligibility checklist, the current order with its offer, the
active mLegitymacja with its validity and whether it can be extended, and the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.errors import Conflict
from legitka.domain.mobile_ids import ENDED, MobileIdStatus
from legitka.domain.orders import OPEN, OrderStatus
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.issuer import mobile_ids, orders
from legitka.issuer.config import IssuerConfig
from legitka.portal.auth import Student
from legitka.registry.models import MobileId, Order, Study
from legitka.registry.services.students import eligibility, eligibility_json

MOBILE_ID_LABELS: dict[MobileIdStatus, str] = {
    MobileIdStatus.ACTIVE: N_("Active"),
    MobileIdStatus.SUSPENDED: N_("Suspended"),
    MobileIdStatus.CANCELLED: N_("Cancelled"),
    MobileIdStatus.REPLACED: N_("Replaced by a newer one"),
    MobileIdStatus.REVOKED: N_("Invalidated by the university"),
}


def live_mobile_id(session: Session, student: Student) -> MobileId | None:
    """The student's mLegitymacja that still counts (active or suspended), the newest."""
    return session.scalar(
        select(MobileId)
        .where(MobileId.study_id == student.study.id, MobileId.status.not_in(list(ENDED)))
        .order_by(MobileId.id.desc())
        .limit(1)
    )


def mobile_id_json(
    session: Session, clock: Clock, mobile_id: MobileId, locale: str
) -> dict[str, Any]:
    result = eligibility(session, session.get_one(Study, mobile_id.study_id), clock)
    extendable = (
        mobile_id.status is MobileIdStatus.ACTIVE
        and result.eligible
        and result.valid_until is not None
        and result.valid_until > mobile_id.valid_until
    )
    return {
        "order_id": mobile_id.order_id,
        "status": mobile_id.status.value,
        "status_label": translate(MOBILE_ID_LABELS[mobile_id.status], locale),
        "issued_on": mobile_id.issued_on.isoformat(),
        "valid_until": mobile_id.valid_until.isoformat(),
        "extendable_to": (
            result.valid_until.isoformat() if extendable and result.valid_until else None
        ),
        "accepted": mobile_id.accepted_at is not None,
    }


def overview(
    session: Session, clock: Clock, config: IssuerConfig, student: Student, locale: str
) -> dict[str, Any]:
    """Everything the mLegitymacja page and ``GET api/v1/mlegitymacja`` show."""
    history = orders.orders_of(session, student.study)
    current = next((o for o in history if o.status in OPEN), None)
    live = live_mobile_id(session, student)
    return {
        "eligibility": eligibility_json(eligibility(session, student.study, clock), locale),
        "order": orders.view(session, config, current, locale) if current else None,
        "mobile_id": mobile_id_json(session, clock, live, locale) if live else None,
        "history": [orders.view(session, config, o, locale) for o in history],
    }


def current_order(session: Session, student: Student) -> Order | None:
    """The open order, else the newest one."""
    return session.scalar(
        select(Order)
        .where(Order.study_id == student.study.id)
        .order_by(Order.open_slot.is_(None), Order.id.desc())
        .limit(1)
    )


def place_order(session: Session, clock: Clock, student: Student, *, channel: str) -> Order:
    order, _ = orders.place(session, clock, student.study, channel=channel, actor=student.actor)
    return order


def cancel(session: Session, clock: Clock, student: Student) -> Order:
    """Cancel the open order, else the active mLegitymacja (works without the phone, R21)."""
    history = orders.orders_of(session, student.study)
    target = next((o for o in history if o.status in OPEN), None)
    if target is None:
        live = live_mobile_id(session, student)
        target = session.get(Order, live.order_id) if live else None
    if target is None:
        raise Conflict(
            "nothing_to_cancel",
            N_("You have no mLegitymacja and no order to cancel."),
            field="mlegitymacja",
        )
    mobile_ids.cancel(session, clock, target, actor=student.actor)
    return target


def extend(session: Session, clock: Clock, student: Student) -> dt.date:
    live = live_mobile_id(session, student)
    if live is None:
        raise Conflict(
            "nothing_to_extend",
            N_("You have no active mLegitymacja to extend: order one first."),
            field="mlegitymacja",
        )
    return mobile_ids.extend(session, clock, live, actor=student.actor)


WAITING = frozenset({OrderStatus.PENDING, OrderStatus.PROCESSING})
