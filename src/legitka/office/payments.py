"""Payments in the console: bank statements imported with a preview, and one student's payments.

A statement is uploaded, read and matched completely in a dry run of the same import the command
line runs (:func:`legitka.registry.services.statements.import_statement`); a file with bad records
shows every bad line and is not kept. A good file is kept server-side
(:mod:`legitka.office.statement_uploads`) until the dean's office confirms the preview, then
imported; importing the same transfers again records nothing twice (each has its key).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from legitka.domain.accounts import format_nrb
from legitka.domain.errors import InvalidInput, LegitkaError
from legitka.domain.money import format_pln
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.office import layout, nav, statement_uploads
from legitka.office.deps import Scope, ScopeDep, checked_form
from legitka.portal.register_api import CHARGE_KIND_LABELS
from legitka.registry.models import Person, StatementImport, Study
from legitka.registry.services.statements import ImportReport, import_statement
from legitka.registry.statements import MAX_STATEMENT_BYTES, RecordError, StatementErrors
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.errors import localized_message

router = APIRouter(include_in_schema=False)
nav.add(nav.NavItem("payments", N_("Payments"), "payments", order=30))

NO_FILE = N_("Choose the statement file (MT940 or CSV) exported from the bank.")
TOO_LARGE = N_("The file is larger than 20 MB: export a shorter period.")
UNMATCHED_NO_ACCOUNT = N_("No account number in the transfer: record it by hand.")
UNMATCHED_ACCOUNT = N_("Account {account} belongs to no student of this university.")
DUPLICATE = N_("Already recorded by an earlier import: nothing is recorded again.")
SKIPPED = {
    "debit": N_("Money out (a debit): not a payment."),
    "reversal": N_("A reversal: not a payment."),
    "zero": N_("A zero amount: not a payment."),
}
PAID = N_("paid in full")
STILL_DUE = N_("{amount} still due")
CREDIT = N_("{amount} stays as credit")


def _students(session: Session, scope: Scope, albums: set[str]) -> dict[str, dict[str, Any]]:
    rows = session.execute(
        select(Study.album_number, Study.id, Person.given_names, Person.family_name)
        .join(Person, Person.id == Study.person_id)
        .where(Study.university_id == scope.university.id, Study.album_number.in_(albums))
    )
    return {a: {"study_id": i, "name": f"{g} {f}"} for a, i, g, f in rows if a}


def report_rows(
    session: Session, scope: Scope, report: ImportReport, locale: str
) -> list[dict[str, Any]]:
    """Every line of the statement that moves money, in the order of the file."""
    students = _students(session, scope, {m.album_number for m in report.matched
                                          if m.album_number})  # fmt: skip
    rows: list[dict[str, Any]] = []

    def add(line: int, booked_on: Any, amount: int, outcome: str, note: str, **more: Any) -> None:
        rows.append({"line": line, "booked_on": booked_on, "amount": format_pln(amount),
                     "outcome": outcome, "note": note, "album": None, "student": None,
                     "title": None, **more})  # fmt: skip

    for m in report.matched:
        settles = [
            translate(CHARGE_KIND_LABELS[c.kind], locale) + f" {format_pln(c.amount_grosze)} ("
            + (translate(PAID, locale) if c.paid_in_full else
               translate(STILL_DUE, locale, {"amount": format_pln(c.outstanding_grosze)})) + ")"
            for c in m.charges
        ]  # fmt: skip
        if m.credit_grosze:
            settles.append(translate(CREDIT, locale, {"amount": format_pln(m.credit_grosze)}))
        add(m.line, m.booked_on, m.amount_grosze, "matched", "; ".join(settles),
            album=m.album_number, student=students.get(m.album_number or ""))  # fmt: skip
    for u in report.unmatched:
        note = (translate(UNMATCHED_ACCOUNT, locale, {"account": format_nrb(u.account)})
                if u.account else translate(UNMATCHED_NO_ACCOUNT, locale))  # fmt: skip
        add(u.line, u.booked_on, u.amount_grosze, "unmatched", note, title=u.title)
    for d in report.duplicates:
        add(d.line, d.booked_on, d.amount_grosze, "duplicate", translate(DUPLICATE, locale))
    for s in report.skipped:
        add(s.line, None, s.amount_grosze, "skipped", translate(SKIPPED[s.reason], locale))
    return sorted(rows, key=lambda row: row["line"])


def _errors(exc: InvalidInput, locale: str) -> list[dict[str, Any]]:
    errors: tuple[InvalidInput, ...] = exc.errors if isinstance(exc, StatementErrors) else (exc,)
    return [
        {"line": e.line if isinstance(e, RecordError) else None, "code": e.code, "field": e.field,
         "message": e.why if isinstance(e, RecordError) else localized_message(e, locale)}
        for e in errors
    ]  # fmt: skip


def _page(request: Request, scope: Scope, session: Session, status_code: int = 200,
          **extra: Any) -> Response:  # fmt: skip
    imports = session.scalars(
        select(StatementImport).where(StatementImport.university_id == scope.university.id)
        .order_by(StatementImport.imported_at.desc()).limit(10)
    ).all()  # fmt: skip
    defaults = {"error": None, "errors": None, "report": None, "imported": False}
    return layout.page(request, scope, "office/payments.html",
                       {"imports": imports, **defaults, **extra},
                       section="payments", status_code=status_code)  # fmt: skip


@router.get("/office/u/{slug}/payments")
def payments(request: Request, scope: ScopeDep, session: SessionDep) -> Response:
    return _page(request, scope, session)


@router.post("/office/u/{slug}/payments/preview")
async def preview(
    request: Request, scope: ScopeDep, session: SessionDep, runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:  # fmt: skip
    form = await checked_form(request, scope.staff)
    upload = form.get("file")
    data = await upload.read(MAX_STATEMENT_BYTES + 1) if isinstance(upload, UploadFile) else b""
    filename = (upload.filename or "statement") if isinstance(upload, UploadFile) else ""

    def work() -> Response:
        if not data:
            return _page(request, scope, session, 422, error=translate(NO_FILE, locale))
        if len(data) > MAX_STATEMENT_BYTES:
            return _page(request, scope, session, 422, error=translate(TOO_LARGE, locale))
        try:
            report = import_statement(session, runtime.clock, scope.university, filename, data,
                                      actor=scope.actor, dry_run=True)  # fmt: skip
        except InvalidInput as exc:
            session.rollback()
            return _page(request, scope, session, 422, filename=filename,
                         errors=_errors(exc, locale))  # fmt: skip
        token, sha256 = statement_uploads.keep(session, runtime.clock, scope.university,
                                               scope.staff.login, filename, data)  # fmt: skip
        session.commit()
        return _page(request, scope, session, report=report, token=token, sha256=sha256,
                     rows=report_rows(session, scope, report, locale))  # fmt: skip

    return await run_in_threadpool(work)


@router.post("/office/u/{slug}/payments/import")
async def confirm_import(
    request: Request, scope: ScopeDep, session: SessionDep, runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:  # fmt: skip
    form = await checked_form(request, scope.staff)
    token, sha256 = str(form.get("token") or ""), str(form.get("sha256") or "")

    def work() -> Response:
        try:
            kept = statement_uploads.take(session, runtime.clock, scope.university,
                                          scope.staff.login, token, sha256)  # fmt: skip
            filename, data = kept.filename, kept.data
            report = import_statement(session, runtime.clock, scope.university, filename, data,
                                      actor=scope.actor)  # fmt: skip
            session.commit()
        except LegitkaError as exc:
            session.rollback()
            return _page(request, scope, session, exc.status,
                         error=localized_message(exc, locale))  # fmt: skip
        return _page(request, scope, session, report=report, imported=True,
                     rows=report_rows(session, scope, report, locale))  # fmt: skip

    return await run_in_threadpool(work)
