"""The oath and the declarations: versioned texts, accepted with a time (R2)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.errors import Conflict, NotFound
from legitka.registry import audit
from legitka.registry.models import (
    Declaration,
    DeclarationAcceptance,
    DeclarationKind,
    Person,
    University,
)


def publish(
    session: Session,
    clock: Clock,
    university: University,
    kind: DeclarationKind,
    *,
    title_pl: str,
    title_en: str,
    text_pl: str,
    text_en: str,
    actor: str = "system",
) -> Declaration:
    """Publish a new version of the oath or the declarations."""
    last = session.scalar(
        select(func.max(Declaration.version)).where(
            Declaration.university_id == university.id, Declaration.kind == kind
        )
    )
    declaration = Declaration(
        university_id=university.id,
        kind=kind,
        version=(last or 0) + 1,
        title_pl=title_pl,
        title_en=title_en,
        text_pl=text_pl,
        text_en=text_en,
        published_at=clock.now(),
    )
    session.add(declaration)
    session.flush()
    audit.record(
        session,
        clock,
        actor=actor,
        action="declaration.published",
        subject_type="declaration",
        subject_id=declaration.id,
        university_id=university.id,
        kind=kind.value,
        version=declaration.version,
    )
    return declaration


def current(session: Session, university: University, kind: DeclarationKind) -> Declaration:
    declaration = session.scalar(
        select(Declaration)
        .where(Declaration.university_id == university.id, Declaration.kind == kind)
        .order_by(Declaration.version.desc())
        .limit(1)
    )
    if declaration is None:
        raise NotFound(
            "declaration_not_published",
            f"{university.slug} has not published its {kind.value} text yet.",
            field="kind",
        )
    return declaration


def accept(
    session: Session, clock: Clock, person: Person, declaration: Declaration, *, actor: str
) -> DeclarationAcceptance:
    if declaration.university_id != person.university_id:
        raise Conflict(
            "declaration_other_university",
            "This text belongs to another university.",
            field="declaration",
        )
    existing = session.scalar(
        select(DeclarationAcceptance).where(
            DeclarationAcceptance.person_id == person.id,
            DeclarationAcceptance.declaration_id == declaration.id,
        )
    )
    if existing is not None:
        return existing
    acceptance = DeclarationAcceptance(
        person_id=person.id, declaration_id=declaration.id, accepted_at=clock.now()
    )
    session.add(acceptance)
    session.flush()
    audit.record(
        session,
        clock,
        actor=actor,
        action="declaration.accepted",
        subject_type="person",
        subject_id=person.id,
        university_id=person.university_id,
        kind=declaration.kind.value,
        version=declaration.version,
    )
    return acceptance


def oath_taken(session: Session, person: Person) -> bool:
    """The oath and the declarations are both accepted (any published version of each)."""
    kinds = set(
        session.scalars(
            select(Declaration.kind)
            .join(DeclarationAcceptance, DeclarationAcceptance.declaration_id == Declaration.id)
            .where(DeclarationAcceptance.person_id == person.id)
        )
    )
    return kinds >= set(DeclarationKind)
