from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legitka.domain.els import DuplicateReason, ElsCardStatus
from legitka.registry.models.base import Base, UtcDateTime, enum_column


class ElsCard(Base):
    """A plastic student ID card (ELS), from application to its end, with its renewals."""

    __tablename__ = "els_cards"
    __table_args__ = (
        UniqueConstraint("university_id", "number", "edition"),
        UniqueConstraint("chip_serial"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id"), index=True)
    continued_from_study_id: Mapped[int | None] = mapped_column(ForeignKey("studies.id"))
    number: Mapped[str] = mapped_column(String(20))
    edition: Mapped[str] = mapped_column(String(1))
    chip_serial: Mapped[str | None] = mapped_column(String(32))
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[ElsCardStatus] = mapped_column(enum_column(ElsCardStatus))
    status_changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    status_reason: Mapped[str | None] = mapped_column(String(200))
    data_fingerprint: Mapped[str] = mapped_column(String(64))
    duplicate_reason: Mapped[DuplicateReason | None] = mapped_column(enum_column(DuplicateReason))
    replaces_card_id: Mapped[int | None] = mapped_column(ForeignKey("els_cards.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    renewals: Mapped[list[ElsRenewal]] = relationship(
        back_populates="card", order_by="ElsRenewal.valid_until"
    )


class ElsRenewal(Base):
    """A semester sticker on the card: new validity date and hologram number (R5)."""

    __tablename__ = "els_renewals"
    __table_args__ = (
        UniqueConstraint("card_id", "semester"),
        UniqueConstraint("hologram_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("els_cards.id"), index=True)
    semester: Mapped[str] = mapped_column(String(5))
    valid_until: Mapped[dt.date] = mapped_column(Date)
    hologram_number: Mapped[str] = mapped_column(String(8))
    renewed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    renewed_by: Mapped[str] = mapped_column(String(80))

    card: Mapped[ElsCard] = relationship(back_populates="renewals")
