"""Where the verifier's trust comes from: configured root CAs, or a signed trust list.

* ``verifier_trusted_roots`` (PEM files) name the root CAs whose issuers are trusted; without
  them, this deployment's own roots (``data_dir/pki``).
* ``verifier_trust_list_url`` names a trust list (``/trust/list.json`` of a legitka deployment or
  a federation's), verified against ``verifier_trust_list_roots`` (else the trusted roots). With
  one, only its ``credential_issuer`` entities are trusted (:class:`~legitka.verifier.trust.Trust`).

The fetched list is kept in the database (``verifier_trust_lists``, shared by every process)
with its fetch time and fetched again when older than :data:`REFRESH`. When that fails the
cached list is used, and said to be that old, until its ``exp``; after that no issuer is
trusted and the reason is ``trust_unavailable`` (never a verdict on the student ID itself).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography import x509
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from legitka.config import Settings
from legitka.credentials.pki import Pki
from legitka.credentials.trust_list import TrustList, TrustListError, read_trust_list
from legitka.domain.errors import InvalidInput
from legitka.issuer.urls import vct
from legitka.registry.models import VerifierTrustList
from legitka.verifier.reasons import Outcome
from legitka.verifier.trust import Trust

logger = logging.getLogger("legitka.verifier")

REFRESH = dt.timedelta(hours=1)
FETCH_TIMEOUT = 5.0
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
TRUST_LIST_PATH = "/trust/list.json"


def read_roots(paths: Sequence[Path], setting: str) -> tuple[x509.Certificate, ...]:
    """Every certificate in the PEM files ``paths`` (a file may hold several)."""
    roots: list[x509.Certificate] = []
    for path in paths:
        try:
            roots.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
        except (OSError, ValueError) as exc:
            raise InvalidInput(
                "invalid_setting",
                "Setting '{setting}': {path} is not a readable PEM certificate file ({reason}).",
                field=setting, setting=setting, path=str(path), reason=type(exc).__name__,
            ) from None  # fmt: skip
    if paths and not roots:
        raise InvalidInput(
            "invalid_setting", "Setting '{setting}' names no certificate.", field=setting,
            setting=setting,
        )  # fmt: skip
    return tuple(roots)


def deployment_of(url: str) -> str:
    """The deployment a trust list URL belongs to (``https://x/trust/list.json`` → ``https://x``)."""
    url = url.rstrip("/")
    return url[: -len(TRUST_LIST_PATH)] if url.endswith(TRUST_LIST_PATH) else url


def accepted_vcts(settings: Settings) -> tuple[str, ...]:
    """The credential types the verifier asks for: its own and the trust list's deployment's."""
    values = [vct(settings.effective_base_url)]
    if settings.verifier_trust_list_url:
        other = vct(deployment_of(settings.verifier_trust_list_url))
        if other not in values:
            values.append(other)
    return tuple(values)


@dataclass(frozen=True)
class TrustState:
    """The trust to check credentials with, how old it is, and whether it could be had."""

    trust: Trust
    checked_at: dt.datetime | None = None  # when the trust list was fetched (None: no list)
    unavailable: bool = False  # a trust list is configured but none is usable now
    vct_values: tuple[str, ...] = field(default_factory=tuple)

    def explain(self, outcome: Outcome) -> Outcome:
        """Say how old the trust is; an issuer refused for want of a list: ``trust_unavailable``."""
        if self.checked_at is not None:
            outcome.trust_checked_at = int(self.checked_at.timestamp())
        if self.unavailable and "untrusted_issuer" in outcome.reasons:
            outcome.reasons = [
                "trust_unavailable" if code == "untrusted_issuer" else code
                for code in outcome.reasons
            ]
        return outcome


class TrustSource:
    """The verifier's trust from the settings; the trust list cached in the database."""

    def __init__(
        self, settings: Settings, pki: Pki, sessions: sessionmaker[Session],
        http: httpx.Client | None = None, *, fetch: bool = True,
    ) -> None:  # fmt: skip
        self.settings = settings
        self.pki = pki
        self.sessions = sessions
        self.http = http
        self.fetch = fetch

    def roots(self) -> tuple[x509.Certificate, ...]:
        configured = self.settings.verifier_trusted_roots
        if configured:
            return read_roots(configured, "verifier_trusted_roots")
        return tuple(self.pki.root_certificates())

    def list_roots(self) -> tuple[x509.Certificate, ...]:
        configured = self.settings.verifier_trust_list_roots
        if configured:
            return read_roots(configured, "verifier_trust_list_roots")
        return self.roots()

    def current(self, now: dt.datetime) -> TrustState:
        vcts = accepted_vcts(self.settings)
        url = self.settings.verifier_trust_list_url
        if url is None:
            return TrustState(Trust(self.roots()), vct_values=vcts)
        anchors = self.list_roots()
        cached = self._cached(url)
        if cached is not None and now - cached.fetched_at < REFRESH:
            listed = self._read(cached.document, anchors, now)
            if listed is not None:
                return TrustState(Trust(anchors, listed), cached.fetched_at, vct_values=vcts)
        document = self._download(url) if self.fetch else None
        if document is not None:
            listed = self._read(document, anchors, now)
            if listed is not None:
                self._store(url, document, listed, now)
                return TrustState(Trust(anchors, listed), now, vct_values=vcts)
        if cached is not None:
            listed = self._read(cached.document, anchors, now)
            if listed is not None:  # offline: the cached list until its exp
                return TrustState(Trust(anchors, listed), cached.fetched_at, vct_values=vcts)
        checked = cached.fetched_at if cached is not None else None
        return TrustState(Trust(()), checked, unavailable=True, vct_values=vcts)

    @staticmethod
    def _read(
        document: str, anchors: tuple[x509.Certificate, ...], now: dt.datetime
    ) -> TrustList | None:
        try:
            return read_trust_list(document, anchors, now)
        except TrustListError as exc:
            logger.warning("trust list refused: %s", exc.code)
            return None

    def _cached(self, url: str) -> VerifierTrustList | None:
        with self.sessions() as session:
            row = session.scalar(select(VerifierTrustList).where(VerifierTrustList.url == url))
            if row is not None:
                session.expunge(row)
            return row

    def _download(self, url: str) -> str | None:
        if self.http is None:
            return None
        try:
            response = self.http.get(url, timeout=FETCH_TIMEOUT)
        except httpx.HTTPError as exc:
            logger.warning("trust list %s not fetched: %s", url, type(exc).__name__)
            return None
        if response.status_code != 200 or len(response.content) > MAX_DOCUMENT_BYTES:
            logger.warning("trust list %s not fetched: HTTP %s", url, response.status_code)
            return None
        return response.text

    def _store(self, url: str, document: str, listed: TrustList, now: dt.datetime) -> None:
        with self.sessions() as session:
            row = session.scalar(select(VerifierTrustList).where(VerifierTrustList.url == url))
            if row is None:
                row = VerifierTrustList(url=url)
                session.add(row)
            row.document, row.fetched_at, row.expires_at = document, now, listed.expires_at
            try:
                session.commit()
            except IntegrityError:  # another process stored it at the same moment
                session.rollback()
