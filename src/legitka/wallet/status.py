"""What a holder's credential is worth right now: its validity dates and its status list entry.

:func:`standing` reads the Token Status List the credential points to (``status.status_list``
``{idx, uri}``), believes it only once its signature is checked (``x5c`` chained to the wallet's
trusted roots, signed by the credential's own issuer), and combines it with the credential's
``nbf``/``exp``. The answer is one of a closed set of codes, the verifier's words:

``valid``               the list says 0 and the dates hold
``revoked``             the list says 1 (INVALID): cancelled by the student or revoked
``suspended``           the list says 2 (SUSPENDED)
``expired``             the validity date has passed
``not_yet_valid``       the credential's ``nbf`` is in the future
``status_unavailable``  the list could not be fetched or believed: never reported as ``revoked``

A list that says revoked or suspended wins over an expiry (it is the stronger statement); an
expiry wins over an unavailable list (it needs no list).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from legitka.credentials import jose
from legitka.credentials.chain import ChainError, validate_chain
from legitka.credentials.status_list import StatusListError, StatusValue, read_status_list_claims

__all__ = ["STATUS_LIST_TYP", "Standing", "StatusReport", "StatusUnavailable", "standing"]

STATUS_LIST_TYP = "statuslist+jwt"
MAX_LIST_BYTES = 4 * 1024 * 1024


class Standing(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    STATUS_UNAVAILABLE = "status_unavailable"

    @property
    def invalid(self) -> bool:
        """Whether the ID must be shown as INVALID (``status_unavailable`` is not: it is
        unknown)."""
        return self in (
            Standing.REVOKED,
            Standing.SUSPENDED,
            Standing.EXPIRED,
            Standing.NOT_YET_VALID,
        )


class StatusUnavailable(Exception):
    """The status list could not be fetched or believed; ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class StatusReport:
    """The standing of a credential at ``checked_at``; ``detail`` explains an unavailable list."""

    standing: Standing
    checked_at: dt.datetime
    list_value: int | None = None
    detail: str | None = None
    detail_code: str | None = None


def _leaf(x5c: Any) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(base64.b64decode(x5c[0], validate=True))
    except (TypeError, IndexError, KeyError, ValueError, binascii.Error):
        raise StatusUnavailable("bad_signature", "the certificate in x5c is unreadable") from None


def _public_bytes(certificate: x509.Certificate) -> bytes:
    return certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def _names_issuer(certificate: x509.Certificate, issuer: str) -> bool:
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    return issuer in names.get_values_for_type(x509.UniformResourceIdentifier)


def read_entry(
    http: httpx.Client,
    credential_header: dict[str, Any],
    claims: dict[str, Any],
    *,
    trusted_roots: list[x509.Certificate],
    now: dt.datetime,
) -> int:
    """The credential's entry in its status list, fetched now and checked; a list that cannot
    be fetched or believed raises :class:`StatusUnavailable`."""
    reference = (claims.get("status") or {}).get("status_list")
    if not isinstance(reference, dict):
        raise StatusUnavailable("no_status", "the credential names no status list")
    uri, index = reference.get("uri"), reference.get("idx")
    if not isinstance(uri, str) or not isinstance(index, int) or isinstance(index, bool):
        raise StatusUnavailable("no_status", "the credential's status reference is malformed")
    try:
        response = http.get(uri, headers={"Accept": "application/statuslist+jwt"})
    except httpx.HTTPError as exc:
        raise StatusUnavailable("no_connection", f"cannot fetch {uri}: {exc}") from None
    if response.status_code != 200:
        raise StatusUnavailable("http_error", f"{uri} answered HTTP {response.status_code}")
    if len(response.content) > MAX_LIST_BYTES:
        raise StatusUnavailable("malformed", f"the status list at {uri} is too large")
    token = response.text.strip()
    try:
        header = jose.unverified_header(token)
        if header.get("typ") != STATUS_LIST_TYP:
            raise StatusUnavailable("malformed", f"the token at {uri} is not a statuslist+jwt")
        signer = validate_chain(header.get("x5c") or [], trusted_roots, now)
        public_key = signer.public_key()
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            raise StatusUnavailable("bad_signature", "the status list is not signed with EC")
        issuer = claims.get("iss")
        same_key = _public_bytes(signer) == _public_bytes(_leaf(credential_header.get("x5c")))
        if not same_key and not (isinstance(issuer, str) and _names_issuer(signer, issuer)):
            raise StatusUnavailable(
                "untrusted_issuer", "the status list is not signed by the credential's issuer"
            )
        _, list_claims = jose.verify_claims(token, public_key)
        status_list = read_status_list_claims(list_claims, uri=uri, now=int(now.timestamp()))
        return status_list.get(index)
    except ChainError as exc:
        raise StatusUnavailable(exc.code, f"the status list's signer: {exc.message}") from None
    except jose.JoseError as exc:
        raise StatusUnavailable(exc.code, f"the status list token: {exc.message}") from None
    except StatusListError as exc:
        raise StatusUnavailable(exc.code, f"the status list: {exc.message}") from None


def _dates(claims: dict[str, Any], now: dt.datetime) -> Standing | None:
    stamp = now.timestamp()
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if isinstance(exp, int | float) and stamp >= exp:
        return Standing.EXPIRED
    if isinstance(nbf, int | float) and stamp < nbf:
        return Standing.NOT_YET_VALID
    return None


def standing(
    http: httpx.Client,
    credential_header: dict[str, Any],
    claims: dict[str, Any],
    *,
    trusted_roots: list[x509.Certificate],
    now: dt.datetime,
) -> StatusReport:
    """The credential's standing now, from its dates and its live status list entry."""
    dates = _dates(claims, now)
    try:
        value = read_entry(http, credential_header, claims, trusted_roots=trusted_roots, now=now)
    except StatusUnavailable as exc:
        return StatusReport(
            dates or Standing.STATUS_UNAVAILABLE, now, detail=exc.message, detail_code=exc.code
        )
    if value == StatusValue.INVALID:
        return StatusReport(Standing.REVOKED, now, value)
    if value == StatusValue.SUSPENDED:
        return StatusReport(Standing.SUSPENDED, now, value)
    if value != StatusValue.VALID:
        return StatusReport(
            dates or Standing.STATUS_UNAVAILABLE, now, value,
            detail=f"the status list holds the unknown value {value}", detail_code="bad_value",
        )  # fmt: skip
    return StatusReport(dates or Standing.VALID, now, value)
