"""Semester renewal of every card of the university, as a background job (R5).

The office chooses the semester and types the hologram roll (first and last number); the
preview lists who gets which hologram and who is left out and why. Starting it makes a
:class:`~legitka.registry.models.RenewalJob` that the worker renews in batches; its page shows the
progress (long polling ``…/progress?wait=1&seen=N``, and the numbers on every reload) and, at
the end, the report (CSV: renewed with their holograms, left out with the reasons).
"""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from legitka.clock import local_today
from legitka.domain.els import RENEWAL_SKIP_LABELS, RenewalSkip
from legitka.domain.errors import InvalidInput, LegitkaError
from legitka.domain.semesters import Semester, renewal_choices
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.office import layout, nav
from legitka.office.deps import Scope, ScopeDep, checked_form, not_found
from legitka.registry.models import RenewalItemOutcome, RenewalJob, RenewalJobStatus
from legitka.registry.services import renewals as service
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.errors import localized_message
from legitka.web.params import DbId
from legitka.worker import nudge

router = APIRouter(include_in_schema=False)
nav.add(nav.NavItem("renewals", N_("Renewals"), "renewals", order=35))

WAIT_SECONDS = 20.0
POLL_SECONDS = 0.5
STATUS_LABELS = {
    RenewalJobStatus.QUEUED: N_("Waiting for the worker"),
    RenewalJobStatus.RUNNING: N_("Renewing"),
    RenewalJobStatus.FINISHED: N_("Finished"),
}
REPORT_COLUMNS = (
    "outcome", "album_number", "family_name", "given_names", "card", "semester", "valid_until",
    "hologram_number", "reason_code", "reason",
)  # fmt: skip


def reason_label(code: str | None, locale: str) -> str:
    if code is None:
        return ""
    try:
        return translate(RENEWAL_SKIP_LABELS[RenewalSkip(code)], locale)
    except ValueError:
        return code


def _semester(form: FormData, today: Any) -> Semester:
    code = str(form.get("semester") or "").strip()
    for choice in renewal_choices(today):
        if choice.code == code:
            return choice
    raise InvalidInput(
        "invalid_semester", N_("Choose the semester of the renewal."), field="semester"
    )


def _form_values(form: FormData) -> dict[str, str]:
    return {
        name: str(form.get(name) or "").strip()[:20]
        for name in ("semester", "first_hologram", "last_hologram")
    }


def _jobs(session: Session, scope: Scope, locale: str) -> list[dict[str, Any]]:
    jobs = session.scalars(
        select(RenewalJob)
        .where(RenewalJob.university_id == scope.university.id)
        .order_by(RenewalJob.id.desc())
        .limit(20)
    )
    return [
        {"id": job.id, "semester": job.semester, "created_at": job.created_at,
         "created_by": job.created_by, "status": translate(STATUS_LABELS[job.status], locale),
         "renewed": job.renewed, "skipped": job.skipped}
        for job in jobs
    ]  # fmt: skip


def _start_page(
    request: Request,
    scope: Scope,
    session: Session,
    runtime: Any,
    locale: str,
    *,
    values: dict[str, str] | None = None,
    plan: service.Plan | None = None,
    holograms: list[str] | None = None,
    error: LegitkaError | None = None,
) -> Response:
    today = local_today(runtime.clock)
    context: dict[str, Any] = {
        "semesters": [{"code": s.code, "valid_until": s.validity_end}
                      for s in renewal_choices(today)],
        "values": values
        or {"semester": renewal_choices(today)[0].code, "first_hologram": "", "last_hologram": ""},
        "hologram_code": scope.university.hologram_code,
        "jobs": _jobs(session, scope, locale),
        "error": localized_message(error, locale) if error else None,
        "error_field": error.field if error else None,
        "running": service.running_job(session, scope.university) is not None,
        "plan": None,
    }  # fmt: skip
    if plan is not None:
        numbers = holograms or []
        context["plan"] = {
            "semester": plan.semester.code,
            "valid_until": plan.semester.validity_end,
            "fingerprint": plan.fingerprint,
            "renew": [
                {"name": row.name, "album": row.album, "card": row.card,
                 "hologram": numbers[i] if i < len(numbers) else None,
                 "study_id": row.study_id}
                for i, row in enumerate(plan.renew)
            ],
            "skip": [
                {"name": row.name, "album": row.album, "card": row.card,
                 "reason": reason_label(row.skip.value if row.skip else None, locale),
                 "study_id": row.study_id}
                for row in plan.skip
            ],
            "startable": holograms is not None and bool(plan.renew),
        }  # fmt: skip
    return layout.page(request, scope, "office/renewals.html", context, section="renewals",
                       status_code=error.status if error else 200)  # fmt: skip


@router.get("/office/u/{slug}/renewals")
def renewal_start(
    request: Request, scope: ScopeDep, session: SessionDep, runtime: RuntimeDep, locale: LocaleDep
) -> Response:
    return _start_page(request, scope, session, runtime, locale)


@router.post("/office/u/{slug}/renewals/preview")
async def renewal_preview(
    request: Request, scope: ScopeDep, session: SessionDep, runtime: RuntimeDep, locale: LocaleDep
) -> Response:
    form = await checked_form(request, scope.staff)
    values = _form_values(form)

    def preview() -> Response:
        plan = None
        try:
            semester = _semester(form, local_today(runtime.clock))
            plan = service.plan(session, runtime.clock, scope.university, semester)
            holograms = service.holograms_for(
                session, scope.university, values["first_hologram"], values["last_hologram"],
                len(plan.renew),
            )  # fmt: skip
        except LegitkaError as exc:
            return _start_page(request, scope, session, runtime, locale, values=values,
                               plan=plan, error=exc)  # fmt: skip
        return _start_page(request, scope, session, runtime, locale, values=values, plan=plan,
                           holograms=holograms)  # fmt: skip

    return await run_in_threadpool(preview)


@router.post("/office/u/{slug}/renewals")
async def renewal_run(
    request: Request, scope: ScopeDep, session: SessionDep, runtime: RuntimeDep, locale: LocaleDep
) -> Response:
    form = await checked_form(request, scope.staff)
    values = _form_values(form)
    fingerprint = str(form.get("fingerprint") or "")[:64]

    def begin() -> Response:
        semester: Semester | None = None
        try:
            semester = _semester(form, local_today(runtime.clock))
            job = service.start(
                session, runtime.clock, scope.university, semester,
                first_hologram=values["first_hologram"], last_hologram=values["last_hologram"],
                fingerprint=fingerprint, actor=scope.actor,
            )  # fmt: skip
            session.commit()
        except LegitkaError as exc:
            session.rollback()
            plan = service.plan(session, runtime.clock, scope.university, semester) if (
                semester is not None) else None  # fmt: skip
            return _start_page(request, scope, session, runtime, locale, values=values,
                               plan=plan, error=exc)  # fmt: skip
        nudge()
        return RedirectResponse(f"/office/u/{scope.slug}/renewals/{job.id}", status_code=303)

    return await run_in_threadpool(begin)


def _job(session: Session, scope: Scope, job_id: int) -> RenewalJob:
    job = session.get(RenewalJob, job_id)
    if job is None or job.university_id != scope.university.id:
        raise not_found()
    return job


def progress_json(job: RenewalJob, locale: str) -> dict[str, Any]:
    percent = 100 if job.total == 0 else int(job.done * 100 / job.total)
    return {
        "id": job.id,
        "status": job.status.value,
        "status_label": translate(STATUS_LABELS[job.status], locale),
        "total": job.total,
        "done": job.done,
        "renewed": job.renewed,
        "skipped": job.skipped,
        "percent": percent,
        "finished": job.status is RenewalJobStatus.FINISHED,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


@router.get("/office/u/{slug}/renewals/{job_id}")
def renewal_job(
    job_id: DbId, request: Request, scope: ScopeDep, session: SessionDep, locale: LocaleDep
) -> Response:
    job = _job(session, scope, job_id)
    rows = service.report(session, job) if job.status is RenewalJobStatus.FINISHED else []
    context = {
        "job": job,
        "progress": progress_json(job, locale),
        "renewed_rows": [r for r in rows if r.outcome is RenewalItemOutcome.RENEWED],
        "skipped_rows": [
            {"row": r, "reason": reason_label(r.reason, locale)}
            for r in rows
            if r.outcome is RenewalItemOutcome.SKIPPED
        ],
    }
    return layout.page(request, scope, "office/renewal_job.html", context, section="renewals")


@router.get("/office/u/{slug}/renewals/{job_id}/progress")
async def renewal_progress(
    job_id: DbId, request: Request, scope: ScopeDep, session: SessionDep, locale: LocaleDep
) -> Response:
    """The job's progress as JSON; with ``wait=1`` the answer waits (up to 20 s) until it
    differs from ``seen`` (the number done the page shows) or the job ends."""
    wait = request.query_params.get("wait") == "1"
    try:
        seen = int(request.query_params.get("seen", "-1"))
    except ValueError:
        seen = -1

    def read() -> dict[str, Any]:
        session.rollback()  # a fresh look at the job at every reading
        return progress_json(_job(session, scope, job_id), locale)

    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    body = await run_in_threadpool(read)
    while wait and body["done"] == seen and not body["finished"] and loop.time() < deadline:
        if await request.is_disconnected():
            break
        await asyncio.sleep(POLL_SECONDS)
        body = await run_in_threadpool(read)
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.get("/office/u/{slug}/renewals/{job_id}/report.csv")
def renewal_report(
    job_id: DbId, scope: ScopeDep, session: SessionDep, locale: LocaleDep
) -> Response:
    job = _job(session, scope, job_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REPORT_COLUMNS)
    for row in service.report(session, job):
        renewed = row.outcome is RenewalItemOutcome.RENEWED
        writer.writerow([
            row.outcome.value, row.album or "", row.family_name, row.given_names, row.card or "",
            job.semester, job.valid_until.isoformat() if renewed else "",
            row.hologram or "", row.reason or "", reason_label(row.reason, locale),
        ])  # fmt: skip
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f'attachment; filename="renewal-{scope.slug}-{job.semester}-{job.id}.csv"'
            ),
            "Cache-Control": "no-store",
        },
    )
