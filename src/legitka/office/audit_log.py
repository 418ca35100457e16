"""The audit log of a university in the console: filtered, paged, and exported as CSV.

Filters are query parameters (nothing personal: an actor, an action, dates, a study's id);
the CSV export streams every matching event, read in batches by its own database session, and
is itself audited (``audit.exported``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from legitka.clock import WARSAW
from legitka.domain.text import N_
from legitka.office import layout, nav
from legitka.office.deps import Scope, ScopeDep, student_in_scope
from legitka.office.timeline import student_filter
from legitka.registry import audit
from legitka.registry.models import AuditEvent, Person
from legitka.runtime import Runtime
from legitka.web.deps import RuntimeDep, SessionDep

router = APIRouter(include_in_schema=False)
nav.add(nav.NavItem("audit", N_("Audit log"), "audit", order=80))

PAGE_SIZE = 50
BATCH = 500
CSV_COLUMNS = ("at", "actor", "action", "subject_type", "subject_id", "details")


@dataclass(frozen=True)
class Filters:
    actor: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    student: int | None = None

    @classmethod
    def from_query(cls, params: Any) -> Filters:
        def day(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(params.get(name) or "")
            except ValueError:
                return None

        student = (params.get("student") or "").strip()
        return cls(
            actor=(params.get("actor") or "").strip()[:80],
            action=(params.get("action") or "").strip()[:60],
            since=day("from"),
            until=day("to"),
            student=int(student) if student.isdigit() else None,
        )

    def query(self) -> dict[str, str]:
        """The filters as query parameters (for the CSV link and the pages)."""
        values = {
            "actor": self.actor,
            "action": self.action,
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
            "student": str(self.student) if self.student else "",
        }
        return {k: v for k, v in values.items() if v}


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), WARSAW).astimezone(dt.UTC)


def conditions(session: Session, scope: Scope, filters: Filters) -> list[ColumnElement[bool]]:
    """What an event must meet: the university's, and each filter given."""
    where: list[ColumnElement[bool]] = [AuditEvent.university_id == scope.university.id]
    if filters.actor:
        where.append(AuditEvent.actor.contains(filters.actor, autoescape=True))
    if filters.action:
        where.append(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.since:
        where.append(AuditEvent.at >= _start_of(filters.since))
    if filters.until:
        where.append(AuditEvent.at < _start_of(filters.until + dt.timedelta(days=1)))
    if filters.student is not None:
        study = student_in_scope(session, scope.staff, filters.student, university=scope.university)
        person = session.get(Person, study.person_id)
        assert person is not None
        where.append(student_filter(session, person))
    return where


def _row(event: AuditEvent) -> list[str]:
    return [
        event.at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        event.actor,
        event.action,
        event.subject_type,
        "" if event.subject_id is None else str(event.subject_id),
        json.dumps(event.details or {}, ensure_ascii=False, sort_keys=True),
    ]


@router.get("/office/u/{slug}/audit")
def audit_page(request: Request, scope: ScopeDep, session: SessionDep) -> Response:
    filters = Filters.from_query(request.query_params)
    where = conditions(session, scope, filters)
    total = int(session.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0)
    pages = max(1, -(-total // PAGE_SIZE))
    try:
        page = min(max(1, int(request.query_params.get("page") or 1)), pages)
    except ValueError:
        page = 1
    events = session.scalars(
        select(AuditEvent)
        .where(*where)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.university_id == scope.university.id)
        .distinct()
        .order_by(AuditEvent.action)
    ).all()
    query = filters.query()
    return layout.page(
        request, scope, "office/audit.html",
        {
            "filters": filters,
            "events": [
                {"at": e.at, "actor": e.actor, "action": e.action, "subject_type": e.subject_type,
                 "subject_id": e.subject_id,
                 "details": json.dumps(e.details or {}, ensure_ascii=False, sort_keys=True)}
                for e in events
            ],
            "actions": actions,
            "total": total,
            "page": page,
            "pages": pages,
            "query": query,
        },
        section="audit",
    )  # fmt: skip


def _stream(runtime: Runtime, scope: Scope, filters: Filters) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()  # a BOM, so spreadsheets read UTF-8
    with runtime.sessions() as session:
        where = conditions(session, scope, filters)
        last: tuple[dt.datetime, int] | None = None
        while True:
            query = select(AuditEvent).where(*where)
            if last is not None:
                query = query.where(
                    (AuditEvent.at < last[0])
                    | ((AuditEvent.at == last[0]) & (AuditEvent.id < last[1]))
                )
            batch = session.scalars(
                query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(BATCH)
            ).all()
            if not batch:
                return
            buffer.seek(0)
            buffer.truncate()
            for event in batch:
                writer.writerow(_row(event))
            yield buffer.getvalue()
            last = (batch[-1].at, batch[-1].id)
            session.expunge_all()


@router.get("/office/u/{slug}/audit.csv")
def audit_csv(
    request: Request, scope: ScopeDep, session: SessionDep, runtime: RuntimeDep
) -> Response:
    filters = Filters.from_query(request.query_params)
    conditions(session, scope, filters)  # a student out of scope is 404 before streaming
    audit.record(
        session, runtime.clock, actor=scope.actor, action="audit.exported",
        subject_type="university", subject_id=scope.university.id,
        university_id=scope.university.id, filters=filters.query(),
    )  # fmt: skip
    session.commit()
    stamp = runtime.clock.now().astimezone(WARSAW).strftime("%Y%m%d-%H%M")
    return StreamingResponse(
        _stream(runtime, scope, filters),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="audit-{scope.slug}-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )
