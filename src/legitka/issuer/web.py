"""HTTP endpoints of every university's credential issuer (OpenID4VCI 1.0) and its status lists.

Errors come in OAuth's shape (``issuer/errors.py``) with ``Cache-Control: no-store``. The
``error_description`` is ASCII English, as the specification demands; ``error_message`` adds the
same in the language the client asked for, for wallets that show it to the student.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import parse_qs

from cryptography.hazmat.primitives.serialization import Encoding
from fastapi import APIRouter, FastAPI
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from legitka.credentials.pki import UniversityRef
from legitka.credentials.trust_list import publish_trust_list
from legitka.domain.errors import LegitkaError
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.issuer import issuance, metadata, nonces, offers, status_lists, urls
from legitka.issuer.errors import OAuthError, invalid_token
from legitka.registry.models import StatusList, University
from legitka.registry.services.universities import get_university
from legitka.web import caching
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.errors import (
    Problem,
    oauth_endpoint,
    problem_response,
    problem_type,
    status_title,
)
from legitka.web.i18n import request_locale
from legitka.web.params import DbId

logger = logging.getLogger("legitka.issuer")

MAX_BODY_BYTES = 64 * 1024
NO_STORE = {"Cache-Control": "no-store"}
STATUS_LIST_TYPE = "application/statuslist+jwt"
_NOT_ASCII_SAFE = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")

router = APIRouter(tags=["issuer"])


def _ascii(text: str) -> str:
    return _NOT_ASCII_SAFE.sub("'", text.replace("\u2019", "'"))


async def oauth_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OAuthError)
    locale = request_locale(request)
    if not oauth_endpoint(request):
        # raised by code the verifier's API shares with its OpenID4VP endpoints: the same code,
        # in the API's own shape
        problem = Problem(
            status=exc.status,
            code=exc.error,
            title=status_title(exc.status, locale),
            detail=translate(exc.description, locale, exc.params),
            type=problem_type(exc.error),
        )
        return problem_response(problem, {**NO_STORE, **exc.headers})
    body = {
        "error": exc.error,
        "error_description": _ascii(translate(exc.description, "en", exc.params)),
        "error_message": translate(exc.description, locale, exc.params),
    }
    return JSONResponse(body, status_code=exc.status, headers={**NO_STORE, **exc.headers})


def install(app: FastAPI) -> None:
    app.add_exception_handler(OAuthError, oauth_error_handler)
    app.include_router(router)


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise OAuthError("invalid_request", N_("The request body is too large."), status=413)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise OAuthError("invalid_request", N_("The request body is too large."), status=413)
    return body


async def _json_body(request: Request, error: str) -> Any:
    body = await _body(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise OAuthError(error, N_("Send the request as application/json."))
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise OAuthError(error, N_("The request body is not valid JSON.")) from None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _signer(runtime: Any, slug: str) -> Any:
    try:
        return runtime.issuer_key(slug)
    except LegitkaError as exc:
        logger.error("issuer %s cannot sign: %s", slug, exc.code)
        raise OAuthError(
            "server_error",
            N_("The university's issuer keys are not set up; try again later."),
            status=503,
        ) from None


# -- metadata ----------------------------------------------------------------------------------


@router.get("/.well-known/openid-credential-issuer/u/{slug}")
def issuer_metadata(
    slug: str, request: Request, session: SessionDep, runtime: RuntimeDep
) -> Response:
    university = get_university(session, slug)
    return caching.public_json(
        request, metadata.credential_issuer(runtime.issuer_config, university)
    )


@router.get("/.well-known/oauth-authorization-server/u/{slug}")
def authorization_server_metadata(
    slug: str, request: Request, session: SessionDep, runtime: RuntimeDep
) -> Response:
    university = get_university(session, slug)
    return caching.public_json(
        request, metadata.authorization_server(runtime.issuer_config, university)
    )


@router.get("/.well-known/jwt-vc-issuer/u/{slug}")
def jwt_vc_issuer_metadata(
    slug: str, request: Request, session: SessionDep, runtime: RuntimeDep
) -> Response:
    university = get_university(session, slug)
    keys = runtime.pki.issuer_keyring(slug)
    return caching.public_json(
        request,
        metadata.jwt_vc_issuer(runtime.issuer_config, university, keys, runtime.clock.now()),
    )


@router.get("/credentials/student-id/1")
def student_id_type(request: Request, runtime: RuntimeDep) -> Response:
    return caching.public_json(
        request, metadata.type_metadata(runtime.issuer_config), caching.CERTIFICATE_MAX_AGE
    )


# -- the pre-authorized flow -------------------------------------------------------------------


@router.get("/u/{slug}/offers/{reference}")
def credential_offer(
    slug: str, reference: str, session: SessionDep, runtime: RuntimeDep
) -> Response:
    university = get_university(session, slug)
    document = offers.offer_document(
        session, runtime.clock, runtime.issuer_config, university, reference
    )
    return JSONResponse(document, headers=NO_STORE)


@router.post("/u/{slug}/token")
async def token(slug: str, request: Request, runtime: RuntimeDep) -> Response:
    body = await _body(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise OAuthError(
            "invalid_request", N_("Send the token request as application/x-www-form-urlencoded.")
        )
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", N_("The token request is not valid UTF-8.")) from None
    repeated = [name for name, values in form.items() if len(values) > 1]
    if repeated:
        raise OAuthError("invalid_request", N_("Parameter {name} is repeated."), name=repeated[0])
    params = {name: values[0] for name, values in form.items()}
    grant = await run_in_threadpool(_grant, slug, params, runtime)
    return JSONResponse(
        {
            "access_token": grant.access_token,
            "token_type": "Bearer",
            "expires_in": grant.expires_in,
            "refresh_token": grant.refresh_token,
        },
        headers=NO_STORE,
    )


def _grant(slug: str, params: dict[str, str], runtime: Any) -> offers.TokenGrant:
    grant_type = params.get("grant_type")
    config = runtime.issuer_config
    with runtime.sessions() as session:
        university = get_university(session, slug)
        try:
            if grant_type == urls.PRE_AUTHORIZED_GRANT:
                code = params.get("pre-authorized_code")
                if not code:
                    raise OAuthError(
                        "invalid_request", N_("The pre-authorized_code parameter is missing.")
                    )
                grant = offers.redeem_pre_authorized_code(
                    session, runtime.clock, config, university, code, params.get("tx_code")
                )
            elif grant_type == "refresh_token":
                refresh = params.get("refresh_token")
                if not refresh:
                    raise OAuthError(
                        "invalid_request", N_("The refresh_token parameter is missing.")
                    )
                grant = offers.redeem_refresh_token(
                    session, runtime.clock, config, university, refresh
                )
            elif grant_type is None:
                raise OAuthError("invalid_request", N_("The grant_type parameter is missing."))
            else:
                raise OAuthError(
                    "unsupported_grant_type",
                    N_("Only the pre-authorized code and refresh token grants are supported."),
                )
            session.commit()
        except OAuthError:
            session.commit()  # wrong activation codes and burned offers stay counted
            raise
    return grant


@router.post("/u/{slug}/nonce")
def nonce(slug: str, session: SessionDep, runtime: RuntimeDep) -> Response:
    university = get_university(session, slug)
    value = nonces.issue(session, runtime.clock, runtime.issuer_config, university.id)
    session.commit()
    return JSONResponse({"c_nonce": value}, headers=NO_STORE)


@router.post("/u/{slug}/credential")
async def credential(slug: str, request: Request, runtime: RuntimeDep) -> Response:
    body = await _json_body(request, "invalid_credential_request")
    issued = await run_in_threadpool(_issue, slug, _bearer(request), body, runtime)
    return JSONResponse(
        {
            "credentials": [{"credential": issued.credential}],
            "notification_id": issued.notification_id,
        },
        headers=NO_STORE,
    )


def _issue(slug: str, bearer: str | None, body: Any, runtime: Any) -> issuance.Issued:
    with runtime.sessions() as session:
        university = get_university(session, slug)
        access = offers.access_token(session, runtime.clock, university, bearer)
        if access is None:
            raise invalid_token()
        signer = _signer(runtime, slug)
        try:
            issued = issuance.issue(
                session, runtime.clock, runtime.issuer_config, signer, university, access, body
            )
            session.commit()
        except OAuthError:
            session.commit()
            raise
    return issued


@router.post("/u/{slug}/notification")
async def notification(slug: str, request: Request, runtime: RuntimeDep) -> Response:
    body = await _json_body(request, "invalid_notification_request")
    await run_in_threadpool(_notify, slug, _bearer(request), body, runtime)
    return Response(status_code=204, headers=NO_STORE)


def _notify(slug: str, bearer: str | None, body: Any, runtime: Any) -> None:
    with runtime.sessions() as session:
        university = get_university(session, slug)
        access = offers.access_token(session, runtime.clock, university, bearer)
        if access is None:
            raise invalid_token()
        issuance.notify(session, runtime.clock, access, body)
        session.commit()


# -- trust ------------------------------------------------------------------------------------


@router.get("/trust/list.json", tags=["trust"])
def trust_list(request: Request, session: SessionDep, runtime: RuntimeDep) -> Response:
    """The signed list of this deployment's issuers and verifier (JWS JSON serialization)."""
    universities = [
        UniversityRef(u.slug, u.name_pl, u.name_en)
        for u in session.scalars(select(University).order_by(University.slug))
    ]
    document = publish_trust_list(
        runtime.pki, universities, runtime.issuer_config.base_url, runtime.clock.now()
    )
    return caching.public_json(request, document, revalidate=False)


@router.get("/trust/root.pem", tags=["trust"])
def root_certificate(request: Request, runtime: RuntimeDep) -> Response:
    """The root CA certificates (PEM). Fetching them here is a convenience: a verifier must
    compare the fingerprint with one obtained from the deployment's operator."""
    pem = b"".join(c.public_bytes(Encoding.PEM) for c in runtime.pki.root_certificates())
    return caching.public(request, pem, "application/x-pem-file", caching.CERTIFICATE_MAX_AGE)


# -- status lists ------------------------------------------------------------------------------


@router.get("/u/{slug}/status/{number}")
def status_list(
    slug: str,
    number: DbId,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    university = get_university(session, slug)
    found = session.scalar(
        select(StatusList).where(
            StatusList.university_id == university.id, StatusList.number == number
        )
    )
    if found is None:
        raise LegitkaError(
            "unknown_status_list",
            N_("There is no status list {number} at {university}."),
            status=404,
            number=number,
            university=slug,
        )
    now = runtime.clock.now()
    if found.token is None or found.expires_at is None or found.expires_at <= now:
        # The worker keeps lists signed; this only happens when no worker runs.
        status_lists.sign(
            session, runtime.clock, runtime.issuer_config, found, runtime.issuer_key(slug)
        )
        session.commit()
    assert found.token is not None and found.etag is not None and found.expires_at is not None
    config = runtime.issuer_config
    # Kept by caches a tenth of the list's ttl, and never past the token's own expiry.
    left = int((found.expires_at - now).total_seconds())
    max_age = max(min(config.status_list_ttl // 10, left), 1)
    return caching.public(
        request, found.token.encode(), STATUS_LIST_TYPE, max_age, etag=f'"{found.etag}"'
    )
