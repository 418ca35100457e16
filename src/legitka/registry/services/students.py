"""Looking students up and telling where they stand: eligibility and the full register entry."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from legitka.clock import Clock, local_today
from legitka.domain.accounts import format_nrb
from legitka.domain.eligibility import Eligibility, StudentFacts, evaluate
from legitka.domain.els import FeeState, Requirement, els_conditions
from legitka.domain.errors import NotFound
from legitka.domain.money import format_pln
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.registry.models import (
    Charge,
    Intake,
    Person,
    PersonDataChange,
    Study,
    University,
)
from legitka.registry.services import declarations, els, fees, photos, snapshots
from legitka.registry.services.universities import get_university


def find_study(session: Session, university_slug: str, album_number: str) -> Study:
    university = get_university(session, university_slug)
    study = session.scalar(
        select(Study).where(
            Study.university_id == university.id, Study.album_number == album_number.strip()
        )
    )
    if study is None:
        raise NotFound(
            "unknown_album",
            N_(
                "No student with album number '{album}' at {university}: check the number or the "
                "university."
            ),
            field="album",
            album=album_number,
            university=university_slug,
        )
    return study


def facts_of(session: Session, study: Study) -> StudentFacts:
    return snapshots.snapshot(session, study).facts


def eligibility(session: Session, study: Study, clock: Clock) -> Eligibility:
    """Whether the student may order an mLegitymacja today, check by check."""
    return evaluate(facts_of(session, study), local_today(clock))


def card_requirements(session: Session, study: Study, clock: Clock) -> list[Requirement]:
    """R2: what the student still has to do to receive the plastic card."""
    person = session.get(Person, study.person_id)
    assert person is not None
    charge = fees.els_fee_charge(session, person)
    fee = None
    if charge is not None:
        fee = FeeState(
            amount=format_pln(charge.amount_grosze),
            account=format_nrb(charge.account_number),
            deadline=charge.due_date,
            settled=charge.outstanding_grosze == 0,
        )
    return els_conditions(declarations.oath_taken(session, person), fee, local_today(clock))


def eligibility_json(result: Eligibility, locale: str) -> dict[str, Any]:
    return {
        "eligible": result.eligible,
        "policy": result.policy.value,
        "valid_until": result.valid_until.isoformat() if result.valid_until else None,
        "checks": [
            {"code": c.code, "ok": c.ok, "message": translate(c.message, locale, c.params)}
            for c in result.checks
        ],
    }


def requirement_json(req: Requirement, locale: str) -> dict[str, Any]:
    return {
        "code": req.code,
        "ok": req.ok,
        "message": translate(req.message, locale, req.params),
    }


def student_report(
    session: Session, study: Study, clock: Clock, locale: str = "en"
) -> dict[str, Any]:
    """Everything the register knows of one student, as plain JSON-ready data."""
    university = session.get(University, study.university_id)
    person = session.get(Person, study.person_id)
    assert university is not None and person is not None
    intake = session.get(Intake, study.intake_id) if study.intake_id else None
    charges = session.scalars(
        select(Charge).where(Charge.person_id == person.id).order_by(Charge.id)
    ).all()
    changes = session.scalars(
        select(PersonDataChange)
        .where(PersonDataChange.person_id == person.id)
        .order_by(PersonDataChange.id)
    ).all()
    photo_status, rejection = photos.photo_state(session, person)
    return {
        "university": university.slug,
        "album": study.album_number,
        "person": {
            "given_names": person.given_names,
            "family_name": person.family_name,
            "birth_date": person.birth_date.isoformat(),
            "pesel": person.pesel,
            "email": person.email,
            "account_number": person.account_number,
            "data_changed_at": person.data_changed_at.isoformat(),
            "data_changes": [
                {"field": c.field, "changed_at": c.changed_at.isoformat()} for c in changes
            ],
        },
        "study": {
            "programme": study.programme,
            "level": study.level.value,
            "status": study.status.value,
            "status_since": study.status_since.isoformat(),
            "started_on": study.started_on.isoformat(),
            "graduated_on": study.graduated_on.isoformat() if study.graduated_on else None,
            "resumed_on": study.resumed_on.isoformat() if study.resumed_on else None,
            "intake": intake.code if intake else None,
        },
        "photo": {
            "status": photo_status.value if photo_status else None,
            "rejection_reason": rejection,
        },
        "oath_taken": declarations.oath_taken(session, person),
        "charges": [
            {
                "id": c.id,
                "kind": c.kind.value,
                "amount": c.amount_grosze / 100,
                "paid": c.paid_grosze / 100,
                "due_date": c.due_date.isoformat() if c.due_date else None,
                "status": c.status.value,
                "account_number": c.account_number,
            }
            for c in charges
        ],
        "els_cards": [
            {
                "number": card.number,
                "edition": card.edition,
                "status": card.status.value,
                "chip_serial": card.chip_serial,
                "issued_on": card.issued_on.isoformat() if card.issued_on else None,
                "duplicate_reason": card.duplicate_reason.value if card.duplicate_reason else None,
                "continued": card.continued_from_study_id is not None,
                "renewals": [
                    {
                        "semester": r.semester,
                        "valid_until": r.valid_until.isoformat(),
                        "hologram_number": r.hologram_number,
                    }
                    for r in card.renewals
                ],
            }
            for card in els.cards_of(session, study)
        ],
        "els_conditions": [
            requirement_json(r, locale) for r in card_requirements(session, study, clock)
        ],
        "eligibility": eligibility_json(eligibility(session, study, clock), locale),
    }
