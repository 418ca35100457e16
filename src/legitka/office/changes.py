"""A student's status and personal data changed by the dean's office, and a lost phone.

Every change is shown first with what it will do to the student's mLegitymacja
(:mod:`legitka.office.mobile_effects`, the rule the issuer's reconcile applies), and saved only
when confirmed; the register's services then apply it through the issuer (R22). A lost phone
revokes the mLegitymacja on it, after a confirmation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from legitka.clock import local_today
from legitka.domain.errors import InvalidInput, LegitkaError
from legitka.domain.mobile_ids import ENDED, MobileIdStatus
from legitka.domain.orders import OrderReason
from legitka.domain.studies import STUDY_STATUS_LABELS, StudyStatus
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.issuer import mobile_ids
from legitka.office import layout, mobile_effects
from legitka.office.deps import Scope, ScopeDep, checked_form, not_found, student_in_scope
from legitka.portal.mobile_id import MOBILE_ID_LABELS
from legitka.registry.models import MobileId, Person, Study
from legitka.registry.services import people
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.errors import localized_message
from legitka.web.params import DbId

router = APIRouter(include_in_schema=False)
BASE = "/office/u/{slug}/students/{study_id}"

# Each action of the form: the status it records and the statuses it may start from.
ACTIONS: dict[str, tuple[StudyStatus, frozenset[StudyStatus], str]] = {
    "suspend": (StudyStatus.SUSPENDED, frozenset({StudyStatus.ACTIVE, StudyStatus.ON_LEAVE}),
                N_("Suspend the student's rights")),
    "leave": (StudyStatus.ON_LEAVE, frozenset({StudyStatus.ACTIVE}), N_("Dean's leave")),
    "reinstate": (StudyStatus.ACTIVE, frozenset({StudyStatus.SUSPENDED, StudyStatus.ON_LEAVE}),
                  N_("Reinstate (the suspension or leave ends)")),
    "graduate": (StudyStatus.GRADUATED, frozenset({StudyStatus.ACTIVE}), N_("Graduation")),
    "remove": (StudyStatus.REMOVED,
               frozenset({StudyStatus.ACTIVE, StudyStatus.SUSPENDED, StudyStatus.ON_LEAVE}),
               N_("Remove from the list of students")),
    "resume": (StudyStatus.ACTIVE, frozenset({StudyStatus.REMOVED, StudyStatus.GRADUATED}),
               N_("Resumption of studies")),
}  # fmt: skip
NOT_FROM_HERE = N_("This change is not possible for a student whose status is '{current}'.")
SAVED = N_("The change was saved.")
REVOKED = N_("The mLegitymacja was revoked; verifiers will see it as invalid within minutes.")
DATA_FIELDS = ("given_names", "family_name", "birth_date", "pesel", "email")


def _text(form: FormData, name: str, limit: int = 300) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            "invalid_date", N_("Give the date as YYYY-MM-DD."), field=field
        ) from None


def _live(session: Session, study: Study, locale: str) -> list[dict[str, Any]]:
    return [
        {
            "id": m.id,
            "status": translate(MOBILE_ID_LABELS[MobileIdStatus(m.status)], locale),
            "issued_on": m.issued_on,
            "valid_until": m.valid_until,
        }
        for m in mobile_ids.live_of(session, study)
    ]


def _page(
    request: Request, scope: Scope, session: Session, study: Study, locale: str,
    status_code: int = 200, **extra: Any,
) -> Response:  # fmt: skip
    person = session.get_one(Person, study.person_id)
    allowed = [
        {"key": key, "label": translate(label, locale)}
        for key, (_status, starts, label) in ACTIONS.items()
        if study.status in starts
    ]
    data = {f: getattr(person, f) for f in DATA_FIELDS}
    context = {
        "study_id": study.id, "name": person.full_name, "album": study.album_number,
        "status": translate(STUDY_STATUS_LABELS[study.status], locale), "actions": allowed,
        "today": local_today(request.app.state.runtime.clock), "data": data,
        "mobile_ids": _live(session, study, locale), "done": None, "error": None,
        "preview": None, **extra,
    }  # fmt: skip
    return layout.page(request, scope, "office/changes.html", context, section="students",
                       status_code=status_code)  # fmt: skip


def _study(session: Session, scope: Scope, study_id: int) -> Study:
    return student_in_scope(session, scope.staff, study_id, university=scope.university)


@router.get(BASE + "/changes")
def changes(
    study_id: DbId, request: Request, scope: ScopeDep, session: SessionDep, locale: LocaleDep
) -> Response:
    study = _study(session, scope, study_id)
    done = {"saved": SAVED, "revoked": REVOKED}.get(request.query_params.get("done", ""))
    return _page(request, scope, session, study, locale,
                 done=translate(done, locale) if done else None)  # fmt: skip


def _status_change(form: FormData, study: Study) -> tuple[str, StudyStatus, dt.date, str]:
    action = _text(form, "action", 20)
    if action not in ACTIONS:
        raise InvalidInput("unknown_action", N_("Choose a change."), field="action")
    status, starts, _label = ACTIONS[action]
    if study.status not in starts:
        raise InvalidInput("status_transition", NOT_FROM_HERE, field="action",
                           current=study.status.value)  # fmt: skip
    return action, status, _date(_text(form, "since", 10), "since"), _text(form, "reason", 200)


@router.post(BASE + "/changes/status")
async def change_status(
    study_id: DbId, request: Request, scope: ScopeDep, session: SessionDep,
    runtime: RuntimeDep, locale: LocaleDep,
) -> Response:  # fmt: skip
    """Without ``confirm``: the preview of the change. With it: the change, saved."""
    form = await checked_form(request, scope.staff)

    def work() -> Response:
        study = _study(session, scope, study_id)
        try:
            action, status, since, reason = _status_change(form, study)
            if form.get("confirm") != "yes":
                effect = mobile_effects.of_status_change(session, runtime.clock, study, status,
                                                         since)  # fmt: skip
                preview = {
                    "kind": "status", "action": action, "since": since, "reason": reason,
                    "label": translate(ACTIONS[action][2], locale),
                    "effects": mobile_effects.describe(effect, locale),
                }  # fmt: skip
                return _page(request, scope, session, study, locale, preview=preview)
            people.change_study_status(session, runtime.clock, study, status, since=since,
                                       reason=reason or action, actor=scope.actor)  # fmt: skip
            session.commit()
        except LegitkaError as exc:
            session.rollback()
            return _page(request, scope, session, study, locale, status_code=exc.status,
                         error=localized_message(exc, locale))  # fmt: skip
        return RedirectResponse(
            f"/office/u/{scope.slug}/students/{study_id}/changes?done=saved", status_code=303
        )

    return await run_in_threadpool(work)


def _data_changes(form: FormData, person: Person) -> dict[str, Any]:
    changes: dict[str, Any] = {
        "given_names": _text(form, "given_names", 120),
        "family_name": _text(form, "family_name", 120),
        "birth_date": _date(_text(form, "birth_date", 10), "birth_date"),
        "pesel": _text(form, "pesel", 11) or None,
        "email": _text(form, "email", 254) or None,
    }
    return {k: v for k, v in changes.items() if v != getattr(person, k)}


@router.post(BASE + "/changes/data")
async def change_data(
    study_id: DbId, request: Request, scope: ScopeDep, session: SessionDep,
    runtime: RuntimeDep, locale: LocaleDep,
) -> Response:  # fmt: skip
    """Without ``confirm``: the preview of the change of personal data. With it: saved."""
    form = await checked_form(request, scope.staff)

    def work() -> Response:
        study = _study(session, scope, study_id)
        person = session.get_one(Person, study.person_id)
        try:
            changes = _data_changes(form, person)
            proposed = people.proposed_data(person, **changes)
            if form.get("confirm") != "yes":
                effect = mobile_effects.of_data_change(session, runtime.clock, study, proposed)
                preview = {
                    "kind": "data", "fields": sorted(changes),
                    "values": {k: "" if v is None else str(v) for k, v in proposed.items()},
                    "effects": mobile_effects.describe(effect, locale),
                }  # fmt: skip
                return _page(request, scope, session, study, locale, preview=preview)
            people.change_personal_data(session, runtime.clock, person, actor=scope.actor,
                                        **changes)  # fmt: skip
            session.commit()
        except LegitkaError as exc:
            session.rollback()
            return _page(request, scope, session, study, locale, status_code=exc.status,
                         error=localized_message(exc, locale))  # fmt: skip
        return RedirectResponse(
            f"/office/u/{scope.slug}/students/{study_id}/changes?done=saved", status_code=303
        )

    return await run_in_threadpool(work)


def _mobile_id(session: Session, study: Study, mobile_id: int) -> MobileId:
    found = session.get(MobileId, mobile_id)
    if found is None or found.study_id != study.id:
        raise not_found()
    return found


@router.get(BASE + "/mobile-ids/{mobile_id}/lost-phone")
def lost_phone(
    study_id: DbId, mobile_id: DbId, request: Request, scope: ScopeDep, session: SessionDep,
    locale: LocaleDep,
) -> Response:  # fmt: skip
    study = _study(session, scope, study_id)
    found = _mobile_id(session, study, mobile_id)
    person = session.get_one(Person, study.person_id)
    return layout.page(request, scope, "office/lost_phone.html", {
        "study_id": study.id, "name": person.full_name, "mobile_id": found.id,
        "ended": found.status in ENDED, "issued_on": found.issued_on,
        "status": translate(MOBILE_ID_LABELS[MobileIdStatus(found.status)], locale),
    }, section="students")  # fmt: skip


@router.post(BASE + "/mobile-ids/{mobile_id}/lost-phone")
async def revoke_lost_phone(
    study_id: DbId, mobile_id: DbId, request: Request, scope: ScopeDep, session: SessionDep,
    runtime: RuntimeDep,
) -> Response:  # fmt: skip
    await checked_form(request, scope.staff)

    def work() -> Response:
        study = _study(session, scope, study_id)
        found = _mobile_id(session, study, mobile_id)
        mobile_ids.revoke(session, runtime.clock, found, actor=scope.actor,
                          reason=OrderReason.LOST_PHONE)  # fmt: skip
        session.commit()
        return RedirectResponse(
            f"/office/u/{scope.slug}/students/{study_id}/changes?done=revoked", status_code=303
        )

    return await run_in_threadpool(work)
