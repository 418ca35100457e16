"""The student portal's sign-in, sign-out and dashboard pages (USOSweb's part)."""

from __future__ import annotations

import secrets as random_source
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from legitka.demo.cases import CASES
from legitka.domain.eligibility import PhotoStatus
from legitka.domain.els import CARD_STATUS_LABELS, ElsCardStatus
from legitka.domain.errors import LegitkaError
from legitka.domain.studies import STUDY_STATUS_LABELS
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.portal import auth
from legitka.portal.deps import (
    CSRF_FAILED,
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    BrowserStudent,
    check_csrf,
)
from legitka.registry.services.students import student_report
from legitka.registry.services.universities import get_university
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep, cookie_values
from legitka.web.errors import localized_message
from legitka.web.i18n import render

router = APIRouter(include_in_schema=False)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def safe_next(slug: str, value: str | None) -> str:
    """Where to go after signing in: only a path of this university's portal."""
    home = f"/u/{slug}/student/"
    if value and value.startswith(f"/u/{slug}/") and not value.startswith("//"):
        return value
    return home


def _demo_accounts(runtime: Any, slug: str, locale: str) -> list[dict[str, str]]:
    if not runtime.settings.demo:
        return []
    return [
        {"login": case.login, "password": case.password, "summary": case.summary(locale)}
        for case in CASES
        if case.university == slug
    ]


def _login_page(
    request: Request,
    slug: str,
    session: Any,
    runtime: Any,
    locale: str,
    *,
    error: str | None = None,
    login: str = "",
    status_code: int = 200,
) -> Response:
    university = get_university(session, slug)
    csrf = random_source.token_urlsafe(24)
    response = render(
        request,
        "portal/login.html",
        {
            "university": university.name(locale),
            "slug": slug,
            "next": safe_next(slug, request.query_params.get("next")),
            "csrf": csrf,
            "error": error,
            "login": login,
            "demo_accounts": _demo_accounts(runtime, slug, locale),
        },
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=_secure(request),
        path=f"/u/{slug}/login",
    )  # fmt: skip
    return response


@router.get("/u/{slug}/login")
def login_page(
    slug: str, request: Request, session: SessionDep, runtime: RuntimeDep, locale: LocaleDep
) -> Response:
    return _login_page(request, slug, session, runtime, locale)


@router.post("/u/{slug}/login")
async def login(
    slug: str, request: Request, session: SessionDep, runtime: RuntimeDep, locale: LocaleDep
) -> Response:
    form = await request.form()
    return await run_in_threadpool(_login, slug, request, form, session, runtime, locale)


def _login(
    slug: str, request: Request, form: Any, session: Any, runtime: Any, locale: str
) -> Response:
    login_name = str(form.get("login") or "")
    password = str(form.get("password") or "")
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not random_source.compare_digest(expected, str(form.get(CSRF_FIELD, ""))):
        error = auth.SignInError("csrf_failed", CSRF_FAILED, status=403)
        return _login_page(
            request, slug, session, runtime, locale, error=localized_message(error, locale),
            login=login_name, status_code=403,
        )  # fmt: skip
    university = get_university(session, slug)
    client = auth.client_hash(
        runtime.issuer_config.secret_key, request.client.host if request.client else "?"
    )
    try:
        account = auth.sign_in(
            session, runtime.clock, university, login_name, password, client=client
        )
    except LegitkaError as exc:
        session.commit()  # the failed attempt stays counted
        return _login_page(
            request, slug, session, runtime, locale, error=localized_message(exc, locale),
            login=login_name, status_code=exc.status,
        )  # fmt: skip
    account.locale = locale
    new = auth.start_session(session, runtime.clock, account, kind=auth.BROWSER)
    session.commit()
    response = RedirectResponse(safe_next(slug, str(form.get("next") or "")), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, new.token, httponly=True, samesite="lax", secure=_secure(request),
        max_age=int(auth.SESSION_LIFETIME[auth.BROWSER].total_seconds()), path="/",
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=f"/u/{slug}/login")
    return response


@router.post("/u/{slug}/logout")
async def logout(
    slug: str,
    request: Request,
    student: BrowserStudent,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    await check_csrf(request, student)

    def end() -> None:
        auth.end_session(session, runtime.clock, session.merge(student.session))
        # and every other session the browser sent under the same cookie name
        tokens = cookie_values(request, SESSION_COOKIE)
        auth.end_sessions(session, runtime.clock, tokens, kind=auth.BROWSER)
        session.commit()

    await run_in_threadpool(end)
    response = RedirectResponse(f"/u/{slug}/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/u/{slug}/student/")
def dashboard(
    slug: str,
    request: Request,
    student: BrowserStudent,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    report = student_report(session, student.study, runtime.clock, locale)
    for card in report["els_cards"]:
        card["status_label"] = translate(CARD_STATUS_LABELS[ElsCardStatus(card["status"])], locale)
    return render(
        request,
        "portal/dashboard.html",
        {
            **portal_context(student, locale),
            "report": report,
            "study_status": translate(STUDY_STATUS_LABELS[student.study.status], locale),
            "photo_status": translate(photo_summary(report["photo"]["status"]), locale),
            "open_charges": [c for c in report["charges"] if c["status"] == "due"],
        },
    )


PHOTO_SUMMARIES: dict[str | None, str] = {
    None: N_("There is no photo of you yet: upload one."),
    PhotoStatus.PENDING.value: N_("Your photo is waiting for the dean's office's approval."),
    PhotoStatus.APPROVED.value: N_("Your photo is approved."),
    PhotoStatus.REJECTED.value: N_("Your photo was rejected: see why and upload a new one."),
}


def photo_summary(status: str | None) -> str:
    return PHOTO_SUMMARIES[status]


def portal_context(student: auth.Student, locale: str) -> dict[str, Any]:
    """What every portal page's layout needs: the student, the university, the CSRF token."""
    return {
        "slug": student.university.slug,
        "university": student.university.name(locale),
        "student_name": student.person.full_name,
        "album": student.study.album_number,
        "csrf": student.session.csrf_token,
    }
