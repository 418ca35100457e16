from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from legitka.registry.models.base import Base, UtcDateTime, enum_column


class RenewalJobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"


class RenewalItemOutcome(StrEnum):
    PENDING = "pending"
    RENEWED = "renewed"
    SKIPPED = "skipped"


class RenewalJob(Base):
    """A semester renewal of many cards, done by the worker in batches (R5).

    ``total`` is the number of cards to renew when the job was started; ``done`` how many of them
    the worker has dealt with (renewed, or skipped because the student's situation changed since
    the preview); ``skipped`` every student left out, those of the preview included. A worker
    holds the job while its lease lasts; a lapsed lease lets another worker go on.
    """

    __tablename__ = "renewal_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    semester: Mapped[str] = mapped_column(String(5))
    valid_until: Mapped[dt.date] = mapped_column(Date)
    first_hologram: Mapped[str] = mapped_column(String(8))
    last_hologram: Mapped[str] = mapped_column(String(8))
    status: Mapped[RenewalJobStatus] = mapped_column(enum_column(RenewalJobStatus), index=True)
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    renewed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class RenewalJobItem(Base):
    """One student of a renewal job: the hologram planned for the card, and what happened."""

    __tablename__ = "renewal_job_items"
    __table_args__ = (UniqueConstraint("job_id", "study_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("renewal_jobs.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id"))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("els_cards.id"))
    hologram_number: Mapped[str | None] = mapped_column(String(8))
    outcome: Mapped[RenewalItemOutcome] = mapped_column(enum_column(RenewalItemOutcome))
    reason: Mapped[str | None] = mapped_column(String(40))
    renewal_id: Mapped[int | None] = mapped_column(ForeignKey("els_renewals.id"))
    processed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
