"""Rendering a console page inside the console's layout (``office/base.html``).

A page handler returns ``layout.page(request, scope, "office/….html", {...}, section="key")``;
the layout gets the staff member, the university, the menu (:mod:`legitka.office.nav`) with
``section`` marked as the current page, and the CSRF token every form carries (``csrf``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from legitka.domain.staff import ROLE_LABELS
from legitka.i18n import translate
from legitka.office import auth, nav
from legitka.office.deps import Scope
from legitka.web.i18n import render, request_locale


def staff_context(staff: auth.Staff, locale: str) -> dict[str, Any]:
    return {
        "staff_name": staff.account.display_name,
        "staff_login": staff.login,
        "staff_role": translate(ROLE_LABELS[staff.role], locale),
        "system_admin": staff.serves_every_university,
        "csrf": staff.csrf_token,
    }


def office_context(scope: Scope, locale: str, section: str) -> dict[str, Any]:
    """What the layout of every university page of the console needs."""
    return {
        **staff_context(scope.staff, locale),
        "slug": scope.slug,
        "university": scope.university.name(locale),
        "menu": nav.menu(scope.staff.role, scope.slug, locale, section),
        "section": section,
    }


def page(
    request: Request,
    scope: Scope,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    section: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    locale = request_locale(request)
    response = render(
        request,
        template,
        {**office_context(scope, locale, section), **(context or {})},
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
