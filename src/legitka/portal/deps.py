"""Who is asking: the signed-in student of a portal page or of a mobile API call, and CSRF.

A page without a session redirects to the university's sign-in page (and back afterwards); an
API call without a valid bearer token gets a 401 problem. A student's session works only at the
student's own university. Every state-changing form carries the session's CSRF token.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from legitka.domain.errors import LegitkaError
from legitka.domain.text import N_
from legitka.portal import auth
from legitka.registry.services.universities import get_university
from legitka.web.deps import RuntimeDep, SessionDep
from legitka.web.errors import coded_problem, error_response, wants_json
from legitka.web.i18n import request_locale

SESSION_COOKIE = "legitka_session"
LOGIN_CSRF_COOKIE = "legitka_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
CSRF_FAILED = N_(
    "This form has expired or did not come from this site: reload the page and try again."
)


class SignInRequired(LegitkaError):
    status = 401


class CsrfFailed(LegitkaError):
    status = 403


def _signed_out(slug: str) -> SignInRequired:
    return SignInRequired(
        "sign_in_required",
        N_("Your session has ended or you are not signed in: sign in again."),
        university=slug,
    )


def browser_student(
    slug: str, request: Request, session: SessionDep, runtime: RuntimeDep
) -> auth.Student:
    """The student signed in with this browser at university ``slug``."""
    student = auth.signed_in(
        session, runtime.clock, request.cookies.get(SESSION_COOKIE), kind=auth.BROWSER
    )
    if student is None or student.university.slug != slug:
        get_university(session, slug)  # an unknown university is "not found" first
        raise _signed_out(slug)
    session.commit()  # the session's last-seen time
    return student


def api_student(
    slug: str, request: Request, session: SessionDep, runtime: RuntimeDep
) -> auth.Student:
    """The student of the mobile app's bearer token at university ``slug``."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    student = (
        auth.signed_in(session, runtime.clock, token.strip(), kind=auth.API)
        if scheme.lower() == "bearer"
        else None
    )
    if student is None or student.university.slug != slug:
        get_university(session, slug)  # an unknown university is "not found" first
        raise SignInRequired(
            "invalid_token",
            N_("The access token is missing, unknown or expired: sign in again."),
        )
    session.commit()
    return student


async def check_csrf(request: Request, student: auth.Student) -> None:
    """A state-changing request of a page must carry the session's CSRF token."""
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not auth.csrf_matches(student.session, given):
        raise CsrfFailed("csrf_failed", CSRF_FAILED)


BrowserStudent = Annotated[auth.Student, Depends(browser_student)]
ApiStudent = Annotated[auth.Student, Depends(api_student)]


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    slug = request.path_params.get("slug") or exc.params.get("university")
    if wants_json(request) or not slug:
        return error_response(
            request,
            coded_problem(exc, request_locale(request)),
            {"WWW-Authenticate": "Bearer"},
        )
    return RedirectResponse(
        f"/u/{slug}/login?next={quote(return_path(request, slug), safe='')}", status_code=303
    )


def return_path(request: Request, slug: str) -> str:
    """Where to come back after signing in again: the page asked for, or for a form that was
    sent (never replayed) the page the form was on, when it is one of this portal's pages."""
    if request.method in ("GET", "HEAD"):
        target = request.url.path
        return f"{target}?{request.url.query}" if request.url.query else target
    referer = urlsplit(request.headers.get("referer", ""))
    same_site = referer.netloc in ("", request.url.netloc)
    if same_site and referer.path.startswith(f"/u/{slug}/student/"):
        return referer.path
    return f"/u/{slug}/student/"


def install(app: FastAPI) -> None:
    app.add_exception_handler(SignInRequired, _sign_in_required)
