from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legitka.domain.studies import StudyLevel, StudyStatus
from legitka.registry.models.base import Base, UtcDateTime, enum_column
from legitka.registry.models.people import Person


class Study(Base):
    """A student's programme at the university, identified by the album number."""

    __tablename__ = "studies"
    __table_args__ = (UniqueConstraint("university_id", "album_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id"))
    album_number: Mapped[str | None] = mapped_column(String(20))
    programme: Mapped[str] = mapped_column(String(200))
    level: Mapped[StudyLevel] = mapped_column(enum_column(StudyLevel))
    status: Mapped[StudyStatus] = mapped_column(enum_column(StudyStatus))
    status_since: Mapped[dt.date] = mapped_column(Date)
    started_on: Mapped[dt.date] = mapped_column(Date)
    graduated_on: Mapped[dt.date | None] = mapped_column(Date)
    resumed_on: Mapped[dt.date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship()
    status_history: Mapped[list[StudyStatusChange]] = relationship(
        back_populates="study", order_by="StudyStatusChange.recorded_at"
    )


class StudyStatusChange(Base):
    """The study's status from a date on, with the reason (suspension, removal, resumption…)."""

    __tablename__ = "study_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id"), index=True)
    status: Mapped[StudyStatus] = mapped_column(enum_column(StudyStatus))
    since: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[str] = mapped_column(String(80))

    study: Mapped[Study] = relationship(back_populates="status_history")
