"""The console in the web application: ``install(app)`` adds its error handling and routers.

To add a page (see ``docs/office.md``): write a module ``office/<noun>.py`` with its own
``router = APIRouter(include_in_schema=False)`` and, when it has a menu item, a
``nav.add(nav.NavItem(...))`` call at import; then add the module to :data:`PAGES` below. Every
route takes :data:`~legitka.office.deps.ScopeDep` (or ``StaffDep`` outside a university), reads
students through :func:`~legitka.office.deps.student_in_scope`, checks forms with
:func:`~legitka.office.deps.checked_form` and audits every change as ``scope.actor``.
"""

from __future__ import annotations

from types import ModuleType

from fastapi import FastAPI

from legitka.office import (
    audit_log,
    cards,
    changes,
    deps,
    pages,
    payments,
    photos,
    renewals,
    reports,
    student_payments,
    students,
)

# Page modules, each with a ``router``; the order is the order of their routes.
PAGES: tuple[ModuleType, ...] = (
    pages,
    students,
    photos,
    cards,
    renewals,
    audit_log,
    reports,
    payments,
    student_payments,
    changes,
)


def install(app: FastAPI) -> None:
    deps.install(app)
    for module in PAGES:
        app.include_router(module.router)
