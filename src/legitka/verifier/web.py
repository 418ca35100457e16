"""HTTP endpoints of the verifier (contract in ``docs/verifier.md``).

* ``POST /verifier/api/v1/requests`` creates a request; ``GET`` its ``status_url`` (long
  polling with ``?wait=``) shows the verdict. JSON API: problem+json errors. Both need an
  integrator's key (``Authorization: Bearer``) unless ``verifier_api_open``; the deployment's
  own page creates requests with ``verifier.requests.create`` and needs none.
* ``GET /verifier/codes/{code}``: the QR code's URI for a typed 6-digit code (problem+json).
* ``GET /verifier/request/{ref}``: the signed request object; ``POST /verifier/response/{ref}``:
  the wallet's answer. OpenID4VP endpoints: OAuth-style errors.
* ``POST /verifier/offline``: checks an offline QR code (problem+json).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import time
from typing import Any
from urllib.parse import parse_qs

import httpx
from fastapi import APIRouter, FastAPI
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from legitka.domain.errors import LegitkaError
from legitka.domain.text import N_
from legitka.issuer.errors import OAuthError
from legitka.issuer.web import MAX_BODY_BYTES, oauth_error_handler
from legitka.portal.auth import client_hash
from legitka.registry.db import transaction
from legitka.runtime import Runtime
from legitka.verifier import api_keys, responses
from legitka.verifier import requests as verifier_requests
from legitka.verifier.offline import verify_offline
from legitka.verifier.reasons import Outcome, reasons_json
from legitka.verifier.status import CachedStatusSource
from legitka.verifier.trust import Trust
from legitka.verifier.trust_source import TrustSource, TrustState, accepted_vcts
from legitka.web.deps import LocaleDep, RuntimeDep
from legitka.web.errors import coded_headers, coded_problem, problem_response
from legitka.web.i18n import request_locale
from legitka.web.problems import problem_responses

NO_STORE = {"Cache-Control": "no-store"}
MAX_WAIT = 30.0
LOOK_EVERY = 0.25

router = APIRouter(tags=["verifier"])


def install(app: FastAPI) -> None:
    app.add_exception_handler(OAuthError, oauth_error_handler)
    app.include_router(router)


def context(runtime: Runtime) -> verifier_requests.VerifierContext:
    try:
        signer = runtime.pki.verifier_keyring().signing_key(runtime.clock.now())
    except LegitkaError as exc:
        raise OAuthError(
            "server_error", N_("The verifier's key is not set up; try again later."), status=503
        ) from exc
    return verifier_requests.VerifierContext(
        base=runtime.settings.effective_base_url,
        secret_key=runtime.settings.secret_key.get_secret_value(),
        signer=signer,
        retention=runtime.settings.verifier_claims_retention,
        vct_values=accepted_vcts(runtime.settings),
    )


def trust_state(runtime: Runtime, http: httpx.Client | None) -> TrustState:
    """The configured trust (``verifier_trusted_roots`` or the trust list, cached in the
    database); ``http=None`` reads only the cache."""
    source = TrustSource(runtime.settings, runtime.pki, runtime.sessions, http)
    return source.current(runtime.clock.now())


def trust(runtime: Runtime) -> Trust:
    return trust_state(runtime, None).trust


async def _body(request: Request) -> bytes:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES * 8:
            raise OAuthError("invalid_request", N_("The request body is too large."), status=413)
    return body


def _problem(request: Request, exc: LegitkaError, extra: dict[str, str] | None = None) -> Response:
    headers = {**NO_STORE, **(coded_headers(exc) or {}), **(extra or {})}
    return problem_response(coded_problem(exc, request_locale(request)), headers)


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise LegitkaError(
            "invalid_json", N_("The request body is not valid JSON."), status=400
        ) from None


async def _json(request: Request) -> Any:
    return _parse_json(await _body(request))


# -- the integrator's API -------------------------------------------------------------------


class _KeyRefused(Exception):
    """The API key check failed; carries the coded error for the 401."""

    def __init__(self, error: LegitkaError) -> None:
        super().__init__(error.code)
        self.error = error


def _check_key(session: Session, runtime: Runtime, header: str | None) -> None:
    """In the request's own transaction: a live API key (or the API is open), else
    :class:`_KeyRefused`. A touched key (``last_used_at``) is committed with the work."""
    if runtime.settings.verifier_api_open:
        return
    try:
        api_keys.authenticate(session, runtime.clock.now(), header)
    except LegitkaError as exc:
        raise _KeyRefused(exc) from None


def _refused(request: Request, refused: _KeyRefused) -> Response:
    return _problem(request, refused.error, {"WWW-Authenticate": 'Bearer realm="legitka-verifier"'})


@router.post(
    "/verifier/api/v1/requests",
    status_code=201,
    responses=problem_responses(400, 401, 413, 422, 503),
)
async def create_request(request: Request, runtime: RuntimeDep) -> Response:
    header = request.headers.get("authorization")
    raw = await _body(request)
    ctx = context(runtime)

    def create() -> dict[str, Any]:
        with transaction(runtime.sessions) as session:
            _check_key(session, runtime, header)  # first: a caller without a key learns no more
            body = _parse_json(raw)
            if not isinstance(body, dict):
                raise LegitkaError("invalid_json", N_("Send a JSON object."), status=400)
            return verifier_requests.create(
                session, runtime.clock, ctx, body.get("preset"), body.get("redirect_uri")
            )

    try:
        created = await run_in_threadpool(create)
    except _KeyRefused as refused:
        return _refused(request, refused)
    return JSONResponse(created, status_code=201, headers=NO_STORE)


@router.get(
    "/verifier/api/v1/requests/{request_id}", responses=problem_responses(401, 404, 422, 503)
)
async def request_status(
    request_id: str, request: Request, runtime: RuntimeDep, locale: LocaleDep, wait: float = 0,
    response_code: str | None = None,
) -> Response:  # fmt: skip
    header = request.headers.get("authorization")

    def look(check_key: bool = False) -> dict[str, Any]:
        with runtime.sessions() as session:
            if check_key:
                _check_key(session, runtime, header)
                if session.dirty:
                    session.commit()
            return verifier_requests.view(session, runtime.clock, request_id, locale, response_code)

    deadline = time.monotonic() + max(0.0, min(wait, MAX_WAIT))
    try:
        body = await run_in_threadpool(look, True)
    except _KeyRefused as refused:
        return _refused(request, refused)
    while body["state"] == verifier_requests.PENDING and time.monotonic() < deadline:
        await asyncio.sleep(LOOK_EVERY)
        body = await run_in_threadpool(look)
    return JSONResponse(body, headers=NO_STORE)


@router.get("/verifier/codes/{code}", responses=problem_responses(404, 429, 503))
def short_code(code: str, request: Request, runtime: RuntimeDep) -> Response:
    ctx = context(runtime)
    address = request.client.host if request.client else "?"
    client = client_hash(ctx.secret_key, address)
    try:
        with runtime.sessions() as session:
            uri = verifier_requests.lookup_code(session, runtime.clock, ctx, code, client)
    except LegitkaError as exc:
        return _problem(request, exc)
    return JSONResponse({"uri": uri}, headers=NO_STORE)


# -- OpenID4VP ------------------------------------------------------------------------------


@router.get("/verifier/request/{ref}")
def request_object(ref: str, runtime: RuntimeDep) -> Response:
    ctx = context(runtime)
    with runtime.sessions() as session:
        token = verifier_requests.request_object(session, runtime.clock, ctx, ref)
    return Response(token, media_type="application/oauth-authz-req+jwt", headers=NO_STORE)


def _form(body: bytes, content_type: str) -> dict[str, str]:
    if content_type != "application/x-www-form-urlencoded":
        raise OAuthError(
            "invalid_request", N_("Send the response as application/x-www-form-urlencoded.")
        )
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", N_("The response is not valid UTF-8.")) from None
    if any(len(values) > 1 for values in form.values()):
        raise OAuthError("invalid_request", N_("A parameter is repeated."))
    return {name: values[0] for name, values in form.items()}


@router.post("/verifier/response/{ref}")
async def response(ref: str, request: Request, runtime: RuntimeDep) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    form = _form(await _body(request), content_type)
    ctx = context(runtime)

    def receive() -> dict[str, Any]:
        http = runtime.outbound
        state = trust_state(runtime, http)
        source = CachedStatusSource(runtime.sessions, state.trust, http)
        return responses.receive(
            runtime.sessions, runtime.clock, ctx, state.trust, source, ref, form,
            trust_state=state,
        )  # fmt: skip

    answer = await run_in_threadpool(receive)
    return JSONResponse(answer, headers=NO_STORE)


# -- the offline check ----------------------------------------------------------------------


def result_json(outcome: Outcome, locale: str, now: int) -> dict[str, Any]:
    checked, trusted = outcome.status_checked_at, outcome.trust_checked_at
    return {
        "verdict": outcome.verdict.value,
        "reasons": reasons_json(outcome.reasons, locale),
        "claims": outcome.claims or None,
        "status_checked_at": checked,
        "status_age": None if checked is None else max(0, now - checked),
        "trust_checked_at": trusted,
        "trust_age": None if trusted is None else max(0, now - trusted),
    }


@router.post("/verifier/offline", responses=problem_responses(400, 413, 422, 503))
async def offline(request: Request, runtime: RuntimeDep, locale: LocaleDep) -> Response:
    try:
        body = await _json(request)
        qr = body.get("qr") if isinstance(body, dict) else None
        if not isinstance(qr, str) or len(qr) > 16 * 1024:
            raise ValueError
        data = base64.b64decode(qr, validate=True)
    except (ValueError, binascii.Error):
        return _problem(
            request,
            LegitkaError(
                "invalid_qr",
                N_("Send a JSON object whose qr is the QR code's bytes in base64."),
                status=422,
                field="qr",
            ),
        )
    except LegitkaError as exc:
        return _problem(request, exc)

    def check() -> dict[str, Any]:
        now = runtime.clock.now()
        http = runtime.outbound
        state = trust_state(runtime, http)
        source = CachedStatusSource(runtime.sessions, state.trust, http)
        outcome = state.explain(verify_offline(
            data, vct_values=state.vct_values, trust=state.trust, status=source, now=now,
        ))  # fmt: skip
        with transaction(runtime.sessions) as session:
            verifier_requests.record(
                session, now, "offline", None, outcome.verdict, outcome.reasons
            )
        return result_json(outcome, locale, int(now.timestamp()))

    return JSONResponse(await run_in_threadpool(check), headers=NO_STORE)
