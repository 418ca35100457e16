"""``c_nonce`` values of the nonce endpoint (OpenID4VCI §7): fresh, single use, short-lived.

Stored as hashes in the database, so any app process can check a nonce another one gave out;
using one deletes it, which makes a replayed key proof fail.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.issuer import secrets
from legitka.issuer.config import IssuerConfig
from legitka.registry.models import IssuanceNonce, IssuanceToken


def issue(session: Session, clock: Clock, config: IssuerConfig, university_id: int) -> str:
    nonce = secrets.random_token(24)
    session.add(
        IssuanceNonce(
            nonce_hash=secrets.token_hash(nonce),
            university_id=university_id,
            expires_at=clock.now() + dt.timedelta(seconds=config.nonce_seconds),
        )
    )
    return nonce


def consume(session: Session, clock: Clock, university_id: int, nonce: str) -> bool:
    """Use up ``nonce``; ``False`` when it is unknown, used before, or expired."""
    result = session.execute(
        delete(IssuanceNonce).where(
            IssuanceNonce.nonce_hash == secrets.token_hash(nonce),
            IssuanceNonce.university_id == university_id,
            IssuanceNonce.expires_at > clock.now(),
        )
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def purge(session: Session, clock: Clock) -> int:
    """Forget expired nonces and expired tokens (the worker calls this now and then)."""
    now = clock.now()
    nonces = session.execute(delete(IssuanceNonce).where(IssuanceNonce.expires_at <= now))
    tokens = session.execute(delete(IssuanceToken).where(IssuanceToken.expires_at <= now))
    return int(nonces.rowcount) + int(tokens.rowcount)  # type: ignore[attr-defined]
