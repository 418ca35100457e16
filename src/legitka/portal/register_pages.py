"""The portal's payments, oath and declarations, and photo pages (R1, R2).

Each page shows what :mod:`legitka.portal.register_api` builds for the mobile API too. A form
posts back to its page; the page checks the CSRF token, and on success redirects (303) to itself
with ``?done=`` naming the message to show. A refused form shows the page again with the message
and the error's status, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from legitka.domain.errors import InvalidInput, LegitkaError
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.issuer import qr
from legitka.portal import photo_upload
from legitka.portal import register_api as views
from legitka.portal.auth import Student
from legitka.portal.deps import BrowserStudent, check_csrf
from legitka.portal.pages import portal_context
from legitka.registry.models import DeclarationKind
from legitka.registry.services import photos
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.errors import localized_message
from legitka.web.i18n import render
from legitka.web.params import DbId

router = APIRouter(include_in_schema=False)

DONE_MESSAGES: dict[str, str] = {
    "accepted": N_("Thank you: your acceptance is recorded."),
    "uploaded": N_(
        "Your photo is sent. The dean's office checks it: this page shows their decision."
    ),
}
QR_TITLE = N_("Transfer QR code for your banking app")
NOT_ACCEPTED = N_("Tick the box to confirm that you have read and accept the text.")
UNKNOWN_TEXT = N_("There is no such text to accept: reload the page and try again.")


def _page_context(
    request: Request, student: Student, locale: str, error: LegitkaError | None
) -> dict[str, Any]:
    done = request.query_params.get("done")
    return {
        **portal_context(student, locale),
        "done": translate(DONE_MESSAGES[done], locale) if done in DONE_MESSAGES else None,
        "error": localized_message(error, locale) if error else None,
        "error_field": error.field if error else None,
    }


# ---- payments -----------------------------------------------------------------------------------


@router.get("/u/{slug}/student/payments")
def payments_page(
    slug: str,
    request: Request,
    student: BrowserStudent,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    view = views.payments_view(session, runtime.clock, student, locale)
    title = translate(QR_TITLE, locale)
    codes = {c.id: qr.svg(c.transfer.qr_text, title=title) for c in view.charges if c.transfer}
    return render(
        request,
        "portal/payments.html",
        {**_page_context(request, student, locale, None), "view": view, "qr_codes": codes},
    )


# ---- the oath and the declarations --------------------------------------------------------------


def _oath_page(
    request: Request,
    student: Student,
    session: Session,
    locale: str,
    *,
    error: LegitkaError | None = None,
    error_kind: str | None = None,
) -> Response:
    return render(
        request,
        "portal/oath.html",
        {
            **_page_context(request, student, locale, error),
            "view": views.oath_view(session, student, locale),
            "error_kind": error_kind,
        },
        status_code=error.status if error else 200,
    )


@router.get("/u/{slug}/student/oath")
def oath_page(
    slug: str, request: Request, student: BrowserStudent, session: SessionDep, locale: LocaleDep
) -> Response:
    return _oath_page(request, student, session, locale)


@router.post("/u/{slug}/student/oath")
async def accept_oath(
    slug: str,
    request: Request,
    student: BrowserStudent,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    await check_csrf(request, student)
    form = await request.form()

    def accept() -> Response:
        kind_value = str(form.get("kind") or "")
        try:
            try:
                kind = DeclarationKind(kind_value)
                version = int(str(form.get("version") or ""))
            except ValueError:
                raise InvalidInput("declaration_unknown", UNKNOWN_TEXT, field="kind") from None
            if form.get("accept") != "yes":
                raise InvalidInput("acceptance_missing", NOT_ACCEPTED, field="accept")
            views.accept_text(session, runtime.clock, student, kind, version)
        except LegitkaError as exc:
            session.rollback()
            return _oath_page(request, student, session, locale, error=exc, error_kind=kind_value)
        session.commit()
        return RedirectResponse(
            f"/u/{slug}/student/oath?done=accepted#{kind.value}", status_code=303
        )

    return await run_in_threadpool(accept)


# ---- the photo ----------------------------------------------------------------------------------


def _photo_url(slug: str) -> Callable[[int], str]:
    return lambda photo_id: f"/u/{slug}/student/photo/{photo_id}"


def _photo_page(
    request: Request,
    student: Student,
    session: Session,
    locale: str,
    *,
    error: LegitkaError | None = None,
) -> Response:
    view = views.photo_view(session, student, locale, _photo_url(student.university.slug))
    return render(
        request,
        "portal/photo.html",
        {
            **_page_context(request, student, locale, error),
            "view": view,
            "max_mb": photos.MAX_BYTES // (1024 * 1024),
        },
        status_code=error.status if error else 200,
    )


@router.get("/u/{slug}/student/photo")
def photo_page(
    slug: str, request: Request, student: BrowserStudent, session: SessionDep, locale: LocaleDep
) -> Response:
    return _photo_page(request, student, session, locale)


@router.post("/u/{slug}/student/photo")
async def upload_photo(
    slug: str,
    request: Request,
    student: BrowserStudent,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    try:
        limited, form = await photo_upload.read_form(request)
    except photo_upload.PhotoRejected as exc:  # too large: refused before the body is read
        return await run_in_threadpool(_photo_page, request, student, session, locale, error=exc)
    await check_csrf(limited, student)
    try:
        data, crop = await photo_upload.upload_from(form)
    except LegitkaError as exc:
        return await run_in_threadpool(_photo_page, request, student, session, locale, error=exc)

    def keep() -> Response:
        try:
            photo_upload.upload_photo(session, runtime.clock, student, data, crop)
        except LegitkaError as exc:
            session.rollback()
            return _photo_page(request, student, session, locale, error=exc)
        session.commit()
        return RedirectResponse(f"/u/{slug}/student/photo?done=uploaded", status_code=303)

    return await run_in_threadpool(keep)


@router.get("/u/{slug}/student/photo/{photo_id}")
def photo_image(
    slug: str,
    photo_id: DbId,
    student: BrowserStudent,
    session: SessionDep,
) -> Response:
    return views.own_photo(session, student, photo_id)
