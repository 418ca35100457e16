"""Issued mobile IDs, every credential signed for them, status lists, and issuance tokens."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legitka.domain.mobile_ids import MobileIdStatus
from legitka.registry.models.base import Base, UtcDateTime, enum_column


class MobileId(Base):
    """A student's mLegitymacja on one phone, bound to the phone's key (``holder_jwk``)."""

    __tablename__ = "mobile_ids"

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    status: Mapped[MobileIdStatus] = mapped_column(enum_column(MobileIdStatus), index=True)
    reason: Mapped[str | None] = mapped_column(String(40))
    status_changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    holder_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    holder_kid: Mapped[str] = mapped_column(String(64), index=True)
    card_number: Mapped[str | None] = mapped_column(String(21))
    data_fingerprint: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    credentials: Mapped[list[IssuedCredential]] = relationship(
        back_populates="mobile_id", order_by="IssuedCredential.id"
    )


class IssuedCredential(Base):
    """One signed SD-JWT VC of a mobile ID (the first, then one per renewal), with its own
    unpredictable status list index (HAIP: never shared, never reused)."""

    __tablename__ = "issued_credentials"
    __table_args__ = (UniqueConstraint("status_list_id", "status_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mobile_id_id: Mapped[int] = mapped_column(ForeignKey("mobile_ids.id"), index=True)
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"), index=True)
    status_index: Mapped[int] = mapped_column(Integer)
    notification_id: Mapped[str] = mapped_column(String(43), unique=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    valid_until: Mapped[dt.date] = mapped_column(Date)
    renewal: Mapped[bool] = mapped_column(Boolean, default=False)

    mobile_id: Mapped[MobileId] = relationship(back_populates="credentials")


class StatusList(Base):
    """One published Token Status List of a university; ``token`` is its latest signed JWT.

    ``version`` goes up with every status change of an entry; the worker re-signs a list whose
    token was built from an older version (``signed_version``), or is older than the re-signing
    interval. Comparing versions rather than times keeps a change made while the list is being
    signed from being missed.
    """

    __tablename__ = "status_lists"
    __table_args__ = (UniqueConstraint("university_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    bits: Mapped[int] = mapped_column(Integer)
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer, default=0)
    signed_version: Mapped[int | None] = mapped_column(Integer)
    token: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class TokenKind(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


class IssuanceToken(Base):
    """An OAuth access or refresh token of the issuer, stored as a hash only.

    Every token names the order it comes from: an access token from the pre-authorized code
    grant activates that order's mobile ID, one from the refresh grant renews it. Refresh tokens
    rotate: each use spends the old one.
    """

    __tablename__ = "issuance_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TokenKind] = mapped_column(enum_column(TokenKind, 10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    spent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class IssuanceNonce(Base):
    """A ``c_nonce`` from the nonce endpoint: single use, short-lived (stored as a hash)."""

    __tablename__ = "issuance_nonces"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"))
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
