"""What one student's page in the console shows, read from the register's services.

The register entry is :func:`legitka.registry.services.students.student_report` (the same the
CLI's ``students show`` and the portal use), with the console's additions: every study with its
status history, every photo, the oath acceptances, payments, the orders and mobile IDs, and the
audit timeline.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.eligibility import PhotoStatus
from legitka.domain.els import CARD_STATUS_LABELS, ElsCardStatus
from legitka.domain.fees import ChargeKind, ChargeStatus
from legitka.domain.mobile_ids import MobileIdStatus
from legitka.domain.money import format_pln
from legitka.domain.orders import STATUS_LABELS as ORDER_STATUS_LABELS
from legitka.domain.studies import STUDY_STATUS_LABELS, StudyStatus
from legitka.i18n import translate
from legitka.office.timeline import student_filter
from legitka.portal.mobile_id import MOBILE_ID_LABELS
from legitka.portal.register_api import (
    CHARGE_KIND_LABELS,
    CHARGE_STATUS_LABELS,
    PHOTO_STATUS_LABELS,
)
from legitka.registry.models import (
    AuditEvent,
    DeclarationAcceptance,
    MobileId,
    Order,
    Payment,
    Person,
    Photo,
    Study,
    StudyStatusChange,
)
from legitka.registry.services.students import student_report

TIMELINE_LIMIT = 200


def _studies(session: Session, person: Person, locale: str) -> list[dict[str, Any]]:
    studies = session.scalars(
        select(Study).where(Study.person_id == person.id).order_by(Study.started_on, Study.id)
    ).all()
    history = session.scalars(
        select(StudyStatusChange)
        .where(StudyStatusChange.study_id.in_([s.id for s in studies]))
        .order_by(StudyStatusChange.since, StudyStatusChange.id)
    ).all()
    return [
        {
            "id": study.id,
            "album": study.album_number,
            "programme": study.programme,
            "level": study.level.value,
            "status": translate(STUDY_STATUS_LABELS[StudyStatus(study.status)], locale),
            "started_on": study.started_on,
            "history": [
                {
                    "status": translate(STUDY_STATUS_LABELS[change.status], locale),
                    "since": change.since,
                    "reason": change.reason,
                    "by": change.recorded_by,
                }
                for change in history
                if change.study_id == study.id
            ],
        }
        for study in studies
    ]


def _photos(session: Session, person: Person, locale: str) -> list[dict[str, Any]]:
    photos = session.scalars(
        select(Photo).where(Photo.person_id == person.id).order_by(Photo.submitted_at.desc())
    ).all()
    return [
        {
            "id": photo.id,
            "status": photo.status.value,
            "status_label": translate(PHOTO_STATUS_LABELS[PhotoStatus(photo.status)], locale),
            "reason": photo.rejection_reason,
            "submitted_at": photo.submitted_at,
            "decided_at": photo.decided_at,
            "decided_by": photo.decided_by,
        }
        for photo in photos
    ]


def _mobile(session: Session, person: Person, locale: str) -> dict[str, Any]:
    orders = session.scalars(
        select(Order).where(Order.person_id == person.id).order_by(Order.created_at.desc())
    ).all()
    mobile_ids = session.scalars(
        select(MobileId).where(MobileId.person_id == person.id).order_by(MobileId.created_at.desc())
    ).all()
    return {
        "orders": [
            {
                "id": order.id,
                "status": translate(ORDER_STATUS_LABELS[order.status], locale),
                "reason": order.reason,
                "channel": order.channel,
                "created_at": order.created_at,
                "ended_at": order.ended_at,
            }
            for order in orders
        ],
        "mobile_ids": [
            {
                "id": mobile.id,
                "status_code": mobile.status.value,
                "status": translate(MOBILE_ID_LABELS[MobileIdStatus(mobile.status)], locale),
                "reason": mobile.reason,
                "issued_on": mobile.issued_on,
                "valid_until": mobile.valid_until,
                "status_changed_at": mobile.status_changed_at,
                "credentials": len(mobile.credentials),
            }
            for mobile in mobile_ids
        ],
    }


def timeline(session: Session, person: Person, limit: int = TIMELINE_LIMIT) -> list[AuditEvent]:
    """The newest audit events about ``person``, newest first."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(student_filter(session, person))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def student_page_context(
    session: Session, study: Study, clock: Clock, locale: str
) -> dict[str, Any]:
    report = student_report(session, study, clock, locale)
    person = session.get(Person, study.person_id)
    assert person is not None
    for card in report["els_cards"]:
        card["status_label"] = translate(CARD_STATUS_LABELS[ElsCardStatus(card["status"])], locale)
    for charge in report["charges"]:
        charge["kind_label"] = translate(CHARGE_KIND_LABELS[ChargeKind(charge["kind"])], locale)
        charge["status_label"] = translate(
            CHARGE_STATUS_LABELS[ChargeStatus(charge["status"])], locale
        )
        charge["amount_text"] = format_pln(round(charge["amount"] * 100))
        charge["paid_text"] = format_pln(round(charge["paid"] * 100))
    payments = session.scalars(
        select(Payment).where(Payment.person_id == person.id).order_by(Payment.booked_on.desc())
    ).all()
    acceptances = session.scalars(
        select(DeclarationAcceptance)
        .where(DeclarationAcceptance.person_id == person.id)
        .order_by(DeclarationAcceptance.accepted_at)
    ).all()
    return {
        "study_id": study.id,
        "report": report,
        "study_status": translate(STUDY_STATUS_LABELS[StudyStatus(study.status)], locale),
        "studies": _studies(session, person, locale),
        "photos": _photos(session, person, locale),
        "acceptances": [
            {
                "title": a.declaration.title_pl if locale == "pl" else a.declaration.title_en,
                "version": a.declaration.version,
                "accepted_at": a.accepted_at,
            }
            for a in acceptances
        ],
        "payments": [
            {
                "booked_on": p.booked_on,
                "amount": format_pln(p.amount_grosze),
                "source": p.source.value,
                "status": p.status.value,
                "reference": p.reference,
            }
            for p in payments
        ],
        **_mobile(session, person, locale),
        "timeline": timeline(session, person),
    }
