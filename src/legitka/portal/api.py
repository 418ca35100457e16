"""The mobile API (what Mobile USOS does): sign in, and the mLegitymacja, as JSON.

Under ``/u/{slug}/api/v1/``; a bearer token from ``POST session`` authorises the rest. Errors are
``application/problem+json`` documents with a stable ``code`` (``docs/errors.md``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from legitka.domain.errors import LegitkaError, NotFound
from legitka.domain.text import N_
from legitka.issuer import orders
from legitka.portal import auth, idempotency
from legitka.portal import mobile_id as service
from legitka.portal.deps import ApiStudent
from legitka.portal.waiting import until_changed
from legitka.registry.models import Order
from legitka.registry.services.universities import get_university
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.problems import problem_responses
from legitka.worker import nudge

router = APIRouter(
    prefix="/u/{slug}/api/v1",
    tags=["mobile API"],
    responses=problem_responses(401, 404, 422, 503),
)

NO_STORE = {"Cache-Control": "no-store"}


class SignIn(BaseModel):
    login: str = Field(min_length=1, max_length=80, description="The portal login.")
    password: str = Field(min_length=1, max_length=200, description="The portal password.")


class SessionToken(BaseModel):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 (the OAuth token type, not a secret)
    expires_in: int


class Check(BaseModel):
    code: str
    ok: bool
    message: str


class EligibilityOut(BaseModel):
    eligible: bool
    policy: str
    valid_until: str | None
    checks: list[Check]


class OfferOut(BaseModel):
    credential_offer_uri: str
    qr_uri: str
    wallet_link: str
    activation_code: str
    expires_at: str
    attempts_left: int


class OrderOut(BaseModel):
    id: int
    university: str
    album: str | None
    status: str
    status_label: str
    reason: str | None
    reason_message: str | None
    channel: str
    created_at: str
    updated_at: str
    ready_at: str | None
    picked_up_at: str | None
    valid_until: str | None
    offer: OfferOut | None


class MobileIdOut(BaseModel):
    order_id: int
    status: str
    status_label: str
    issued_on: str
    valid_until: str
    extendable_to: str | None
    accepted: bool


class Overview(BaseModel):
    eligibility: EligibilityOut
    order: OrderOut | None
    mobile_id: MobileIdOut | None
    history: list[OrderOut]


class Extended(BaseModel):
    valid_until: str
    mobile_id: MobileIdOut | None


def _client(request: Request, runtime: Any) -> str:
    address = request.client.host if request.client else "?"
    return auth.client_hash(runtime.issuer_config.secret_key, address)


@router.post(
    "/session",
    response_model=SessionToken,
    status_code=201,
    responses=problem_responses(400, 429),
)
def sign_in(
    slug: str, body: SignIn, request: Request, session: SessionDep, runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:  # fmt: skip
    """Sign in with the portal login and password; returns a bearer token for 30 days."""
    university = get_university(session, slug)
    try:
        account = auth.sign_in(
            session, runtime.clock, university, body.login, body.password,
            client=_client(request, runtime),
        )  # fmt: skip
    except LegitkaError:
        session.commit()  # the failed attempt stays counted
        raise
    account.locale = locale
    new = auth.start_session(session, runtime.clock, account, kind=auth.API)
    session.commit()
    lifetime = int(auth.SESSION_LIFETIME[auth.API].total_seconds())
    return JSONResponse(
        {"access_token": new.token, "token_type": "Bearer", "expires_in": lifetime},
        status_code=201,
        headers=NO_STORE,
    )


@router.delete("/session", status_code=204)
def sign_out(slug: str, student: ApiStudent, session: SessionDep, runtime: RuntimeDep) -> Response:
    """End this token's session."""
    auth.end_session(session, runtime.clock, session.merge(student.session))
    session.commit()
    return Response(status_code=204)


def _overview(session: Any, runtime: Any, student: auth.Student, locale: str) -> dict[str, Any]:
    return service.overview(session, runtime.clock, runtime.issuer_config, student, locale)


@router.get("/mlegitymacja", response_model=Overview)
def mlegitymacja(
    slug: str, student: ApiStudent, session: SessionDep, runtime: RuntimeDep, locale: LocaleDep
) -> Response:
    """Eligibility check by check, the current order (with the offer when ready), the active
    mLegitymacja and the history of orders."""
    return JSONResponse(_overview(session, runtime, student, locale), headers=NO_STORE)


@router.get("/mlegitymacja/order", response_model=OrderOut)
async def current_order(
    slug: str,
    student: ApiStudent,
    runtime: RuntimeDep,
    locale: LocaleDep,
    wait: Annotated[float, Query(ge=0, le=30, description="Seconds to wait for a change.")] = 0,
    known: Annotated[
        str | None, Query(alias="status", description="The status the app already shows.")
    ] = None,
) -> Response:
    """The current order alone (the open one, else the newest). With ``wait`` and the
    ``status`` the app shows, the answer waits until the order's status differs from it (or the
    time is up): the app learns at once that the QR code is ready, without polling."""

    def now() -> dict[str, Any]:
        with runtime.sessions() as session:
            found = service.current_order(session, student)
            if found is None:
                raise NotFound("no_order", N_("You have not ordered an mLegitymacja yet."))
            return orders.view(session, runtime.issuer_config, found, locale)

    body = await until_changed(now, known, wait, student.study.id)
    return JSONResponse(body, headers=NO_STORE)


@router.post(
    "/mlegitymacja/order",
    response_model=OrderOut,
    status_code=201,
    responses={
        200: {"model": OrderOut, "description": "The order placed before, answered again."},
        **problem_responses(400, 409),
    },
)
def order(
    slug: str,
    request: Request,
    student: ApiStudent,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
) -> Response:
    """Order an mLegitymacja; the answer is the order. Ordering while an order is open returns
    that order (200); with an ``Idempotency-Key`` a repeated request gets the first answer
    again. Follow the order with ``GET mlegitymacja/order?wait=…``."""
    key = idempotency.check_key(idempotency_key)
    principal = student.actor
    fingerprint = idempotency.request_hash("POST", request.url.path, b"")
    if key is not None:
        stored = idempotency.replay(session, principal, key, fingerprint)
        if stored is not None:
            return JSONResponse(stored.body, status_code=stored.status, headers=NO_STORE)
    placed: Order | None
    try:
        placed, created = orders.place(
            session, runtime.clock, student.study, channel="mobile",
            actor=student.actor,
        )  # fmt: skip
        session.flush()
    except IntegrityError:
        session.rollback()
        placed, created = service.current_order(session, student), False
    assert placed is not None
    status = 201 if created else 200
    body = orders.view(session, runtime.issuer_config, placed, locale)
    if key is not None and not idempotency.remember(
        session, runtime.clock, principal, key, fingerprint, idempotency.Stored(status, body)
    ):
        session.rollback()
        stored = idempotency.replay(session, principal, key, fingerprint)
        assert stored is not None
        return JSONResponse(stored.body, status_code=stored.status, headers=NO_STORE)
    session.commit()
    if status == 201:
        nudge()
    return JSONResponse(body, status_code=status, headers=NO_STORE)


@router.post("/mlegitymacja/cancel", response_model=Overview, responses=problem_responses(409))
def cancel(
    slug: str, student: ApiStudent, session: SessionDep, runtime: RuntimeDep, locale: LocaleDep
) -> Response:
    """Cancel the open order, or else the active mLegitymacja (no phone needed). Verifiers see
    the cancellation within minutes, never later than 24 hours."""
    service.cancel(session, runtime.clock, student)
    session.commit()
    return JSONResponse(_overview(session, runtime, student, locale), headers=NO_STORE)


@router.post("/mlegitymacja/extend", response_model=Extended, responses=problem_responses(409))
def extend(
    slug: str, student: ApiStudent, session: SessionDep, runtime: RuntimeDep, locale: LocaleDep
) -> Response:
    """Extend the active mLegitymacja to the renewed card's or semester's validity; the wallet
    then fetches the renewed credential by itself."""
    valid_until = service.extend(session, runtime.clock, student)
    session.commit()
    live = service.live_mobile_id(session, student)
    body = {
        "valid_until": valid_until.isoformat(),
        "mobile_id": service.mobile_id_json(session, runtime.clock, live, locale) if live else None,
    }
    return JSONResponse(body, headers=NO_STORE)
