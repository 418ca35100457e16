"""The mLegitymacja page of the student portal: order it, follow it, activate, extend, cancel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from legitka.domain.errors import LegitkaError, NotFound
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.issuer import orders, qr
from legitka.portal import mobile_id as service
from legitka.portal.deps import BrowserStudent, check_csrf
from legitka.portal.pages import portal_context
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.errors import localized_message
from legitka.web.i18n import render
from legitka.worker import nudge

router = APIRouter(include_in_schema=False)

DONE_MESSAGES: dict[str, str] = {
    "ordered": N_(
        "Your order is placed. It usually takes a moment: this page shows the QR code and the "
        "activation code when they are ready, and you get an e-mail too."
    ),
    "cancelled": N_(
        "Cancelled. Verifiers see the cancellation within minutes, and never later than 24 hours."
    ),
    "extended": N_(
        "Extended. Open your wallet while online: it fetches the new validity by itself, no new "
        "QR code is needed."
    ),
}


def _page(slug: str) -> str:
    return f"/u/{slug}/student/mlegitymacja"


def _show(
    request: Request,
    student: Any,
    session: Any,
    runtime: Any,
    locale: str,
    *,
    error: LegitkaError | None = None,
) -> Response:
    data = service.overview(session, runtime.clock, runtime.issuer_config, student, locale)
    order = data["order"]
    offer = order["offer"] if order else None
    done = request.query_params.get("done")
    return render(
        request,
        "portal/mlegitymacja.html",
        {
            **portal_context(student, locale),
            **data,
            "qr_svg": qr.svg(offer["qr_uri"], title=translate(QR_TITLE, locale)) if offer else None,
            "waiting": bool(order and order["status"] in {s.value for s in service.WAITING}),
            "done": translate(DONE_MESSAGES[done], locale) if done in DONE_MESSAGES else None,
            "error": localized_message(error, locale) if error else None,
        },
        status_code=error.status if error else 200,
    )


QR_TITLE = N_("QR code to scan with the wallet")


@router.get("/u/{slug}/student/mlegitymacja")
def page(
    slug: str,
    request: Request,
    student: BrowserStudent,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    return _show(request, student, session, runtime, locale)


async def _act(
    request: Request,
    student: Any,
    session: Any,
    runtime: Any,
    locale: str,
    action: Any,
    done: str,
) -> Response:
    await check_csrf(request, student)

    def act() -> Response:
        try:
            action()
            session.commit()
        except LegitkaError as exc:
            session.rollback()
            return _show(request, student, session, runtime, locale, error=exc)
        if done == "ordered":
            nudge()
        slug = student.university.slug
        return RedirectResponse(f"{_page(slug)}?done={done}", status_code=303)

    return await run_in_threadpool(act)


@router.post("/u/{slug}/student/mlegitymacja/order")
async def order(
    slug: str,
    request: Request,
    student: BrowserStudent,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    def act() -> None:
        service.place_order(session, runtime.clock, student, channel="portal")

    return await _act(request, student, session, runtime, locale, act, "ordered")


@router.get("/u/{slug}/student/mlegitymacja/cancel")
def confirm_cancel(
    slug: str,
    request: Request,
    student: BrowserStudent,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    data = service.overview(session, runtime.clock, runtime.issuer_config, student, locale)
    return render(
        request, "portal/mlegitymacja_cancel.html", {**portal_context(student, locale), **data}
    )


@router.post("/u/{slug}/student/mlegitymacja/cancel")
async def cancel(
    slug: str,
    request: Request,
    student: BrowserStudent,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    def act() -> None:
        service.cancel(session, runtime.clock, student)

    return await _act(request, student, session, runtime, locale, act, "cancelled")


@router.post("/u/{slug}/student/mlegitymacja/extend")
async def extend(
    slug: str,
    request: Request,
    student: BrowserStudent,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    def act() -> None:
        service.extend(session, runtime.clock, student)

    return await _act(request, student, session, runtime, locale, act, "extended")


@router.get("/u/{slug}/student/mlegitymacja/status.json")
def status(
    slug: str, student: BrowserStudent, session: SessionDep, runtime: RuntimeDep, locale: LocaleDep
) -> Response:
    """The current order's status, for the page to follow it live without reloading."""
    order = service.current_order(session, student)
    view = orders.view(session, runtime.issuer_config, order, locale) if order else None
    body = {
        "order": view["id"] if view else None,
        "status": view["status"] if view else None,
        "status_label": view["status_label"] if view else None,
        "updated_at": view["updated_at"] if view else None,
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.get("/u/{slug}/student/mlegitymacja/qr.png")
def qr_png(
    slug: str, student: BrowserStudent, session: SessionDep, runtime: RuntimeDep, locale: LocaleDep
) -> Response:
    """The QR code as a PNG image (to save or print); only the student's own."""
    order = service.current_order(session, student)
    offer = orders.view(session, runtime.issuer_config, order, locale)["offer"] if order else None
    if offer is None:
        raise NotFound(
            "no_offer", N_("There is no QR code to show: your mLegitymacja is not ready.")
        )
    return Response(
        qr.png(offer["qr_uri"]), media_type="image/png", headers={"Cache-Control": "no-store"}
    )
