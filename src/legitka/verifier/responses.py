"""The response endpoint of ``direct_post.jwt``: one answer per request, validated, stored.

Steps, each in its own short transaction so that no database lock is held while the status
list is fetched (it may come from this very server):

1. find the pending request, decrypt ``response`` with its key (or read an unencrypted error
   response), check ``state``; nothing is consumed by a response the request's key cannot
   open or whose ``state`` is wrong;
2. claim the request (``answered_at`` set where it is still null): a second answer, even at the
   same moment from another process, is refused as ``replayed``;
3. validate the presentation, store the verdict, reasons and shown claims (wiped later), and the
   statistics.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from legitka.clock import Clock
from legitka.domain.text import N_
from legitka.issuer.errors import OAuthError
from legitka.issuer.urls import vct
from legitka.registry.db import transaction
from legitka.registry.models import VerificationRequest
from legitka.verifier import encryption, presets
from legitka.verifier.reasons import Outcome, Verdict
from legitka.verifier.requests import (
    DONE,
    PENDING,
    VerifierContext,
    _open,
    record,
    response_code_hash,
)
from legitka.verifier.status import StatusSource
from legitka.verifier.trust import Trust
from legitka.verifier.trust_source import TrustState
from legitka.verifier.validation import Expected, validate

logger = logging.getLogger("legitka.verifier")


@dataclass(frozen=True)
class Answer:
    """What the wallet sent, once opened: a presentation or an error, for one request."""

    request_id: str
    payload: dict[str, Any]


def _bad(message: str) -> OAuthError:
    return OAuthError("invalid_request", message)


def open_answer(
    session: Session, clock: Clock, ctx: VerifierContext, ref: str, form: Mapping[str, str]
) -> Answer:
    """Step 1: the request and the decrypted payload; raises OAuth errors, consumes nothing."""
    try:
        request = _open(session, clock, ref)
    except OAuthError:
        known = session.scalar(select(VerificationRequest).where(VerificationRequest.ref == ref))
        if known is not None and known.answered_at is not None:
            record(session, clock.now(), "online", known.preset, Verdict.INVALID, ["replayed"])
            session.commit()
            raise OAuthError(
                "invalid_request", N_("This verification request has already been answered.")
            ) from None
        raise
    if "response" in form:
        assert request.enc_key is not None
        private = encryption.unseal(ctx.secret_key, request.enc_key, request.ref)
        try:
            payload = encryption.decrypt(form["response"], private, request.enc_kid)
        except encryption.ResponseDecryptionError as exc:
            raise _bad(str(exc)) from None
    elif "error" in form:
        payload = dict(form)  # an unencrypted error response (OpenID4VP §8.3.1)
    else:
        raise _bad(N_("Send response (a JWE) or error, as application/x-www-form-urlencoded."))
    if payload.get("state") != request.state:
        raise _bad(N_("The state does not match this verification request."))
    return Answer(request.id, payload)


def claim(session: Session, clock: Clock, answer: Answer) -> VerificationRequest:
    """Step 2: mark the request answered, exactly once."""
    claimed = session.execute(
        update(VerificationRequest)
        .where(
            VerificationRequest.id == answer.request_id,
            VerificationRequest.answered_at.is_(None),
            VerificationRequest.status == PENDING,
        )
        .values(answered_at=clock.now())
    ).rowcount  # type: ignore[attr-defined]
    if claimed != 1:
        raise OAuthError(
            "invalid_request", N_("This verification request has already been answered.")
        )
    request = session.get_one(VerificationRequest, answer.request_id)
    session.expunge(request)
    return request


def judge(
    request: VerificationRequest,
    payload: dict[str, Any],
    ctx: VerifierContext,
    trust: Trust,
    status: StatusSource,
    clock: Clock,
    trust_state: TrustState | None = None,
) -> Outcome:
    """Step 3a: what the answer is worth (with the age of the trust list, when there is one)."""
    if "error" in payload:
        outcome = Outcome()
        outcome.add("declined" if payload.get("error") == "access_denied" else "malformed")
        return outcome
    token = payload.get("vp_token")
    presentations = token.get(presets.CREDENTIAL_QUERY_ID) if isinstance(token, dict) else None
    if (
        not isinstance(presentations, list)
        or len(presentations) != 1
        or not isinstance(presentations[0], str)
    ):
        outcome = Outcome()
        outcome.add("malformed")
        return outcome
    expected = Expected(
        nonce=request.nonce,
        audience=request.client_id,
        vct_values=ctx.vct_values or (vct(ctx.base),),
        claims=presets.claims_of(request.preset),
    )
    outcome = validate(presentations[0], expected, trust=trust, status=status, now=clock.now())
    return trust_state.explain(outcome) if trust_state is not None else outcome


def _moment(seconds: int | None) -> dt.datetime | None:
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC)


def store(
    sessions: sessionmaker[Session], clock: Clock, ctx: VerifierContext, request_id: str,
    outcome: Outcome,
) -> dict[str, Any]:  # fmt: skip
    """Step 3b: the verdict, the claims asked for (until the retention ends), the statistics;
    returns the body for the wallet."""
    now = clock.now()
    with transaction(sessions) as session:
        request = session.get_one(VerificationRequest, request_id)
        asked = presets.claims_of(request.preset)
        shown = {k: outcome.claims[k] for k in (*asked, "exp") if k in outcome.claims}
        request.status, request.short_code, request.enc_key = DONE, None, None
        request.verdict, request.reasons, request.decided_at = (
            outcome.verdict.value, list(outcome.reasons), now
        )  # fmt: skip
        request.claims = shown if shown else None
        request.claims_until = now + dt.timedelta(seconds=ctx.retention)
        request.status_checked_at = _moment(outcome.status_checked_at)
        request.trust_checked_at = _moment(outcome.trust_checked_at)
        record(session, now, "online", request.preset, outcome.verdict, outcome.reasons)
        body: dict[str, Any] = {}
        if request.redirect_uri:
            code = secrets.token_urlsafe(16)
            request.response_code_hash = response_code_hash(code)
            body["redirect_uri"] = f"{request.redirect_uri}#response_code={code}"
    logger.info("verification %s: %s %s", request_id[:6], outcome.verdict.value, outcome.reasons)
    return body


def receive(
    sessions: sessionmaker[Session], clock: Clock, ctx: VerifierContext, trust: Trust,
    status: StatusSource, ref: str, form: Mapping[str, str], *,
    trust_state: TrustState | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The whole response endpoint: what the wallet gets back (``{}`` or ``redirect_uri``)."""
    with sessions() as session:
        answer = open_answer(session, clock, ctx, ref, form)
    with transaction(sessions) as session:
        request = claim(session, clock, answer)
    outcome = judge(request, answer.payload, ctx, trust, status, clock, trust_state)
    return store(sessions, clock, ctx, request.id, outcome)
