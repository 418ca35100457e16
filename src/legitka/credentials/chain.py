"""X.509 chain validation for ``x5c`` headers, as verifiers and holders need it (HAIP).

:func:`validate_chain` checks the chain a JWS carries against the configured trust anchors and
returns the validated leaf. HAIP's rules come first, each with its own code: the leaf is not
self-signed (``self_signed_leaf``) and the trust anchor is never sent (``root_in_chain``). Then
every certificate's validity, every issuer's CA status and every signature are checked by hand for
a precise reason code, and finally ``cryptography``'s own path validation (RFC 5280 profile) has
the last word. Failures raise :class:`ChainError`; the codes are listed in ``CHAIN_CODES``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from legitka.domain.errors import LegitkaError

MAX_CHAIN = 5
CHAIN_CODES = (
    "malformed_certificate",
    "self_signed_leaf",
    "root_in_chain",
    "certificate_not_yet_valid",
    "certificate_expired",
    "not_a_ca",
    "untrusted_issuer",
)


class ChainError(LegitkaError):
    """An ``x5c`` chain that cannot be trusted; ``code`` is one of ``CHAIN_CODES``."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(code, message, **params)


def parse_x5c(x5c: Any, *, limit: int = MAX_CHAIN) -> list[x509.Certificate]:
    """The certificates of an ``x5c`` value: a list of standard base64 DER strings."""
    if not isinstance(x5c, list | tuple) or not x5c:
        raise ChainError(
            "malformed_certificate", "x5c must be a non-empty list of base64 DER certificates."
        )
    if len(x5c) > limit:
        raise ChainError(
            "malformed_certificate", "x5c has more than {limit} certificates.", limit=limit
        )
    certificates = []
    for position, item in enumerate(x5c):
        try:
            if not isinstance(item, str):
                raise ValueError("not a string")
            certificates.append(
                x509.load_der_x509_certificate(base64.b64decode(item, validate=True))
            )
        except (ValueError, binascii.Error):
            raise ChainError(
                "malformed_certificate",
                "x5c entry {position} is not a base64 DER certificate.",
                position=position,
            ) from None
    return certificates


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _self_signed(certificate: x509.Certificate) -> bool:
    return certificate.issuer == certificate.subject and _issued_by(certificate, certificate)


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return constraints.ca
    return constraints.ca and usage.key_cert_sign


def _subject(certificate: x509.Certificate) -> str:
    return certificate.subject.rfc4514_string() or f"serial {certificate.serial_number:x}"


def _check_validity(certificate: x509.Certificate, now: dt.datetime, what: str) -> None:
    if now < certificate.not_valid_before_utc:
        raise ChainError(
            "certificate_not_yet_valid",
            "The {what} certificate {subject} is valid only from {start}.",
            what=what,
            subject=_subject(certificate),
            start=certificate.not_valid_before_utc.isoformat(),
        )
    if now >= certificate.not_valid_after_utc:
        raise ChainError(
            "certificate_expired",
            "The {what} certificate {subject} expired on {end}.",
            what=what,
            subject=_subject(certificate),
            end=certificate.not_valid_after_utc.isoformat(),
        )


def _anchor(
    last: x509.Certificate, roots: Sequence[x509.Certificate], now: dt.datetime
) -> x509.Certificate:
    """The configured root that signed ``last`` and is valid at ``now``."""
    candidates = [root for root in roots if _issued_by(last, root)]
    if not candidates:
        raise ChainError(
            "untrusted_issuer",
            "The certificate {subject} does not chain to a trusted root CA.",
            subject=_subject(last),
        )
    current = [r for r in candidates if r.not_valid_before_utc <= now < r.not_valid_after_utc]
    if not current:
        _check_validity(candidates[0], now, "root CA")
    anchor = current[0]
    if not _is_ca(anchor):
        raise ChainError(
            "not_a_ca", "The trust anchor {subject} is not a CA.", subject=_subject(anchor)
        )
    return anchor


def validate_chain(
    x5c: Sequence[str], roots: Sequence[x509.Certificate], now: dt.datetime
) -> x509.Certificate:
    """The leaf of ``x5c`` once its chain to one of ``roots`` is valid at ``now``."""
    if now.tzinfo is None:
        raise ValueError("validate_chain needs an aware datetime")
    chain = parse_x5c(x5c)
    if not roots:
        raise ChainError("untrusted_issuer", "No trust anchor (root CA) is configured.")
    leaf = chain[0]
    root_ders = {root.public_bytes(Encoding.DER) for root in roots}
    if _self_signed(leaf):
        raise ChainError(
            "self_signed_leaf",
            "The signing certificate {subject} is self-signed: it must be issued by a CA.",
            subject=_subject(leaf),
        )
    for certificate in chain[1:]:
        if certificate.public_bytes(Encoding.DER) in root_ders or _self_signed(certificate):
            raise ChainError(
                "root_in_chain",
                "x5c contains the root CA {subject}: the trust anchor must not be sent.",
                subject=_subject(certificate),
            )
    for position, certificate in enumerate(chain):
        _check_validity(certificate, now, "signing" if position == 0 else "intermediate")
    for certificate, issuer in itertools.pairwise(chain):
        if not _issued_by(certificate, issuer):
            raise ChainError(
                "untrusted_issuer",
                "The certificate {subject} is not issued by the next one in x5c.",
                subject=_subject(certificate),
            )
        if not _is_ca(issuer):
            raise ChainError(
                "not_a_ca",
                "The certificate {subject} signs another certificate but is not a CA.",
                subject=_subject(issuer),
            )
    _anchor(chain[-1], roots, now)
    verifier = PolicyBuilder().store(Store(list(roots))).time(now).build_client_verifier()
    try:
        verifier.verify(leaf, chain[1:])
    except VerificationError as exc:
        raise ChainError(
            "untrusted_issuer",
            "The certificate chain is not valid: {reason}.",
            reason=str(exc).split(" (encountered", 1)[0],
        ) from None
    return leaf
