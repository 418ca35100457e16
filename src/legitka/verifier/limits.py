"""Rate limits of the verifier's public surfaces, counted in the database.

The public ``/verify`` page lets anyone create verification requests; one client address may
create at most ``verifier_public_requests_per_minute`` of them in a sliding minute. Each request
leaves a row (``verifier_public_requests``) holding only a keyed hash of the address and the
time, so every process behind a load balancer counts the same requests; ``purge`` drops rows
older than the window.

The route calls, in the transaction that creates the request::

    client = limits.client_key(settings.secret_key.get_secret_value(), address)
    limits.check_public(
        session, client, now, per_minute=settings.verifier_public_requests_per_minute
    )
"""

from __future__ import annotations

import datetime as dt
import math
import re

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from legitka.domain.errors import TooManyRequests
from legitka.domain.text import N_
from legitka.portal.auth import client_hash
from legitka.registry.models import PublicRequestMark

WINDOW = dt.timedelta(minutes=1)
PUBLIC_REQUESTS_PER_MINUTE = 30
_HASH = re.compile(r"[0-9a-f]{64}")


def client_key(secret_key: str, address: str) -> str:
    """The keyed hash (HMAC-SHA-256 under ``secret_key``) that stands for a client address."""
    return client_hash(secret_key, address)


def check_public(
    session: Session, client: str, now: dt.datetime, *,
    per_minute: int = PUBLIC_REQUESTS_PER_MINUTE,
) -> None:  # fmt: skip
    """Count one public verification request by ``client`` (a :func:`client_key`), or refuse it.

    Raises :class:`TooManyRequests` (``too_many_requests``, HTTP 429, ``retry_after`` = seconds
    until the oldest counted request leaves the window) when ``client`` already created
    ``per_minute`` requests in the last minute; a refused attempt is not counted. A raw address
    is refused with ``ValueError``: only its keyed hash may be stored.
    """
    if not _HASH.fullmatch(client):
        raise ValueError("pass the keyed hash of the address (limits.client_key), not the address")
    since = now - WINDOW
    recent = select(PublicRequestMark.at).where(
        PublicRequestMark.client_hash == client, PublicRequestMark.at > since
    )
    count = int(session.scalar(select(func.count()).select_from(recent.subquery())) or 0)
    if count >= per_minute:
        oldest = session.scalar(select(func.min(recent.subquery().c.at)))
        wait = (oldest + WINDOW - now).total_seconds() if oldest is not None else 60
        raise TooManyRequests(
            "too_many_requests",
            N_("Too many verifications from this device: wait {seconds} s and try again."),
            retry_after=math.ceil(wait),
            seconds=max(1, math.ceil(wait)),
        )
    session.add(PublicRequestMark(client_hash=client, at=now))
    session.flush()


def purge(session: Session, now: dt.datetime) -> int:
    """Drop the counted requests that left the window; the number dropped."""
    result = session.execute(delete(PublicRequestMark).where(PublicRequestMark.at <= now - WINDOW))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
