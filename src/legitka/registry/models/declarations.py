from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legitka.registry.models.base import Base, UtcDateTime, enum_column


class DeclarationKind(StrEnum):
    OATH = "oath"
    DECLARATIONS = "declarations"


class Declaration(Base):
    """A versioned text the student reads and accepts: the oath or the declarations (R2)."""

    __tablename__ = "declarations"
    __table_args__ = (UniqueConstraint("university_id", "kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    kind: Mapped[DeclarationKind] = mapped_column(enum_column(DeclarationKind))
    version: Mapped[int] = mapped_column(Integer)
    title_pl: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    text_pl: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    published_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class DeclarationAcceptance(Base):
    __tablename__ = "declaration_acceptances"
    __table_args__ = (UniqueConstraint("person_id", "declaration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"))
    accepted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    declaration: Mapped[Declaration] = relationship()
