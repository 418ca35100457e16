"""The console's sign-in and sign-out, and its home page (the universities one may serve)."""

from __future__ import annotations

import secrets as random_source
from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from legitka.demo.staff import DEMO_STAFF
from legitka.domain.errors import LegitkaError
from legitka.office import auth
from legitka.office.deps import (
    CSRF_FAILED,
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    OFFICE_COOKIE,
    ScopeDep,
    StaffDep,
    checked_form,
    safe_next,
)
from legitka.office.layout import staff_context
from legitka.portal.auth import client_hash
from legitka.registry.models import University
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep, cookie_values
from legitka.web.errors import localized_message
from legitka.web.i18n import render

router = APIRouter(include_in_schema=False)
LOGIN_PATH = "/office/login"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _demo_accounts(runtime: Any, locale: str) -> list[dict[str, str]]:
    if not runtime.settings.demo:
        return []
    return [
        {"login": s.login, "password": s.password, "summary": s.summary(locale)} for s in DEMO_STAFF
    ]


def _login_page(
    request: Request,
    runtime: Any,
    locale: str,
    *,
    error: str | None = None,
    login: str = "",
    status_code: int = 200,
) -> Response:
    csrf = random_source.token_urlsafe(24)
    response = render(
        request,
        "office/login.html",
        {
            "next": safe_next(request.query_params.get("next")),
            "csrf": csrf,
            "error": error,
            "login": login,
            "demo_accounts": _demo_accounts(runtime, locale),
        },
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=_secure(request),
        path=LOGIN_PATH,
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(LOGIN_PATH)
def login_page(request: Request, runtime: RuntimeDep, locale: LocaleDep) -> Response:
    return _login_page(request, runtime, locale)


@router.post(LOGIN_PATH)
async def login(
    request: Request, session: SessionDep, runtime: RuntimeDep, locale: LocaleDep
) -> Response:
    form = await request.form()
    return await run_in_threadpool(_login, request, form, session, runtime, locale)


def _login(request: Request, form: Any, session: Any, runtime: Any, locale: str) -> Response:
    login_name = str(form.get("login") or "")
    password = str(form.get("password") or "")
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not random_source.compare_digest(expected, str(form.get(CSRF_FIELD, ""))):
        error = auth.StaffSignInError("csrf_failed", CSRF_FAILED, status=403)
        return _login_page(
            request, runtime, locale, error=localized_message(error, locale), login=login_name,
            status_code=403,
        )  # fmt: skip
    client = client_hash(
        runtime.issuer_config.secret_key, request.client.host if request.client else "?"
    )
    try:
        account = auth.sign_in(session, runtime.clock, login_name, password, client=client)
    except LegitkaError as exc:
        session.commit()  # the failed attempt stays counted
        return _login_page(
            request, runtime, locale, error=localized_message(exc, locale), login=login_name,
            status_code=exc.status,
        )  # fmt: skip
    new = auth.start_session(session, runtime.clock, account)
    session.commit()
    response = RedirectResponse(safe_next(str(form.get("next") or "")), status_code=303)
    response.set_cookie(
        OFFICE_COOKIE, new.token, httponly=True, samesite="lax", secure=_secure(request),
        max_age=int(auth.SESSION_LIFETIME.total_seconds()), path="/office",
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    return response


@router.post("/office/logout")
async def logout(
    request: Request, staff: StaffDep, session: SessionDep, runtime: RuntimeDep
) -> Response:
    await checked_form(request, staff)

    def end() -> None:
        auth.end_session(session, runtime.clock, staff)
        # and every other session the browser sent under the same cookie name
        auth.end_sessions(session, runtime.clock, cookie_values(request, OFFICE_COOKIE))
        session.commit()

    await run_in_threadpool(end)
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    response.delete_cookie(OFFICE_COOKIE, path="/office")
    return response


@router.get("/office/")
def home(request: Request, staff: StaffDep, session: SessionDep, locale: LocaleDep) -> Response:
    """Staff of one university go to its console; a system administrator chooses one."""
    query = select(University)
    if not staff.serves_every_university:
        query = query.where(University.id == staff.account.university_id)
    universities = sorted(session.scalars(query), key=lambda u: u.name(locale).casefold())
    if not staff.serves_every_university and len(universities) == 1:
        return RedirectResponse(f"/office/u/{universities[0].slug}/", status_code=303)
    response = render(
        request,
        "office/home.html",
        {
            **staff_context(staff, locale),
            "universities": [{"slug": u.slug, "name": u.name(locale)} for u in universities],
        },
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/office/u/{slug}/")
def university_home(scope: ScopeDep) -> Response:
    """A university's console opens on its students."""
    return RedirectResponse(f"/office/u/{scope.slug}/students", status_code=303)
