"""Validating an SD-JWT VC presentation (SD-JWT+KB) against what a request expected.

Pure but for the status source: takes ``now``, the trust and a :class:`StatusSource`, returns
an :class:`Outcome` with reason codes (none: valid) and never a bare ``False``.

It uses legitka's own ``credentials/sd_jwt.py`` rather than the ``sd-jwt`` reference library:
each check here must end in its own reason code (``bad_disclosure``, ``wrong_nonce``,
``stale_key_binding``…), which the reference verifier reports as one generic exception, and our
parser bounds sizes of outside input. The reference library checks our output in the tests.

Order matters: nothing from the credential is trusted (and no status list URI it names is
fetched) before the issuer's signature and certificate chain are checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeGuard

from cryptography.hazmat.primitives.asymmetric import ec

from legitka.credentials import jose, sd_jwt
from legitka.credentials.jose import JoseError
from legitka.credentials.sd_jwt import SdJwtError
from legitka.verifier.reasons import Outcome
from legitka.verifier.status import StatusSource
from legitka.verifier.trust import Trust, UntrustedIssuer

LEEWAY = 60  # seconds of clock difference allowed on exp, nbf and iat
KB_MAX_AGE = 300  # a key-binding JWT older than this is stale
KB_MAX_FUTURE = 60
ALWAYS_VISIBLE = frozenset({"iss", "iat", "nbf", "exp", "vct", "cnf", "status", "sub"})


@dataclass(frozen=True)
class Expected:
    """What the verifier asked for: the presentation must match it."""

    nonce: str | None  # None: any nonce of the wallet's own (the offline check)
    audience: str
    vct_values: tuple[str, ...]
    claims: tuple[str, ...]  # selectively disclosed claims asked for
    optional: tuple[str, ...] = ()  # may be shown, need not be
    kb_max_age: int = KB_MAX_AGE
    kb_max_future: int = KB_MAX_FUTURE

    @cached_property
    def claim_set(self) -> frozenset[str]:
        return frozenset(self.claims)

    @cached_property
    def allowed(self) -> frozenset[str]:
        """Every claim that may be shown besides those always visible."""
        return frozenset(self.claims) | frozenset(self.optional)


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _issuer_signed(
    parsed: sd_jwt.SdJwt,
    header: dict[str, Any],
    payload: dict[str, Any],
    trust: Trust,
    now: dt.datetime,
    outcome: Outcome,
) -> dict[str, Any] | None:
    """The issuer-signed ``payload`` once verified, or None with the reason added. ``header``
    and ``payload`` are what ``sd_jwt.parse_with_headers`` read of ``parsed.jwt``."""
    if header.get("typ") != sd_jwt.VC_TYP:
        outcome.add("wrong_type")
        return None
    try:
        leaf = trust.issuer_certificate(header.get("x5c") or [], payload.get("iss"), now)
    except UntrustedIssuer:
        outcome.add("untrusted_issuer")
        return None
    key = leaf.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        outcome.add("untrusted_issuer")
        return None
    try:
        # the header and payload parsed from this very token are the ones signed: the signature
        # is checked over their segments, with no second parse of the token
        jose.verify_signature(parsed.jwt, header, key)
    except JoseError:
        outcome.add("bad_signature")
        return None
    return payload


def _times(payload: dict[str, Any], now: int, outcome: Outcome) -> None:
    exp, nbf, iat = payload.get("exp"), payload.get("nbf"), payload.get("iat")
    if not _number(exp):
        outcome.add("malformed")
    elif exp + LEEWAY <= now:
        outcome.add("expired")
    if (_number(nbf) and nbf - LEEWAY > now) or (_number(iat) and iat - LEEWAY > now):
        outcome.add("not_yet_valid")


def _key_binding(
    parsed: sd_jwt.SdJwt,
    payload: dict[str, Any],
    expected: Expected,
    now: int,
    outcome: Outcome,
    presentation: str,
    header: dict[str, Any] | None,
) -> None:
    """``header``: the KB-JWT's, as ``sd_jwt.parse_with_headers`` read it."""
    if parsed.kb_jwt is None or header is None:
        outcome.add("bad_key_binding")
        return
    try:
        holder_key = jose.key_from_jwk((payload.get("cnf") or {}).get("jwk"))
        kb = jose.verify_parsed(parsed.kb_jwt, header, holder_key)
    except (JoseError, AttributeError):
        outcome.add("bad_key_binding")
        return
    if header.get("typ") != sd_jwt.KB_TYP:
        outcome.add("bad_key_binding")
    # what the KB-JWT signs: the presentation up to its last "~", as parse split it
    signed = presentation[: len(presentation) - len(parsed.kb_jwt)]
    if kb.get("sd_hash") != sd_jwt.sd_hash(signed):
        outcome.add("bad_key_binding")
    nonce = kb.get("nonce")
    wellformed = isinstance(nonce, str) and 0 < len(nonce) <= 256
    if not wellformed or (expected.nonce is not None and nonce != expected.nonce):
        outcome.add("wrong_nonce")
    if kb.get("aud") != expected.audience:
        outcome.add("wrong_audience")
    iat = kb.get("iat")
    if not _number(iat) or iat < now - expected.kb_max_age or iat > now + expected.kb_max_future:
        outcome.add("stale_key_binding")


def _asked_for(claims: dict[str, Any], expected: Expected, outcome: Outcome) -> None:
    shown = claims.keys() - ALWAYS_VISIBLE
    if not expected.claim_set <= shown:
        outcome.add("missing_claims")
    if shown - expected.allowed:
        outcome.add("extra_claims")


def validate(
    presentation: Any,
    expected: Expected,
    *,
    trust: Trust,
    status: StatusSource,
    now: dt.datetime,
) -> Outcome:
    """Every check of OpenID4VP 1.0, SD-JWT VC and Token Status List on one presentation."""
    outcome = Outcome()
    try:
        parsed, header, unverified, kb_header = sd_jwt.parse_with_headers(presentation)
    except SdJwtError as exc:
        outcome.add("bad_disclosure" if exc.code == "bad_disclosure" else "malformed")
        return outcome
    payload = _issuer_signed(parsed, header, unverified, trust, now, outcome)
    if payload is None:
        return outcome
    try:
        claims = sd_jwt.disclosed_claims(payload, parsed.disclosures)
    except SdJwtError:
        outcome.add("bad_disclosure")
        return outcome
    if payload.get("vct") not in expected.vct_values:
        outcome.add("wrong_type")
    seconds = int(now.timestamp())
    _times(payload, seconds, outcome)
    _key_binding(parsed, payload, expected, seconds, outcome, presentation, kb_header)
    _asked_for(claims, expected, outcome)
    _status(payload, status, now, outcome)
    outcome.claims = {k: v for k, v in claims.items() if k not in ("cnf", "status")}
    return outcome


def _status(payload: dict[str, Any], source: StatusSource, now: dt.datetime, out: Outcome) -> None:
    status = payload.get("status")
    reference = status.get("status_list") if isinstance(status, dict) else None
    if not isinstance(reference, dict):
        out.add("malformed")
        return
    uri, index = reference.get("uri"), reference.get("idx")
    if not isinstance(uri, str) or not isinstance(index, int) or isinstance(index, bool):
        out.add("malformed")
        return
    reading = source.read(uri, index, payload["iss"], now)
    if reading.fetched_at is not None:
        out.status_checked_at = int(reading.fetched_at.timestamp())
    if reading.reason is not None:
        out.add(reading.reason)
    elif reading.value == 1:
        out.add("revoked")
    elif reading.value == 2:
        out.add("suspended")
    elif reading.value != 0:
        out.add("status_unavailable")  # 3 is reserved: no statement about the credential
