from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legitka.domain.identity import PersonalData
from legitka.registry.models.base import Base, UtcDateTime


class Person(Base):
    """A person in one university's register. PESEL is optional (foreign students)."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("university_id", "pesel"),
        UniqueConstraint("account_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    given_names: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    pesel: Mapped[str | None] = mapped_column(String(11))
    email: Mapped[str | None] = mapped_column(String(254))
    account_number: Mapped[str | None] = mapped_column(String(26))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    data_changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    changes: Mapped[list[PersonDataChange]] = relationship(
        back_populates="person", order_by="PersonDataChange.changed_at"
    )

    @property
    def personal_data(self) -> PersonalData:
        return PersonalData(self.given_names, self.family_name, self.birth_date, self.pesel)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"


class PersonDataChange(Base):
    """One change of one field of personal data, with its time and who made it."""

    __tablename__ = "person_data_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(String(254))
    new_value: Mapped[str | None] = mapped_column(String(254))
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    changed_by: Mapped[str] = mapped_column(String(80))

    person: Mapped[Person] = relationship(back_populates="changes")


class PortalAccount(Base):
    """A student's login to the portal of their university (password as an argon2 hash)."""

    __tablename__ = "portal_accounts"
    __table_args__ = (UniqueConstraint("university_id", "login"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    login: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # The language the student last used, for e-mails; none until the first sign-in.
    locale: Mapped[str | None] = mapped_column(String(5))
