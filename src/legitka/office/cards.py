"""Plastic cards (ELS) in the console: the print queue and one student's card.

``/office/u/{slug}/cards`` shows the cards in production and exports the print orders (a CSV
file for the card printer; the exported cards become *printing*). ``/office/u/{slug}/cards/
{study_id}`` is one student's card: record the application, the printed card (number, edition,
chip serial), the hand-over, a semester renewal, a duplicate with its fee, a loss or a
cancellation (which, under the ELS-linked policy, revokes the mLegitymacja at once: R22), and a
first-cycle graduate's card continuing in the next programme (R3).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from legitka.clock import local_today
from legitka.domain import els as rules
from legitka.domain.els import (
    CARD_STATUS_LABELS,
    DUPLICATE_REASON_LABELS,
    DuplicateReason,
    ElsCardStatus,
)
from legitka.domain.errors import Conflict, InvalidInput, LegitkaError
from legitka.domain.money import format_pln
from legitka.domain.semesters import Semester, renewal_choices, semester_at
from legitka.domain.studies import StudyLevel, StudyStatus
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.office import layout, nav
from legitka.office.deps import Scope, ScopeDep, checked_form, not_found, student_in_scope
from legitka.registry.models import ElsCard, Photo, Study
from legitka.registry.services import els, renewals, students
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.errors import localized_message
from legitka.web.params import DbId

router = APIRouter(include_in_schema=False)
nav.add(nav.NavItem("cards", N_("Cards"), "cards", order=30))

DONE = {
    "applied": N_("The application for the card is recorded."),
    "printed": N_("The printed card is recorded: it waits for the student at the dean's office."),
    "handed-over": N_("The card is handed over: it is active."),
    "renewed": N_("The card is renewed."),
    "duplicate": N_("The duplicate is applied for; its fee, if any, is charged to the student."),
    "lost": N_("The card is recorded as lost."),
    "cancelled": N_("The card is cancelled."),
    "continued": N_("The card continues in the new programme."),
}
NOTHING_TO_PRINT = N_("No card waits for printing (a card is printed once its photo is approved).")
REASON_LENGTH = 200

# The print order file: one row per card, in album order (documented in docs/office.md).
PRINT_COLUMNS = (
    "card_number", "edition", "album_number", "family_name", "given_names", "birth_date",
    "pesel", "university", "university_en", "issue_date", "valid_until", "photo_file",
    "photo_url",
)  # fmt: skip


def _text(form: FormData, name: str, length: int = 100) -> str:
    return str(form.get(name) or "").strip()[:length]


def _card_rows(session: Any, cards: list[ElsCard], locale: str) -> list[dict[str, Any]]:
    rows = []
    for card in cards:
        rows.append({
            "id": card.id, "label": f"{card.number}{card.edition}",
            "status": card.status.value,
            "status_label": translate(CARD_STATUS_LABELS[card.status], locale),
            "changed_at": card.status_changed_at, "chip_serial": card.chip_serial,
            "issued_on": card.issued_on, "reason": card.status_reason,
            "duplicate_reason": translate(DUPLICATE_REASON_LABELS[card.duplicate_reason], locale)
            if card.duplicate_reason else None,
            "renewals": [
                {"semester": r.semester, "valid_until": r.valid_until,
                 "hologram": r.hologram_number}
                for r in sorted(card.renewals, key=lambda r: r.valid_until, reverse=True)
            ],
        })  # fmt: skip
    return rows


# ---- the print queue ----


def _production(session: Any, scope: Scope, locale: str) -> dict[str, Any]:
    counts = dict(
        session.execute(
            select(ElsCard.status, func.count(ElsCard.id))
            .where(ElsCard.university_id == scope.university.id)
            .group_by(ElsCard.status)
        ).all()
    )
    waiting = session.execute(
        select(ElsCard, Study)
        .join(Study, Study.id == ElsCard.study_id)
        .where(ElsCard.university_id == scope.university.id, ElsCard.status.in_(
            [ElsCardStatus.APPLIED, ElsCardStatus.PRINTING, ElsCardStatus.READY_TO_COLLECT]))
        .order_by(ElsCard.status, Study.album_number)
        .limit(200)
    ).all()  # fmt: skip
    with_photo = set(
        session.scalars(
            select(Photo.person_id).where(
                Photo.person_id.in_([card.person_id for card, _ in waiting]),
                Photo.status == "approved",
            )
        )
    )
    return {
        "counts": [
            {"status": translate(label, locale), "count": counts.get(status, 0)}
            for status, label in CARD_STATUS_LABELS.items()
        ],
        "waiting": [
            {
                "study_id": study.id,
                "name": study.person.full_name,
                "album": study.album_number,
                "card": f"{card.number}{card.edition}",
                "status": translate(CARD_STATUS_LABELS[card.status], locale),
                "photo_missing": card.status is ElsCardStatus.APPLIED
                and card.person_id not in with_photo,
            }
            for card, study in waiting
        ],
    }


@router.get("/office/u/{slug}/cards")
def cards(request: Request, scope: ScopeDep, session: SessionDep, locale: LocaleDep) -> Response:
    return layout.page(request, scope, "office/cards.html", _production(session, scope, locale),
                       section="cards")  # fmt: skip


@router.post("/office/u/{slug}/cards/print-orders")
async def print_orders(
    request: Request, scope: ScopeDep, session: SessionDep, runtime: RuntimeDep, locale: LocaleDep
) -> Response:
    await checked_form(request, scope.staff)

    def export() -> Response:
        rows = els.print_orders(session, runtime.clock, scope.university, actor=scope.actor)
        if not rows:
            session.rollback()
            context = {**_production(session, scope, locale),
                       "info": translate(NOTHING_TO_PRINT, locale)}  # fmt: skip
            return layout.page(request, scope, "office/cards.html", context, section="cards")
        today = local_today(runtime.clock)
        valid_until = semester_at(today).validity_end
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(PRINT_COLUMNS)
        for card, study, person, photo_id in rows:
            writer.writerow([
                card.number, card.edition, study.album_number or "", person.family_name,
                person.given_names, person.birth_date.isoformat(), person.pesel or "",
                scope.university.name_pl, scope.university.name_en, today.isoformat(),
                valid_until.isoformat(), f"{study.album_number or study.id}-{photo_id}.jpg",
                f"/office/u/{scope.slug}/students/{study.id}/photos/{photo_id}",
            ])  # fmt: skip
        session.commit()
        name = f"print-orders-{scope.slug}-{runtime.clock.now():%Y%m%d-%H%M%S}.csv"
        return Response(
            "\ufeff" + out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )

    return await run_in_threadpool(export)


# ---- one student's card ----


def _student_context(
    session: Any, scope: Scope, study: Study, runtime: Any, locale: str
) -> dict[str, Any]:
    card_list = els.cards_of(session, study)
    current = card_list[-1] if card_list else None
    today = local_today(runtime.clock)
    person = study.person
    continuing_to = []
    if (
        current is not None
        and current.status is ElsCardStatus.ACTIVE
        and study.level is StudyLevel.FIRST_CYCLE
        and study.status is StudyStatus.GRADUATED
    ):
        continuing_to = [
            {"id": other.id, "label": f"{other.programme} · {other.album_number or '–'}"}
            for other in session.scalars(
                select(Study).where(
                    Study.person_id == study.person_id,
                    Study.id != study.id,
                    Study.status == StudyStatus.ACTIVE,
                )
            )
        ]
    university = scope.university
    return {
        "study_id": study.id,
        "name": person.full_name,
        "album": study.album_number,
        "programme": study.programme,
        "cards": list(reversed(_card_rows(session, card_list, locale))),
        "current": current.status.value if current else None,
        "current_label": f"{current.number}{current.edition}" if current else None,
        "requirements": [
            students.requirement_json(req, locale)
            for req in students.card_requirements(session, study, runtime.clock)
        ],
        "semesters": [
            {"code": s.code, "valid_until": s.validity_end} for s in renewal_choices(today)
        ],
        "hologram_code": university.hologram_code,
        "duplicate_reasons": [
            {
                "value": reason.value,
                "label": translate(label, locale),
                "fee": format_pln(rules.duplicate_fee(reason, university.duplicate_fee_grosze)),
            }
            for reason, label in DUPLICATE_REASON_LABELS.items()
        ],
        "continuing_to": continuing_to,
        "today": today,
    }


def _student_page(
    request: Request,
    scope: Scope,
    session: Any,
    study: Study,
    runtime: Any,
    locale: str,
    *,
    done: str | None = None,
    error: LegitkaError | None = None,
) -> Response:
    context = _student_context(session, scope, study, runtime, locale)
    context["done"] = translate(DONE[done], locale) if done in DONE else None
    context["error"] = localized_message(error, locale) if error else None
    context["error_field"] = error.field if error else None
    return layout.page(request, scope, "office/card.html", context, section="cards",
                       status_code=error.status if error else 200)  # fmt: skip


@router.get("/office/u/{slug}/cards/{study_id}")
def student_card(
    study_id: DbId,
    request: Request,
    scope: ScopeDep,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    study = student_in_scope(session, scope.staff, study_id, university=scope.university)
    done = request.query_params.get("done")
    return _student_page(request, scope, session, study, runtime, locale, done=done)


def _current(session: Any, study: Study) -> ElsCard:
    card = els.current_card(session, study)
    if card is None:
        raise Conflict("els_no_card", N_("The student has no plastic card."), field="card")
    return card


Action = Callable[[Any, Any, Scope, Study, FormData], None]


def _apply(session: Any, clock: Any, scope: Scope, study: Study, form: FormData) -> None:
    els.apply_for_card(session, clock, study, actor=scope.actor)


def _printed(session: Any, clock: Any, scope: Scope, study: Study, form: FormData) -> None:
    card = _current(session, study)
    els.record_printed(session, clock, card, number=_text(form, "number"),
                       edition=_text(form, "edition"), chip_serial=_text(form, "chip_serial"),
                       actor=scope.actor)  # fmt: skip


def _hand_over(session: Any, clock: Any, scope: Scope, study: Study, form: FormData) -> None:
    card = _current(session, study)
    els.hand_over(session, clock, card, chip_serial=card.chip_serial or "",
                  issued_on=local_today(clock), actor=scope.actor)  # fmt: skip


def _renew(session: Any, clock: Any, scope: Scope, study: Study, form: FormData) -> None:
    code = _text(form, "semester", 10)
    allowed = {s.code for s in renewal_choices(local_today(clock))}
    if code not in allowed:
        raise InvalidInput(
            "invalid_semester", N_("Choose the semester of the renewal."), field="semester"
        )
    renewals.renew_one(session, clock, study, Semester.parse(code),
                       hologram_number=_text(form, "hologram", 20), actor=scope.actor)  # fmt: skip


def _duplicate(session: Any, clock: Any, scope: Scope, study: Study, form: FormData) -> None:
    try:
        reason = DuplicateReason(_text(form, "reason", 30))
    except ValueError:
        raise InvalidInput(
            "duplicate_reason_missing", N_("Choose why a duplicate is needed."), field="reason"
        ) from None
    els.apply_for_card(session, clock, study, duplicate_reason=reason, actor=scope.actor)


def _lost(session: Any, clock: Any, scope: Scope, study: Study, form: FormData) -> None:
    els.set_status(session, clock, _current(session, study), ElsCardStatus.LOST,
                   reason=_text(form, "reason", REASON_LENGTH) or None,
                   actor=scope.actor)  # fmt: skip


def _cancel(session: Any, clock: Any, scope: Scope, study: Study, form: FormData) -> None:
    reason = _text(form, "reason", REASON_LENGTH)
    if not reason:
        raise InvalidInput(
            "cancel_reason_missing", N_("Say why the card is cancelled."), field="cancel_reason"
        )
    els.set_status(session, clock, _current(session, study), ElsCardStatus.CANCELLED,
                   reason=reason, actor=scope.actor)  # fmt: skip


def _continue(session: Any, clock: Any, scope: Scope, study: Study, form: FormData) -> None:
    try:
        new_id = int(_text(form, "new_study", 20))
    except ValueError:
        raise InvalidInput(
            "new_study_missing", N_("Choose the programme the card continues in."),
            field="new_study",
        ) from None  # fmt: skip
    new_study = student_in_scope(session, scope.staff, new_id, university=scope.university)
    els.continue_card(session, clock, _current(session, study), new_study, actor=scope.actor)


ACTIONS: dict[str, tuple[Action, str]] = {
    "apply": (_apply, "applied"),
    "printed": (_printed, "printed"),
    "hand-over": (_hand_over, "handed-over"),
    "renew": (_renew, "renewed"),
    "duplicate": (_duplicate, "duplicate"),
    "lost": (_lost, "lost"),
    "cancel": (_cancel, "cancelled"),
    "continue": (_continue, "continued"),
}


@router.post("/office/u/{slug}/cards/{study_id}/{action}")
async def card_action(
    study_id: DbId,
    action: str,
    request: Request,
    scope: ScopeDep,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    if action not in ACTIONS:
        raise not_found()
    form = await checked_form(request, scope.staff)
    handler, done = ACTIONS[action]

    def act() -> Response:
        study = student_in_scope(session, scope.staff, study_id, university=scope.university)
        try:
            handler(session, runtime.clock, scope, study, form)
            session.commit()
        except LegitkaError as exc:
            session.rollback()
            return _student_page(request, scope, session, study, runtime, locale, error=exc)
        return RedirectResponse(
            f"/office/u/{scope.slug}/cards/{study.id}?done={done}", status_code=303
        )

    return await run_in_threadpool(act)
