"""``Idempotency-Key``: a request repeated with the same key gets the first answer again.

The answer is stored with the key in the same transaction as the change it reports, so a
repeat after a lost response, or two copies racing each other, make one change. A key reused for
a different request is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.errors import InvalidInput, LegitkaError
from legitka.domain.text import N_
from legitka.registry.models import IdempotentRequest

KEEP = dt.timedelta(days=1)
MAX_KEY_LENGTH = 100


class KeyReused(LegitkaError):
    status = 422


@dataclass(frozen=True)
class Stored:
    status: int
    body: dict[str, Any]


def check_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(
            "invalid_idempotency_key",
            N_("The Idempotency-Key header must be 1 to 100 printable characters."),
            field="Idempotency-Key",
        )
    return key


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\x1f".join([method.encode(), path.encode(), body])).hexdigest()


def replay(session: Session, principal: str, key: str, fingerprint: str) -> Stored | None:
    found = session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.session_principal == principal, IdempotentRequest.key == key
        )
    )
    if found is None:
        return None
    if found.request_hash != fingerprint:
        raise KeyReused(
            "idempotency_key_reused",
            N_("This Idempotency-Key was used for another request: use a new key."),
            field="Idempotency-Key",
        )
    return Stored(found.status, found.response)


def remember(
    session: Session,
    clock: Clock,
    principal: str,
    key: str,
    fingerprint: str,
    stored: Stored,
) -> bool:
    """Store the answer with the change; ``False`` when another copy stored one first (the
    caller then rolls back its own change and answers with :func:`replay`)."""
    try:
        with session.begin_nested():
            session.add(
                IdempotentRequest(
                    session_principal=principal, key=key, request_hash=fingerprint,
                    status=stored.status, response=stored.body, created_at=clock.now(),
                )
            )  # fmt: skip
            session.flush()
    except IntegrityError:
        return False
    return True


def purge(session: Session, clock: Clock) -> int:
    result = session.execute(
        delete(IdempotentRequest).where(IdempotentRequest.created_at <= clock.now() - KEEP)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
