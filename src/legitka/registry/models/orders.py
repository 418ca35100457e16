"""mLegitymacja orders and their offers: what the student ordered and what the wallet redeems."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legitka.domain.orders import OrderStatus
from legitka.registry.models.base import Base, UtcDateTime, enum_column


class Order(Base):
    """One order of an mLegitymacja; the worker turns a pending order into a ready offer.

    ``open_slot`` holds the study's id while the order is open (pending, processing, ready) and
    is cleared when it closes: its unique constraint makes a double submit one order.
    """

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id"), index=True)
    open_slot: Mapped[int | None] = mapped_column(Integer, unique=True)
    status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus), index=True)
    reason: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    ready_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    picked_up_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    # Work in progress: which worker holds the order and until when (a crash lets it lapse).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    # The credential data the worker prepared (claims with the photo), and what it rests on.
    claims: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    data_fingerprint: Mapped[str | None] = mapped_column(String(64))
    card_number: Mapped[str | None] = mapped_column(String(21))
    valid_until: Mapped[dt.date | None] = mapped_column(Date)

    offer: Mapped[Offer | None] = relationship(back_populates="order", uselist=False)


class OfferStatus(StrEnum):
    OPEN = "open"
    USED = "used"
    BURNED = "burned"  # too many wrong activation codes
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # the order was cancelled or invalidated


class Offer(Base):
    """The credential offer of a ready order: QR code and activation code (OpenID4VCI).

    No secret is stored in the clear: the offer's reference (in the QR code's URL), the
    pre-authorized code and the activation code are derived from ``salt`` with the deployment's
    secret key, and only their hashes (or a keyed MAC, for the short activation code) are kept.
    """

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    salt: Mapped[str] = mapped_column(String(44))
    ref_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    tx_code_mac: Mapped[str] = mapped_column(String(64))
    status: Mapped[OfferStatus] = mapped_column(enum_column(OfferStatus), index=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    order: Mapped[Order] = relationship(back_populates="offer")
