from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legitka.domain.eligibility import Policy
from legitka.registry.models.base import Base, UtcDateTime, enum_column


class University(Base):
    """One university served by this deployment: its own issuer, policy, fees and accounts."""

    __tablename__ = "universities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_pl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    policy: Mapped[Policy] = mapped_column(enum_column(Policy))
    hologram_code: Mapped[str] = mapped_column(String(3))
    account_prefix: Mapped[str] = mapped_column(String(20))
    els_fee_grosze: Mapped[int] = mapped_column(Integer, default=2200)
    duplicate_fee_grosze: Mapped[int] = mapped_column(Integer, default=3300)
    emergency_extension_days: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    intakes: Mapped[list[Intake]] = relationship(
        back_populates="university", order_by="Intake.starts_on"
    )

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_pl


class Intake(Base):
    """A recruitment intake, e.g. winter 2026/27, with its ELS fee deadline (R2)."""

    __tablename__ = "intakes"
    __table_args__ = (UniqueConstraint("university_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    payment_deadline: Mapped[dt.date] = mapped_column(Date)

    university: Mapped[University] = relationship(back_populates="intakes")
