"""Verification requests: creating them, their signed request object, short codes, results.

A request lives five minutes. Its ``id`` is the creator's secret (the status URL shows the
data), its ``ref`` is public (the QR code's ``request_uri`` and the ``response_uri``), and its
6-digit short code stands for the QR code while the request is pending. The data a student
showed are wiped ``verifier_claims_retention`` seconds after the verdict, on read and by the
worker; ``verification_outcomes`` keeps the outcome without them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import math
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.credentials.jose import b64url_encode
from legitka.credentials.keys import SigningKey
from legitka.domain.errors import LegitkaError, TooManyRequests
from legitka.domain.text import N_
from legitka.issuer.errors import OAuthError
from legitka.registry.models import CodeLookupFailure, VerificationOutcome, VerificationRequest
from legitka.verifier import encryption, limits, presets
from legitka.verifier.reasons import Verdict, reasons_json

LIFETIME = dt.timedelta(minutes=5)
REQUEST_OBJECT_TYP = "oauth-authz-req+jwt"
WALLET_AUDIENCE = "https://self-issued.me/v2"
SCHEME = "openid4vp://"
CODE_FAILURES_PER_MINUTE = 20
_CODE = re.compile(r"[0-9]{6}")
PENDING, DONE, EXPIRED = "pending", "done", "expired"


@dataclass(frozen=True)
class VerifierContext:
    """What the verifier needs from the deployment: its URL, secret, key and retention."""

    base: str
    secret_key: str
    signer: SigningKey
    retention: int = 300
    vct_values: tuple[str, ...] = ()  # the credential types asked for; () = this deployment's

    @property
    def client_id(self) -> str:
        return client_id(self.base, self.signer)


def client_id(base: str, signer: SigningKey) -> str:
    """``x509_san_dns:{host}`` for a DNS host, ``x509_hash:{sha256 of the leaf}`` for an IP."""
    host = urlsplit(base).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return f"x509_san_dns:{host}"
    der = signer.certificate.public_bytes(Encoding.DER)
    return "x509_hash:" + b64url_encode(hashlib.sha256(der).digest())


def request_uri(base: str, ref: str) -> str:
    return f"{base}/verifier/request/{ref}"


def response_uri(base: str, ref: str) -> str:
    return f"{base}/verifier/response/{ref}"


def status_url(base: str, request_id: str) -> str:
    return f"{base}/verifier/api/v1/requests/{request_id}"


def qr_uri(client: str, uri: str) -> str:
    return f"{SCHEME}?client_id={quote(client, safe='')}&request_uri={quote(uri, safe='')}"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _redirect(value: Any) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("https", "http") or not parts.netloc:
        raise LegitkaError(
            "invalid_redirect_uri",
            N_("redirect_uri must be an absolute https URL."),
            field="redirect_uri",
            status=422,
        )
    if len(value) > 1900 or parts.fragment:
        raise LegitkaError(
            "invalid_redirect_uri",
            N_("redirect_uri must be shorter than 1900 characters and have no fragment."),
            field="redirect_uri",
            status=422,
        )
    return str(value)


def create(
    session: Session, clock: Clock, ctx: VerifierContext, preset: Any, redirect: Any = None
) -> dict[str, Any]:
    """A new pending request for ``preset``; the answer of ``POST /verifier/api/v1/requests``."""
    if not isinstance(preset, str) or preset not in presets.PRESETS:
        raise LegitkaError(
            "unknown_preset",
            N_("Unknown preset: choose student_status, discount or full."),
            field="preset",
            status=422,
        )
    redirect_uri = _redirect(redirect)
    now = clock.now()
    ref = secrets.token_urlsafe(16)
    private, public = encryption.new_key()
    request = VerificationRequest(
        id=secrets.token_urlsafe(32),
        ref=ref,
        nonce=secrets.token_urlsafe(24),
        state=secrets.token_urlsafe(24),
        preset=preset,
        client_id=ctx.client_id,
        enc_kid=public["kid"],
        enc_key=encryption.seal(ctx.secret_key, private, ref),
        redirect_uri=redirect_uri,
        status=PENDING,
        created_at=now,
        expires_at=now + LIFETIME,
    )
    code = _insert_with_short_code(session, clock, request)
    return {
        "id": request.id,
        "qr_uri": qr_uri(request.client_id, request_uri(ctx.base, ref)),
        "short_code": code,
        "status_url": status_url(ctx.base, request.id),
        "expires_at": _iso(request.expires_at),
    }


SHORT_CODE_TRIES = 20


def _free_code(session: Session, clock: Clock) -> str | None:
    """A random 6-digit code no live request holds (one indexed look, never a scan of the
    table); a lapsed request holding it gives it up at once. ``None``: drawn code in use."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    holder = session.scalar(
        select(VerificationRequest).where(VerificationRequest.short_code == code)
    )
    if holder is None:
        return code
    if holder.expires_at > clock.now() or holder.answered_at is not None:
        return None
    settle(session, clock, holder, commit=False)  # lapsed: expired, and its code freed
    return code


def _insert_with_short_code(session: Session, clock: Clock, request: VerificationRequest) -> str:
    """Insert ``request`` with a free short code; the unique constraint settles a race with
    another process drawing the same code at the same moment (then another code is drawn)."""
    for _ in range(SHORT_CODE_TRIES):
        code = _free_code(session, clock)
        if code is None:
            continue
        request.short_code = code
        try:
            with session.begin_nested():
                session.add(request)
                session.flush()
        except IntegrityError:
            continue  # the savepoint's rollback made ``request`` new again
        return code
    raise LegitkaError(
        "no_short_code", N_("No short code is free just now; try again in a moment."), status=503
    )


def _open(session: Session, clock: Clock, ref: str) -> VerificationRequest:
    request = session.scalar(select(VerificationRequest).where(VerificationRequest.ref == ref))
    if request is None or request.status != PENDING or request.answered_at is not None:
        raise OAuthError(
            "invalid_request", N_("This verification request is unknown or already answered."),
            status=404,
        )  # fmt: skip
    if request.expires_at <= clock.now():
        raise OAuthError(
            "invalid_request", N_("This verification request has expired."), status=404
        )
    return request


def public_key(ctx: VerifierContext, request: VerificationRequest) -> dict[str, Any]:
    assert request.enc_key is not None
    private = encryption.unseal(ctx.secret_key, request.enc_key, request.ref)
    public = {name: private[name] for name in ("kty", "crv", "x", "y")}
    return {**public, "kid": request.enc_kid, "use": "enc", "alg": encryption.ALG}


def request_object(session: Session, clock: Clock, ctx: VerifierContext, ref: str) -> str:
    """The signed request object (JAR, RFC 9101) served at ``request_uri``."""
    request = _open(session, clock, ref)
    now = int(clock.now().timestamp())
    claims = {
        "iss": request.client_id,
        "aud": WALLET_AUDIENCE,
        "iat": now,
        "exp": int(request.expires_at.timestamp()),
        "client_id": request.client_id,
        "response_type": "vp_token",
        "response_mode": "direct_post.jwt",
        "response_uri": response_uri(ctx.base, ref),
        "nonce": request.nonce,
        "state": request.state,
        "dcql_query": presets.dcql_query(ctx.base, request.preset, ctx.vct_values or None),
        "client_metadata": {
            "jwks": {"keys": [public_key(ctx, request)]},
            "encrypted_response_enc_values_supported": list(encryption.ENC_VALUES),
            "vp_formats_supported": {
                "dc+sd-jwt": {"sd-jwt_alg_values": ["ES256"], "kb-jwt_alg_values": ["ES256"]}
            },
        },
    }
    return ctx.signer.sign_jwt({"typ": REQUEST_OBJECT_TYP}, claims)


def lookup_code(
    session: Session, clock: Clock, ctx: VerifierContext, code: str, client: str
) -> str:
    """The QR code's URI of the pending request with short code ``code``.

    A client that typed 20 unknown codes in the last minute is refused (HTTP 429) before the
    code is looked at: one million codes cannot be tried in the five minutes a request lives.
    """
    now = clock.now()
    window = dt.timedelta(minutes=1)
    recent, oldest = session.execute(
        select(func.count(), func.min(CodeLookupFailure.at)).where(
            CodeLookupFailure.client_hash == client, CodeLookupFailure.at > now - window,
        )
    ).one()  # fmt: skip
    if (recent or 0) >= CODE_FAILURES_PER_MINUTE:
        wait = (oldest + window - now).total_seconds() if oldest is not None else 60
        raise TooManyRequests(
            "too_many_attempts",
            N_("Too many wrong codes: wait a minute and try again."),
            retry_after=math.ceil(wait),
        )
    request = None
    if _CODE.fullmatch(code):
        request = session.scalar(
            select(VerificationRequest).where(VerificationRequest.short_code == code)
        )
    if (
        request is None
        or request.status != PENDING
        or request.answered_at is not None
        or request.expires_at <= now
    ):
        session.add(CodeLookupFailure(client_hash=client, at=now))
        session.commit()
        raise LegitkaError(
            "unknown_code",
            N_("There is no verification with this code: check the code on the verifier's screen."),
            status=404,
        )
    return qr_uri(request.client_id, request_uri(ctx.base, request.ref))


def record(
    session: Session, now: dt.datetime, channel: str, preset: str | None, verdict: Verdict,
    reasons: list[str],
) -> None:  # fmt: skip
    """Statistics of one verification: outcome, reasons, preset and time, no personal data."""
    session.add(
        VerificationOutcome(
            at=now, channel=channel, preset=preset, verdict=verdict.value,
            reasons=",".join(reasons)[:400],
        )
    )  # fmt: skip


def expire_pending(session: Session, clock: Clock) -> int:
    """End every pending request past its expiry: its code and key go, its verdict is set."""
    now = clock.now()
    stale = list(session.scalars(select(VerificationRequest).where(
        VerificationRequest.status == PENDING,
        VerificationRequest.expires_at <= now,
        VerificationRequest.answered_at.is_(None),
    )))  # fmt: skip
    for request in stale:
        request.status, request.short_code, request.enc_key = EXPIRED, None, None
        request.verdict, request.reasons, request.decided_at = "expired", ["request_expired"], now
        record(session, now, "online", request.preset, Verdict.EXPIRED, ["request_expired"])
    return len(stale)


def settle(
    session: Session, clock: Clock, request: VerificationRequest, *, commit: bool = True
) -> None:
    """What :func:`purge` would do to ``request``, done now for the one being read (the worker
    purges every request in bulk): expired when pending past its expiry, shown data wiped past
    its retention. Committed at once; a concurrent reader expires it only once."""
    now = clock.now()
    changed = False
    if request.status == PENDING and request.expires_at <= now and request.answered_at is None:
        ended = session.execute(
            update(VerificationRequest)
            .where(
                VerificationRequest.id == request.id,
                VerificationRequest.status == PENDING,
                VerificationRequest.answered_at.is_(None),
            )
            .values(
                status=EXPIRED, short_code=None, enc_key=None, verdict="expired",
                reasons=["request_expired"], decided_at=now,
            )
        ).rowcount  # type: ignore[attr-defined]  # fmt: skip
        if ended:
            record(session, now, "online", request.preset, Verdict.EXPIRED, ["request_expired"])
        changed = True
    retention_over = request.claims_until is not None and request.claims_until <= now
    if request.claims is not None and retention_over:
        request.claims = None
        changed = True
    if changed and commit:
        session.commit()
        session.refresh(request)


def purge(session: Session, clock: Clock) -> int:
    """Expire lapsed requests, wipe shown data past their retention, drop old rate-limit rows."""
    now = clock.now()
    expired = expire_pending(session, clock)
    wiped = session.execute(
        update(VerificationRequest)
        .where(VerificationRequest.claims_until <= now, VerificationRequest.claims.is_not(None))
        .values(claims=None)
    ).rowcount  # type: ignore[attr-defined]
    session.execute(
        delete(CodeLookupFailure).where(CodeLookupFailure.at < now - dt.timedelta(minutes=5))
    )
    limits.purge(session, now)
    return expired + int(wiped or 0)


def response_code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def view(
    session: Session, clock: Clock, request_id: str, locale: str, response_code: str | None = None
) -> dict[str, Any]:
    """The answer of the status URL: ``state`` and, once done, the ``result``."""
    request = session.get(VerificationRequest, request_id)
    if request is None:
        raise LegitkaError(
            "unknown_request", N_("There is no verification request with this id."), status=404
        )
    settle(session, clock, request)
    body: dict[str, Any] = {
        "id": request.id,
        "state": request.status,
        "preset": request.preset,
        "expires_at": _iso(request.expires_at),
        "result": None,
    }
    if request.status == PENDING:
        return body
    reasons = list(request.reasons or [])
    claims = request.claims
    if request.response_code_hash is not None and (
        response_code is None or response_code_hash(response_code) != request.response_code_hash
    ):
        claims = None  # same-device flow: only the browser the wallet came back to sees them
    body["result"] = {
        "verdict": request.verdict,
        "reasons": reasons_json(reasons, locale),
        "claims": claims,
        "decided_at": _iso(request.decided_at) if request.decided_at else None,
        "claims_until": _iso(request.claims_until) if request.claims_until else None,
        "status_checked_at": _iso(request.status_checked_at) if request.status_checked_at else None,
        "trust_checked_at": _iso(request.trust_checked_at) if request.trust_checked_at else None,
    }
    return body


def invitation(session: Session, ctx: VerifierContext, request_id: str) -> dict[str, str] | None:
    """What the creator's page shows a student while the request is pending: the QR code's URI
    and the short code; None once the request is answered or has ended."""
    request = session.get(VerificationRequest, request_id)
    if request is None or request.status != PENDING or request.short_code is None:
        return None
    return {
        "qr_uri": qr_uri(request.client_id, request_uri(ctx.base, request.ref)),
        "short_code": request.short_code,
    }
