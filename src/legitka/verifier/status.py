"""The status of a credential from its issuer's Token Status List, cached in the database.

A fetched list is used until its ``ttl`` runs out (``refresh_at``), then fetched again. When
fetching fails, the cached list is still used until its ``exp``: never after (R21). So a failure
gives ``status_unavailable`` (nothing usable was ever fetched) or ``status_stale`` (only a list
past its ``exp`` is known), never ``revoked``.

The token is checked as the specification says: ``typ: statuslist+jwt``, ES256 by a certificate
of the same issuer as the credential (chained to the trusted roots), ``sub`` equal to the URI,
``exp`` in the future. The cache table is shared by every process of the deployment.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from legitka.credentials import jose
from legitka.credentials.status_list import StatusList, StatusListError, read_status_list_claims
from legitka.registry.models import VerifierStatusList
from legitka.verifier.trust import Trust, UntrustedIssuer

logger = logging.getLogger("legitka.verifier")

STATUS_TYP = "statuslist+jwt"
DEFAULT_TTL = 300
MAX_TOKEN_BYTES = 4 * 1024 * 1024
FETCH_TIMEOUT = 5.0


@dataclass(frozen=True)
class StatusReading:
    """A credential's status (0 valid, 1 invalid, 2 suspended) or why there is none."""

    value: int | None
    reason: str | None  # status_unavailable, status_stale
    fetched_at: dt.datetime | None = None


class StatusSource(Protocol):
    def read(self, uri: str, index: int, issuer: str, now: dt.datetime) -> StatusReading: ...


class StatusTokenError(Exception):
    """A Status List Token that cannot be used."""


def check_token(
    token: str, *, uri: str, issuer: str, trust: Trust, now: dt.datetime
) -> tuple[StatusList, dict[str, Any]]:
    """The list in a Status List Token from ``uri`` for credentials of ``issuer``."""
    try:
        header = jose.unverified_header(token)
        if header.get("typ") != STATUS_TYP:
            raise StatusTokenError("the token's typ is not statuslist+jwt")
        leaf = trust.issuer_certificate(header.get("x5c") or [], issuer, now)
        key = leaf.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise StatusTokenError("the status list key is not an EC key")
        _, claims = jose.verify_claims(token, key)
        return read_status_list_claims(claims, uri=uri, now=int(now.timestamp())), claims
    except (jose.JoseError, StatusListError, UntrustedIssuer) as exc:
        raise StatusTokenError(str(exc)) from None


class CachedStatusSource:
    """Status lists fetched over HTTP and cached in ``verifier_status_lists``.

    No database transaction is open while fetching: the list may come from this very server.
    With ``fetch=False`` only the cache is read (the offline check of a verifier without network).
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        trust: Trust,
        http: httpx.Client | None = None,
        *,
        fetch: bool = True,
    ) -> None:
        self.sessions = sessions
        self.trust = trust
        self.http = http
        self.fetch = fetch

    def _cached(self, uri: str) -> VerifierStatusList | None:
        with self.sessions() as session:
            row = session.scalar(select(VerifierStatusList).where(VerifierStatusList.uri == uri))
            if row is not None:
                session.expunge(row)
            return row

    def _download(self, uri: str) -> str | None:
        if self.http is None:
            return None
        try:
            response = self.http.get(
                uri, headers={"Accept": "application/statuslist+jwt"}, timeout=FETCH_TIMEOUT
            )
        except httpx.HTTPError as exc:
            logger.warning("status list %s not fetched: %s", uri, type(exc).__name__)
            return None
        if response.status_code != 200 or len(response.content) > MAX_TOKEN_BYTES:
            logger.warning("status list %s not fetched: HTTP %s", uri, response.status_code)
            return None
        return response.text.strip()

    def _store(self, uri: str, token: str, claims: dict[str, Any], now: dt.datetime) -> None:
        ttl = claims.get("ttl")
        ttl = int(ttl) if isinstance(ttl, int | float) and ttl > 0 else DEFAULT_TTL
        expires = dt.datetime.fromtimestamp(int(claims["exp"]), dt.UTC)
        refresh = min(now + dt.timedelta(seconds=ttl), expires)
        with self.sessions() as session:
            row = session.scalar(select(VerifierStatusList).where(VerifierStatusList.uri == uri))
            if row is None:
                row = VerifierStatusList(uri=uri)
                session.add(row)
            row.token, row.fetched_at, row.refresh_at, row.expires_at = token, now, refresh, expires
            try:
                session.commit()
            except IntegrityError:  # another process stored it at the same moment
                session.rollback()

    def _value(self, token: str, uri: str, index: int, issuer: str, now: dt.datetime) -> int:
        bits, _ = check_token(token, uri=uri, issuer=issuer, trust=self.trust, now=now)
        return bits.get(index)

    def read(self, uri: str, index: int, issuer: str, now: dt.datetime) -> StatusReading:
        cached = self._cached(uri)
        if cached is not None and now < cached.refresh_at and now < cached.expires_at:
            return self._reading(cached.token, cached.fetched_at, uri, index, issuer, now)
        token = self._download(uri) if self.fetch else None
        if token is not None:
            try:
                bits, claims = check_token(token, uri=uri, issuer=issuer, trust=self.trust, now=now)
            except StatusTokenError as exc:
                logger.warning("status list %s refused: %s", uri, exc)
            else:
                self._store(uri, token, claims, now)
                return _from_bits(bits, index, now)
        if cached is None:
            return StatusReading(None, "status_unavailable")
        if now >= cached.expires_at:
            return StatusReading(None, "status_stale", cached.fetched_at)
        return self._reading(cached.token, cached.fetched_at, uri, index, issuer, now)

    def _reading(
        self, token: str, fetched: dt.datetime, uri: str, index: int, issuer: str, now: dt.datetime
    ) -> StatusReading:
        try:
            bits, _ = check_token(token, uri=uri, issuer=issuer, trust=self.trust, now=now)
        except StatusTokenError:
            return StatusReading(None, "status_unavailable")
        return _from_bits(bits, index, fetched)


def _from_bits(bits: StatusList, index: int, fetched: dt.datetime) -> StatusReading:
    try:
        return StatusReading(bits.get(index), None, fetched)
    except StatusListError:
        return StatusReading(None, "status_unavailable", fetched)
