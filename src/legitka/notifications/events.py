"""The hooks: what an order's or an mLegitymacja's change tells the student.

The issuer calls :func:`order_moved` from every order transition and :func:`mobile_id_changed`
from every change of an mLegitymacja's status, in the transaction of the change; this module
decides whether the change is worth an e-mail. A student without an e-mail address is simply not
told: a hook never fails its caller for that.

- An order that is *ready* tells that the QR code and activation code wait in the portal (never
  the codes themselves: the e-mail is not their channel); an order the register placed after a
  change of personal data (PESEL policy) tells that too.
- An order that ends in *error* tells why.
- An order *invalidated* by the university before it was activated tells why; once activated,
  its mLegitymacja's revocation tells the student instead (one e-mail, not two).
- An mLegitymacja *revoked* or *suspended* by the university tells why (and that a suspended one
  comes back with the student's rights). The student's own cancellation, a newer phone replacing
  it or a wallet that failed to store it are the student's doing and tell nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.mobile_ids import MobileIdStatus
from legitka.domain.orders import OrderReason, OrderStatus
from legitka.notifications.messages import Kind
from legitka.notifications.outbox import notify
from legitka.registry.models import MobileId, Notification, Order, Person

# Reasons for which the student, not the university, ended an mLegitymacja.
STUDENTS_DOING = frozenset(
    {OrderReason.CANCELLED_BY_STUDENT, OrderReason.REPLACED, OrderReason.WALLET_FAILED}
)


def order_moved(
    session: Session, clock: Clock, order: Order, previous: OrderStatus
) -> Notification | None:
    """Tell the student about ``order``'s move from ``previous`` to its current status."""
    if order.status is OrderStatus.READY and order.offer is not None:
        kind = Kind.ORDER_READY
        key = f"order:{order.id}:ready"
        params: dict[str, object] = {
            "expires_at": order.offer.expires_at,
            "valid_until": order.valid_until,
            # placed by the register: the student's personal data changed (PESEL policy)
            "data_changed": order.channel == "register",
        }
    elif order.status is OrderStatus.ERROR:
        kind, key, params = Kind.ORDER_FAILED, f"order:{order.id}:error", {"reason": order.reason}
    elif order.status is OrderStatus.INVALIDATED and previous is not OrderStatus.PICKED_UP:
        kind = Kind.ORDER_INVALIDATED
        key = f"order:{order.id}:invalidated"
        params = {"reason": order.reason}
    else:
        return None
    person = session.get_one(Person, order.person_id)
    return notify(session, clock, person=person, kind=kind, event_key=key, params=params)


def mobile_id_changed(session: Session, clock: Clock, mobile_id: MobileId) -> Notification | None:
    """Tell the student that the university revoked or suspended ``mobile_id``."""
    reason = OrderReason(mobile_id.reason) if mobile_id.reason else None
    if reason in STUDENTS_DOING:
        return None
    if mobile_id.status is MobileIdStatus.REVOKED:
        key = f"mobile_id:{mobile_id.id}:revoked"
    elif mobile_id.status is MobileIdStatus.SUSPENDED:
        # A suspension can follow a reinstatement: each one is its own event.
        key = f"mobile_id:{mobile_id.id}:suspended:{mobile_id.status_changed_at:%Y%m%dT%H%M%S}"
    else:
        return None
    person = session.get_one(Person, mobile_id.person_id)
    return notify(
        session, clock, person=person, kind=Kind.MOBILE_ID_INVALIDATED, event_key=key,
        params={"status": mobile_id.status.value, "reason": reason},
    )  # fmt: skip
