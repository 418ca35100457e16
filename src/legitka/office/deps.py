"""Authorization of the console, in one place: who is signed in, their role, their scope.

- :data:`StaffDep`: the signed-in staff member; a page without a session redirects to
  ``/office/login`` (and back afterwards).
- :func:`require_role`: a dependency refusing other roles with ``403 role_not_allowed``.
- :data:`ScopeDep`: the staff member and the university of the URL's ``{slug}``; a university the
  staff member does not serve is ``404 not_found``, exactly as one that does not exist.
- :func:`student_in_scope` / :func:`person_in_scope`: a study or person of the URL's university
  that the staff member serves, else ``404`` (never 403: staff of another university do not learn
  that the student exists).
- :func:`checked_form`: the form of a POST, after its CSRF token was checked (``403
  csrf_failed``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from legitka.domain.errors import LegitkaError, NotFound
from legitka.domain.staff import StaffRole
from legitka.domain.text import N_
from legitka.office import auth
from legitka.registry.models import Person, Study, University
from legitka.web.deps import RuntimeDep, SessionDep
from legitka.web.errors import coded_problem, error_response, wants_json
from legitka.web.i18n import request_locale

OFFICE_COOKIE = "legitka_office"
LOGIN_CSRF_COOKIE = "legitka_office_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
HOME = "/office/"
CSRF_FAILED = N_(
    "This form has expired or did not come from this site: reload the page and try again."
)
NOT_HERE = N_("There is nothing at this address. Check the link or start from the home page.")


class StaffSignInRequired(LegitkaError):
    status = 401


class CsrfFailed(LegitkaError):
    status = 403


class RoleNotAllowed(LegitkaError):
    status = 403


def not_found() -> NotFound:
    """The one answer for what is missing and for what belongs to another university."""
    return NotFound("not_found", NOT_HERE)


def browser_staff(request: Request, session: SessionDep, runtime: RuntimeDep) -> auth.Staff:
    """The staff member signed in with this browser."""
    staff = auth.signed_in(session, runtime.clock, request.cookies.get(OFFICE_COOKIE))
    if staff is None:
        raise StaffSignInRequired(
            "sign_in_required",
            N_("Your session has ended or you are not signed in: sign in again."),
        )
    session.commit()  # the session's last-seen time
    return staff


StaffDep = Annotated[auth.Staff, Depends(browser_staff)]


def require_role(*roles: StaffRole) -> Callable[[auth.Staff], auth.Staff]:
    """A dependency: the signed-in staff member when their role is one of ``roles``.

    Use as ``staff: Annotated[Staff, Depends(require_role(StaffRole.UNIVERSITY_ADMIN, ...))]``.
    """
    allowed = frozenset(roles)

    def dependency(staff: StaffDep) -> auth.Staff:
        if staff.role not in allowed:
            raise RoleNotAllowed(
                "role_not_allowed", N_("Your role does not allow this page or action.")
            )
        return staff

    return dependency


@dataclass(frozen=True)
class Scope:
    """A console page's context: who asks, and the university of the URL they may serve."""

    staff: auth.Staff
    university: University

    @property
    def slug(self) -> str:
        return self.university.slug

    @property
    def actor(self) -> str:
        return self.staff.actor


def university_scope(slug: str, staff: StaffDep, session: SessionDep) -> Scope:
    """The university ``slug`` when the staff member serves it, else 404."""
    university = session.scalar(select(University).where(University.slug == slug))
    if university is None or not staff.may_serve(university.id):
        raise not_found()
    return Scope(staff, university)


ScopeDep = Annotated[Scope, Depends(university_scope)]


def student_in_scope(
    session: Session,
    staff: auth.Staff,
    study_id: int,
    *,
    university: University | None = None,
) -> Study:
    """The study ``study_id`` when ``staff`` serves its university (and it is ``university``'s,
    when given: the URL's); otherwise 404, as for a study that does not exist."""
    study = session.get(Study, study_id)
    if (
        study is None
        or not staff.may_serve(study.university_id)
        or (university is not None and study.university_id != university.id)
    ):
        raise not_found()
    return study


def person_in_scope(
    session: Session,
    staff: auth.Staff,
    person_id: int,
    *,
    university: University | None = None,
) -> Person:
    """As :func:`student_in_scope`, for a person."""
    person = session.get(Person, person_id)
    if (
        person is None
        or not staff.may_serve(person.university_id)
        or (university is not None and person.university_id != university.id)
    ):
        raise not_found()
    return person


async def checked_form(request: Request, staff: auth.Staff) -> FormData:
    """The request's form, after checking the session's CSRF token (field or header)."""
    form = await request.form()
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not auth.csrf_matches(staff, given):
        raise CsrfFailed("csrf_failed", CSRF_FAILED)
    return form


def safe_next(value: str | None) -> str:
    """Where to go after signing in: only a path of the console."""
    if value and value.startswith("/office/") and not value.startswith("//"):
        return value
    return HOME


def return_path(request: Request) -> str:
    """The page asked for, or for a form that was sent (never replayed) the console page the
    form was on."""
    if request.method in ("GET", "HEAD"):
        target = request.url.path
        return f"{target}?{request.url.query}" if request.url.query else target
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc in ("", request.url.netloc) and referer.path.startswith("/office/"):
        return referer.path
    return HOME


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StaffSignInRequired)
    if wants_json(request):
        return error_response(request, coded_problem(exc, request_locale(request)))
    return RedirectResponse(
        f"/office/login?next={quote(safe_next(return_path(request)), safe='')}", status_code=303
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(StaffSignInRequired, _sign_in_required)
