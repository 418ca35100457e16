"""One student's fees in the console: charges, payments, credit and refunds; a payment entered
by hand, a refund of an over-payment, a charge cancelled (what was paid on it refunded).

Every change goes through :mod:`legitka.registry.services.fees` and is audited as the staff
member. The manual payment form carries a random key, so that a form sent twice records one
payment.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from legitka.clock import Clock, local_today
from legitka.domain.errors import InvalidInput, LegitkaError
from legitka.domain.fees import ChargeKind, ChargeStatus
from legitka.domain.money import format_pln, parse_pln
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.office import layout
from legitka.office.deps import Scope, ScopeDep, checked_form, not_found, student_in_scope
from legitka.portal.register_api import CHARGE_KIND_LABELS, CHARGE_STATUS_LABELS
from legitka.registry.models import Charge, Payment, Person, Study
from legitka.registry.models.fees import Refund
from legitka.registry.services import fees
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.errors import localized_message
from legitka.web.params import DbId

router = APIRouter(include_in_schema=False)
BASE = "/office/u/{slug}/students/{study_id}"
DONE = {
    "payment": N_("The payment was recorded."),
    "refund": N_("The refund was recorded."),
    "cancelled": N_("The fee was cancelled."),
}


def _text(form: FormData, name: str, limit: int = 300) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _date(value: str, clock: Clock) -> dt.date:
    if not value:
        return local_today(clock)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("invalid_date", N_("Give the date as YYYY-MM-DD."),
                           field="booked_on") from None  # fmt: skip


def _context(session: Session, person: Person, clock: Clock, locale: str) -> dict[str, Any]:
    charges = session.scalars(
        select(Charge).where(Charge.person_id == person.id).order_by(Charge.id)
    ).all()
    payments = session.scalars(
        select(Payment).where(Payment.person_id == person.id).order_by(Payment.booked_on.desc())
    ).all()
    refunds = session.scalars(
        select(Refund).where(Refund.person_id == person.id).order_by(Refund.id.desc())
    ).all()
    return {
        "charges": [
            {"id": c.id, "kind": translate(CHARGE_KIND_LABELS[ChargeKind(c.kind)], locale),
             "amount": format_pln(c.amount_grosze), "paid": format_pln(c.paid_grosze),
             "outstanding": format_pln(c.outstanding_grosze),
             "status_code": c.status.value,
             "status": translate(CHARGE_STATUS_LABELS[ChargeStatus(c.status)], locale),
             "may_cancel": c.status in (ChargeStatus.DUE, ChargeStatus.PAID)
             or (c.status is ChargeStatus.CANCELLED and c.paid_grosze > 0)}
            for c in charges
        ],
        "payments": [
            {"id": p.id, "booked_on": p.booked_on, "amount": format_pln(p.amount_grosze),
             "source": p.source.value, "title": p.title, "status": p.status.value,
             "credit": format_pln(p.unallocated_grosze) if p.unallocated_grosze else None}
            for p in payments
        ],
        "refunds": [
            {"refunded_on": r.refunded_on, "amount": format_pln(r.amount_grosze), "note": r.note,
             "by": r.created_by}
            for r in refunds
        ],
        "credit": format_pln(fees.credit_of(session, person)),
        "outstanding": format_pln(sum(c.outstanding_grosze for c in charges)),
        "today": local_today(clock),
        "payment_key": secrets.token_urlsafe(16),
    }  # fmt: skip


def _student(session: Session, scope: Scope, study_id: int) -> tuple[Study, Person]:
    study = student_in_scope(session, scope.staff, study_id, university=scope.university)
    return study, session.get_one(Person, study.person_id)


def _page(request: Request, scope: Scope, session: Session, study: Study, person: Person,
          clock: Clock, locale: str, status_code: int = 200, **extra: Any) -> Response:  # fmt: skip
    context = {"study_id": study.id, "name": person.full_name, "album": study.album_number,
               "done": None, "error": None, **_context(session, person, clock, locale),
               **extra}  # fmt: skip
    return layout.page(request, scope, "office/student_payments.html", context,
                       section="payments", status_code=status_code)  # fmt: skip


@router.get(BASE + "/payments")
def student_payments(
    study_id: DbId, request: Request, scope: ScopeDep, session: SessionDep, runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:  # fmt: skip
    study, person = _student(session, scope, study_id)
    done = DONE.get(request.query_params.get("done", ""))
    return _page(request, scope, session, study, person, runtime.clock, locale,
                 done=translate(done, locale) if done else None)  # fmt: skip


async def _change(
    request: Request, scope: Scope, session: Session, runtime: Any, locale: str, study_id: int,
    done: str, change: Any,
) -> Response:  # fmt: skip
    """Check the form, apply ``change(study, person, form)``, commit and go back to the page."""
    form = await checked_form(request, scope.staff)

    def work() -> Response:
        study, person = _student(session, scope, study_id)
        try:
            change(person, form)
            session.commit()
        except LegitkaError as exc:
            session.rollback()
            return _page(request, scope, session, study, person, runtime.clock, locale,
                         exc.status, error=localized_message(exc, locale))  # fmt: skip
        return RedirectResponse(
            f"/office/u/{scope.slug}/students/{study_id}/payments?done={done}", status_code=303
        )

    return await run_in_threadpool(work)


@router.post(BASE + "/payments")
async def manual_payment(
    study_id: DbId, request: Request, scope: ScopeDep, session: SessionDep, runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:  # fmt: skip
    def change(person: Person, form: FormData) -> None:
        title = _text(form, "title")
        if not title:
            raise InvalidInput("missing_title", N_("Write the title of the payment."),
                               field="title")  # fmt: skip
        fees.record_manual_payment(
            session, runtime.clock, person, amount_grosze=parse_pln(_text(form, "amount", 20)),
            booked_on=_date(_text(form, "booked_on", 10), runtime.clock), note=title,
            actor=scope.actor, key=_text(form, "key", 40) or None,
        )  # fmt: skip

    return await _change(request, scope, session, runtime, locale, study_id, "payment", change)


@router.post(BASE + "/payments/{payment_id}/refund")
async def refund_payment(
    study_id: DbId, payment_id: DbId, request: Request, scope: ScopeDep, session: SessionDep,
    runtime: RuntimeDep, locale: LocaleDep,
) -> Response:  # fmt: skip
    def change(person: Person, form: FormData) -> None:
        payment = session.get(Payment, payment_id)
        if payment is None or payment.person_id != person.id:
            raise not_found()
        fees.refund_credit(
            session, runtime.clock, payment, amount_grosze=parse_pln(_text(form, "amount", 20)),
            refunded_on=local_today(runtime.clock), note=_text(form, "note"), actor=scope.actor,
        )  # fmt: skip

    return await _change(request, scope, session, runtime, locale, study_id, "refund", change)


@router.post(BASE + "/charges/{charge_id}/cancel")
async def cancel_charge(
    study_id: DbId, charge_id: DbId, request: Request, scope: ScopeDep, session: SessionDep,
    runtime: RuntimeDep, locale: LocaleDep,
) -> Response:  # fmt: skip
    def change(person: Person, form: FormData) -> None:
        charge = session.get(Charge, charge_id)
        if charge is None or charge.person_id != person.id:
            raise not_found()
        fees.cancel_charge(session, runtime.clock, charge, refunded_on=local_today(runtime.clock),
                           note=_text(form, "note"), actor=scope.actor)  # fmt: skip

    return await _change(request, scope, session, runtime, locale, study_id, "cancelled", change)
