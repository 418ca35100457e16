"""An mLegitymacja order, as the student portal shows it, and the moves it may make (R10–R13).

pending (*Oczekuje*) → processing (*W trakcie*) → ready (*Do odbioru*) → picked up (*Odebrana*).
An order can also end in error (*Błąd*), be cancelled by the student (*Anulowane*), be invalidated
by the university (*Unieważnione*) or expire when its QR code and activation code lapse.
"""

from __future__ import annotations

from enum import StrEnum

from legitka.domain.errors import Conflict
from legitka.domain.text import N_


class OrderStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    READY = "ready"
    PICKED_UP = "picked_up"
    ERROR = "error"
    CANCELLED = "cancelled"
    INVALIDATED = "invalidated"
    EXPIRED = "expired"


# Orders that still lead somewhere: a student has at most one of them at a time.
OPEN = frozenset({OrderStatus.PENDING, OrderStatus.PROCESSING, OrderStatus.READY})
FINAL = frozenset(
    {OrderStatus.ERROR, OrderStatus.CANCELLED, OrderStatus.INVALIDATED, OrderStatus.EXPIRED}
)

TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset(
        {OrderStatus.PROCESSING, OrderStatus.CANCELLED, OrderStatus.INVALIDATED}
    ),
    OrderStatus.PROCESSING: frozenset(
        {
            OrderStatus.PENDING,  # a worker died mid-job: the order is taken up again
            OrderStatus.READY,
            OrderStatus.ERROR,
            OrderStatus.CANCELLED,
            OrderStatus.INVALIDATED,
        }
    ),
    OrderStatus.READY: frozenset(
        {
            OrderStatus.PICKED_UP,
            OrderStatus.CANCELLED,
            OrderStatus.INVALIDATED,
            OrderStatus.EXPIRED,
        }
    ),
    OrderStatus.PICKED_UP: frozenset({OrderStatus.CANCELLED, OrderStatus.INVALIDATED}),
    OrderStatus.ERROR: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.INVALIDATED: frozenset(),
    OrderStatus.EXPIRED: frozenset(),
}

STATUS_LABELS: dict[OrderStatus, str] = {
    OrderStatus.PENDING: N_("Waiting"),
    OrderStatus.PROCESSING: N_("In progress"),
    OrderStatus.READY: N_("Ready to activate"),
    OrderStatus.PICKED_UP: N_("Activated"),
    OrderStatus.ERROR: N_("Error"),
    OrderStatus.CANCELLED: N_("Cancelled"),
    OrderStatus.INVALIDATED: N_("Invalidated by the university"),
    OrderStatus.EXPIRED: N_("Expired"),
}


class OrderReason(StrEnum):
    """Why an order ended where it did: a stable code the portal explains."""

    NOT_ELIGIBLE = "not_eligible"
    NO_PHOTO = "no_photo"
    CANCELLED_BY_STUDENT = "cancelled_by_student"
    REPLACED = "replaced"
    OFFER_EXPIRED = "offer_expired"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    STATUS_LOST = "status_lost"
    SUSPENDED = "suspended"
    CARD_INVALID = "card_invalid"
    DATA_CHANGED = "data_changed"
    REVOKED_BY_OFFICE = "revoked_by_office"
    LOST_PHONE = "lost_phone"
    WALLET_FAILED = "wallet_failed"
    PROCESSING_FAILED = "processing_failed"


REASON_MESSAGES: dict[OrderReason, str] = {
    OrderReason.NOT_ELIGIBLE: N_(
        "You no longer meet the conditions for an mLegitymacja: see the checklist for what to do."
    ),
    OrderReason.NO_PHOTO: N_(
        "Your photo could not be prepared for the mLegitymacja: upload a new photo."
    ),
    OrderReason.CANCELLED_BY_STUDENT: N_("You cancelled this mLegitymacja."),
    OrderReason.REPLACED: N_(
        "A newer mLegitymacja was activated on another phone: this one no longer works."
    ),
    OrderReason.OFFER_EXPIRED: N_(
        "The QR code and the activation code expired before they were used: order a new "
        "mLegitymacja."
    ),
    OrderReason.TOO_MANY_ATTEMPTS: N_(
        "The activation code was entered wrongly too many times, so the QR code no longer "
        "works: order a new mLegitymacja."
    ),
    OrderReason.STATUS_LOST: N_(
        "Your student status is no longer active, so the university invalidated the mLegitymacja."
    ),
    OrderReason.SUSPENDED: N_(
        "Your student rights are suspended: the mLegitymacja is suspended until they are restored."
    ),
    OrderReason.CARD_INVALID: N_(
        "Your plastic student ID card is no longer valid (lost, cancelled or replaced), so the "
        "university invalidated the mLegitymacja."
    ),
    OrderReason.DATA_CHANGED: N_(
        "Your personal data changed after the mLegitymacja was issued, so the university "
        "invalidated it: order a new one when you may."
    ),
    OrderReason.REVOKED_BY_OFFICE: N_(
        "The dean's office revoked this mLegitymacja (for example after a lost phone)."
    ),
    OrderReason.LOST_PHONE: N_(
        "The dean's office revoked this mLegitymacja because the phone it was on was reported "
        "lost: order a new one and activate it on your new phone."
    ),
    OrderReason.WALLET_FAILED: N_(
        "The wallet could not store the mLegitymacja: order a new one and activate it again."
    ),
    OrderReason.PROCESSING_FAILED: N_(
        "The order could not be processed because of a fault on the university's side: order "
        "again later, or contact the dean's office if it happens again."
    ),
}


def check_transition(current: OrderStatus, new: OrderStatus) -> None:
    """Raise a coded conflict when an order cannot move from ``current`` to ``new``."""
    if new not in TRANSITIONS[current]:
        raise Conflict(
            "order_transition",
            N_("An order that is '{current}' cannot become '{new}'."),
            field="status",
            current=current.value,
            new=new.value,
        )
