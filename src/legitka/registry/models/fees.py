from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legitka.domain.fees import ChargeKind, ChargeStatus, PaymentSource
from legitka.registry.models.base import Base, UtcDateTime, enum_column


class Charge(Base):
    """A fee the student owes (ELS card, duplicate), payable to their individual account."""

    __tablename__ = "charges"

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    els_card_id: Mapped[int | None] = mapped_column(ForeignKey("els_cards.id"))
    kind: Mapped[ChargeKind] = mapped_column(enum_column(ChargeKind))
    amount_grosze: Mapped[int] = mapped_column(Integer)
    paid_grosze: Mapped[int] = mapped_column(Integer, default=0)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    account_number: Mapped[str] = mapped_column(String(26))
    status: Mapped[ChargeStatus] = mapped_column(enum_column(ChargeStatus))
    description: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    settled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    @property
    def outstanding_grosze(self) -> int:
        if self.status in (ChargeStatus.CANCELLED, ChargeStatus.REFUNDED):
            return 0
        return max(self.amount_grosze - self.paid_grosze, 0)


class PaymentStatus(StrEnum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    REFUNDED = "refunded"


class StatementImport(Base):
    """One imported bank statement file and what its import did."""

    __tablename__ = "statement_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(10))
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    imported_by: Mapped[str] = mapped_column(String(80))
    transactions: Mapped[int] = mapped_column(Integer)
    matched: Mapped[int] = mapped_column(Integer)
    unmatched: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)


class Payment(Base):
    """An incoming transfer (or a manual entry). ``transaction_key`` makes re-imports harmless."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("university_id", "transaction_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statement_imports.id"))
    source: Mapped[PaymentSource] = mapped_column(enum_column(PaymentSource))
    transaction_key: Mapped[str] = mapped_column(String(64))
    account_number: Mapped[str | None] = mapped_column(String(26))
    amount_grosze: Mapped[int] = mapped_column(Integer)
    unallocated_grosze: Mapped[int] = mapped_column(Integer, default=0)
    booked_on: Mapped[dt.date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(300))
    counterparty: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[PaymentStatus] = mapped_column(enum_column(PaymentStatus))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    allocations: Mapped[list[PaymentAllocation]] = relationship(back_populates="payment")


class PaymentAllocation(Base):
    """The part of a payment that settles one charge."""

    __tablename__ = "payment_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    charge_id: Mapped[int] = mapped_column(ForeignKey("charges.id"), index=True)
    amount_grosze: Mapped[int] = mapped_column(Integer)

    payment: Mapped[Payment] = relationship(back_populates="allocations")


class Refund(Base):
    """Money the university returns to a student: a payment's credit (an over-payment), or what
    was paid on a charge that is cancelled."""

    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"))
    amount_grosze: Mapped[int] = mapped_column(Integer)
    refunded_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class StatementUpload(Base):
    """A statement file uploaded in the console, kept between its preview and its import.

    Found by the SHA-256 of a random token the preview page carries (never the token itself),
    for the same staff member and university only, until ``expires_at``; deleted once imported.
    """

    __tablename__ = "statement_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    staff_login: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
