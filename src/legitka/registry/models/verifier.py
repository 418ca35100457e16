"""The verifier's state: open verification requests, what is left of them, and its caches.

Personal data (the disclosed claims) live only in ``verification_requests.claims`` and are wiped
a few minutes after the verdict; ``verification_outcomes`` keeps statistics without any.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from legitka.registry.models.base import Base, UtcDateTime


class VerificationRequest(Base):
    """One OpenID4VP request: ``id`` is the creator's secret (its status URL), ``ref`` the
    public name in ``request_uri`` and ``response_uri``. ``short_code`` is set while the
    request is pending and cleared after, so a code is unique among pending requests."""

    __tablename__ = "verification_requests"

    id: Mapped[str] = mapped_column(String(43), primary_key=True)
    ref: Mapped[str] = mapped_column(String(43), unique=True)
    short_code: Mapped[str | None] = mapped_column(String(6), unique=True)
    nonce: Mapped[str] = mapped_column(String(43))
    state: Mapped[str] = mapped_column(String(43))
    preset: Mapped[str] = mapped_column(String(30))
    client_id: Mapped[str] = mapped_column(String(200))
    enc_kid: Mapped[str] = mapped_column(String(43))
    enc_key: Mapped[str | None] = mapped_column(Text)  # the private JWK, sealed (AES-GCM)
    redirect_uri: Mapped[str | None] = mapped_column(String(2000))
    response_code_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    verdict: Mapped[str | None] = mapped_column(String(10))
    reasons: Mapped[list[str] | None] = mapped_column(JSON)
    claims: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    claims_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), index=True)
    status_checked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    trust_checked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class VerificationOutcome(Base):
    """Statistics of one verification: no personal data, only what happened and when."""

    __tablename__ = "verification_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # online, offline
    preset: Mapped[str | None] = mapped_column(String(30))
    verdict: Mapped[str] = mapped_column(String(10))
    reasons: Mapped[str] = mapped_column(String(400))  # comma-separated reason codes


class VerifierStatusList(Base):
    """A Status List Token the verifier fetched: used until ``refresh_at`` (its ``ttl``),
    kept as a fallback until ``expires_at`` (its ``exp``) and never after."""

    __tablename__ = "verifier_status_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    uri: Mapped[str] = mapped_column(String(500), unique=True)
    token: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    refresh_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class CodeLookupFailure(Base):
    """A short code that matched nothing, by a hashed client address (rate limiting)."""

    __tablename__ = "code_lookup_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)


class PublicRequestMark(Base):
    """A verification request created through the public page, by a hashed client address
    (rate limiting: ``verifier/limits.py``)."""

    __tablename__ = "verifier_public_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)


class VerifierApiKey(Base):
    """An integrator's key for the verifier's API (a ticket machine, a library). Only the
    SHA-256 of the secret is kept; the secret is shown once, when the key is created."""

    __tablename__ = "verifier_api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class VerifierTrustList(Base):
    """A trust list the verifier fetched from ``verifier_trust_list_url``: refreshed when older
    than an hour, kept as the fallback of a verifier without network until its ``exp``."""

    __tablename__ = "verifier_trust_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500), unique=True)
    document: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
