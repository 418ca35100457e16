"""Integrators' keys for the verifier's API (ticket machines, libraries).

``POST /verifier/api/v1/requests`` and the status URL need ``Authorization: Bearer <key>``
unless ``verifier_api_open`` is set (a private network). A key is a random secret shown once,
when it is created (``legitka verifier keys create NAME``); the database keeps only its
SHA-256, so a copy of the database cannot be used to call the API. A revoked key is refused
at once by every process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from legitka.domain.errors import InvalidInput, LegitkaError, NotFound
from legitka.domain.text import N_
from legitka.registry.models import VerifierApiKey

PREFIX = "lvk_"
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most this often


@dataclass(frozen=True)
class NewKey:
    id: int
    name: str
    secret: str  # shown once, never stored


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(session: Session, now: dt.datetime, name: str) -> NewKey:
    """A new key named ``name`` (who uses it); its secret is in the answer only."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput(
            "invalid_key_name", N_("Name the key in 1 to 100 characters."), field="name"
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    key = VerifierApiKey(name=name, secret_hash=secret_hash(secret), created_at=now)
    session.add(key)
    session.flush()
    return NewKey(key.id, key.name, secret)


def list_keys(session: Session) -> list[VerifierApiKey]:
    return list(session.scalars(select(VerifierApiKey).order_by(VerifierApiKey.id)))


def revoke(session: Session, now: dt.datetime, key_id: int) -> VerifierApiKey:
    """Revoke the key ``key_id`` (revoking it again changes nothing)."""
    key = session.get(VerifierApiKey, key_id)
    if key is None:
        raise NotFound("unknown_api_key", N_("There is no API key {id}."), field="id", id=key_id)
    if key.revoked_at is None:
        key.revoked_at = now
    return key


def invalid_key() -> LegitkaError:
    return LegitkaError(
        "invalid_api_key",
        N_("Send a valid API key: Authorization: Bearer <key> (legitka verifier keys create)."),
        status=401,
    )


def authenticate(session: Session, now: dt.datetime, authorization: str | None) -> VerifierApiKey:
    """The live key named by an ``Authorization: Bearer`` header, or ``invalid_api_key`` (401)."""
    scheme, _, secret = (authorization or "").strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(PREFIX) or len(secret) > 200:
        raise invalid_key()
    digest = secret_hash(secret)
    key = session.scalar(select(VerifierApiKey).where(VerifierApiKey.secret_hash == digest))
    if (
        key is None
        or key.revoked_at is not None
        or not hmac.compare_digest(key.secret_hash, digest)
    ):
        raise invalid_key()
    if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
        key.last_used_at = now
    return key
