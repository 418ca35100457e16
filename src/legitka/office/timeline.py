"""A student's audit timeline: the audit events about the person and everything of theirs.

Audit events name their subject (``subject_type``, ``subject_id``); a student's subjects are the
person, their studies, portal account, photos, ELS cards, charges, payments, orders, offers and
mobile IDs. :func:`student_filter` is the SQL condition that picks their events.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from legitka.registry.models import (
    AuditEvent,
    Charge,
    ElsCard,
    MobileId,
    Offer,
    Order,
    Payment,
    Person,
    Photo,
    PortalAccount,
    Study,
)


def subjects_of(session: Session, person: Person) -> dict[str, list[int]]:
    """The ids of everything of ``person`` that audit events may name, by subject type."""
    studies = list(session.scalars(select(Study.id).where(Study.person_id == person.id)))
    orders = list(session.scalars(select(Order.id).where(Order.person_id == person.id)))
    return {
        "person": [person.id],
        "study": studies,
        "portal_account": list(
            session.scalars(select(PortalAccount.id).where(PortalAccount.person_id == person.id))
        ),
        "photo": list(session.scalars(select(Photo.id).where(Photo.person_id == person.id))),
        "els_card": list(session.scalars(select(ElsCard.id).where(ElsCard.person_id == person.id))),
        "charge": list(session.scalars(select(Charge.id).where(Charge.person_id == person.id))),
        "payment": list(session.scalars(select(Payment.id).where(Payment.person_id == person.id))),
        "order": orders,
        "offer": list(session.scalars(select(Offer.id).where(Offer.order_id.in_(orders))))
        if orders
        else [],
        "mobile_id": list(
            session.scalars(select(MobileId.id).where(MobileId.person_id == person.id))
        ),
    }


def student_filter(session: Session, person: Person) -> ColumnElement[bool]:
    """The condition on :class:`AuditEvent` rows that are about ``person``."""
    clauses = [
        (AuditEvent.subject_type == kind) & AuditEvent.subject_id.in_(ids)
        for kind, ids in subjects_of(session, person).items()
        if ids
    ]
    return or_(*clauses) if clauses else false()
