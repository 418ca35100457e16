"""The status of a credential from its issuer's Token Status List, cached in the database.

A fetched list is used until its ``ttl`` runs out (``refresh_at``), then fetched again. When
fetching fails, the cached list is still used until its ``exp``: never after (R21). So a failure
gives ``status_unavailable`` (nothing usable was ever fetched) or ``status_stale`` (only a list
past its ``exp`` is known), never ``revoked``.

The token is checked as the specification says: ``typ: statuslist+jwt``, ES256 by a certificate
of the same issuer as the credential (chained to the trusted roots), ``sub`` equal to the URI,
``exp`` in the future. The cache table is shared by every process of the deployment.

Within a process two memories save work, neither changing what is believed:

* a checked token's claims and decoded list are kept by its exact text (and the URI, issuer and
  roots it was checked for): the same token is not verified and inflated again. Its ``exp`` and
  ``nbf`` and its certificate chain are still checked against ``now`` at every reading;
* a fresh database row (``now`` before its ``refresh_at`` and ``exp``) is kept until then: the
  row cannot change before ``refresh_at``, since it is only replaced by a fetch after it.
"""

from __future__ import annotations

import datetime as dt
import logging
import weakref
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
MAX_REMEMBERED = 32  # decoded lists kept per process (a 2 000 000-entry list is 500 kB)


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


_decoded: dict[tuple[str, str, str, tuple[Any, ...]], tuple[StatusList, dict[str, Any], Any]] = {}
_rows: weakref.WeakKeyDictionary[sessionmaker[Session], dict[str, VerifierStatusList]] = (
    weakref.WeakKeyDictionary()
)


def _still_valid(claims: dict[str, Any], now: int) -> None:
    """The time checks of ``read_status_list_claims``, for a token already read once."""
    if claims["exp"] <= now:
        raise StatusListError("expired", "the Status List Token has expired")
    if "nbf" in claims and claims["nbf"] > now:
        raise StatusListError("not_yet_valid", "the Status List Token is not valid yet")


def check_token(
    token: str, *, uri: str, issuer: str, trust: Trust, now: dt.datetime
) -> tuple[StatusList, dict[str, Any]]:
    """The list in a Status List Token from ``uri`` for credentials of ``issuer``."""
    try:
        seconds = int(now.timestamp())
        remembered = (token, uri, issuer, (trust.roots, trust.trust_list))
        known = _decoded.get(remembered)
        if known is not None:
            bits, claims, x5c = known
            # the chain is checked at ``now`` again (remembered by Trust while it stays valid)
            trust.issuer_certificate(x5c, issuer, now)
            _still_valid(claims, seconds)
            return bits, claims
        header = jose.unverified_header(token)
        if header.get("typ") != STATUS_TYP:
            raise StatusTokenError("the token's typ is not statuslist+jwt")
        x5c = header.get("x5c") or []
        leaf = trust.issuer_certificate(x5c, issuer, now)
        key = leaf.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise StatusTokenError("the status list key is not an EC key")
        _, claims = jose.verify_claims(token, key)
        bits = read_status_list_claims(claims, uri=uri, now=seconds)
        if len(_decoded) >= MAX_REMEMBERED:
            _decoded.clear()
        _decoded[remembered] = (bits, claims, x5c)
        return bits, claims
    except (jose.JoseError, StatusListError, UntrustedIssuer) as exc:
        raise StatusTokenError(str(exc)) from None


class CachedStatusSource:
    """Status lists fetched over HTTP and cached in ``verifier_status_lists``.

    No database transaction is open while fetching: the list may come from this very server.
    With ``fetch=False`` only the cache is read (the offline check of a verifier without network).
    With ``memory=False`` the database row is read at every reading (see the module's notes).
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        trust: Trust,
        http: httpx.Client | None = None,
        *,
        fetch: bool = True,
        memory: bool = True,
    ) -> None:
        self.sessions = sessions
        self.trust = trust
        self.http = http
        self.fetch = fetch
        self.memory = memory

    def _cached(self, uri: str, now: dt.datetime) -> VerifierStatusList | None:
        rows = _rows.setdefault(self.sessions, {}) if self.memory else {}
        row = rows.get(uri)
        if row is not None and now < row.refresh_at and now < row.expires_at:
            return row
        with self.sessions() as session:
            row = session.scalar(select(VerifierStatusList).where(VerifierStatusList.uri == uri))
            if row is not None:
                session.expunge(row)
        if row is not None and self.memory:
            rows[uri] = row
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
        cached = self._cached(uri, now)
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
