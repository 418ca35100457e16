"""Reports in the console: a university's numbers, and every university's for a system
administrator."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from legitka.domain.staff import StaffRole
from legitka.domain.text import N_
from legitka.office import auth, layout, nav, statistics
from legitka.office.deps import ScopeDep, require_role
from legitka.office.layout import staff_context
from legitka.registry.models import University
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.i18n import render

router = APIRouter(include_in_schema=False)
nav.add(nav.NavItem("reports", N_("Reports"), "reports", order=90))

SystemAdmin = Annotated[auth.Staff, Depends(require_role(StaffRole.SYSTEM_ADMIN))]


@router.get("/office/u/{slug}/reports")
def reports(
    request: Request, scope: ScopeDep, session: SessionDep, runtime: RuntimeDep
) -> Response:
    result = statistics.report(session, runtime.clock, scope.university.id)
    peak = max((count for _day, count in result.orders_per_day), default=0)
    return layout.page(
        request, scope, "office/reports.html",
        {"report": result, "peak": peak, "days": statistics.DAYS},
        section="reports",
    )  # fmt: skip


@router.get("/office/reports")
def every_university(
    request: Request,
    staff: SystemAdmin,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    """The numbers of every university, side by side (system administrators only)."""
    rows: list[dict[str, Any]] = []
    for university in sorted(session.scalars(select(University)), key=lambda u: u.slug):
        result = statistics.report(session, runtime.clock, university.id)
        rows.append(
            {
                "slug": university.slug,
                "name": university.name(locale),
                "active": result.active_mobile_ids,
                "orders": result.orders_total,
                "revocations": sum(recent for _s, _r, recent, _ever in result.revocations),
            }
        )
    response = render(
        request,
        "office/reports_all.html",
        {**staff_context(staff, locale), "rows": rows, "days": statistics.DAYS},
    )
    response.headers["Cache-Control"] = "no-store"
    return response
