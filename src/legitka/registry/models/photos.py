from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from legitka.domain.eligibility import PhotoStatus
from legitka.registry.models.base import Base, UtcDateTime, enum_column


class Photo(Base):
    """A photo for the student ID: pending until the dean's office approves or rejects it."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    image: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    # The photo as the credential carries it (a JPEG data URI of at most 20 kB), made once.
    credential_picture: Mapped[str | None] = deferred(mapped_column(Text))
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[PhotoStatus] = mapped_column(enum_column(PhotoStatus))
    rejection_reason: Mapped[str | None] = mapped_column(String(300))
    submitted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(80))
