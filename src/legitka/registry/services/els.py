"""ELS cards: application, production, hand-over, renewals, duplicates, loss, continuation (R3)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from legitka.clock import Clock, local_today
from legitka.domain import els as rules
from legitka.domain.els import DuplicateReason, ElsCardStatus
from legitka.domain.errors import Conflict
from legitka.domain.fees import ChargeKind
from legitka.domain.semesters import Semester, validate_hologram
from legitka.domain.studies import StudyLevel, StudyStatus
from legitka.domain.text import N_
from legitka.registry import audit
from legitka.registry.models import ElsCard, ElsRenewal, Intake, Person, Study, University
from legitka.registry.services import fees, people


def cards_of(session: Session, study: Study) -> list[ElsCard]:
    return list(
        session.scalars(
            select(ElsCard)
            .where(ElsCard.study_id == study.id)
            .options(selectinload(ElsCard.renewals))
            .order_by(ElsCard.id)
        )
    )


def current_card(session: Session, study: Study) -> ElsCard | None:
    """The study's newest card: the one that tells where the student stands."""
    cards = cards_of(session, study)
    return cards[-1] if cards else None


def _person(session: Session, study: Study) -> Person:
    person = session.get(Person, study.person_id)
    assert person is not None
    return person


def apply_for_card(
    session: Session,
    clock: Clock,
    study: Study,
    *,
    number: str | None = None,
    duplicate_reason: DuplicateReason | None = None,
    actor: str,
) -> ElsCard:
    """Record an application for a card (or a duplicate, which replaces the current card)."""
    person = _person(session, study)
    previous = cards_of(session, study)
    current = previous[-1] if previous else None
    if duplicate_reason is None and current is not None and current.status not in rules.ENDED:
        raise Conflict(
            "els_card_exists",
            f"The student already has card {current.number}{current.edition} ({current.status}); "
            "apply for a duplicate instead.",
            field="card",
        )
    if duplicate_reason is not None and current is None:
        raise Conflict(
            "els_no_card_to_duplicate",
            "There is no card to duplicate: apply for a first card.",
            field="card",
        )
    now = clock.now()
    card = ElsCard(
        university_id=study.university_id,
        person_id=person.id,
        study_id=study.id,
        number=number or (current.number if current else study.album_number or str(study.id)),
        edition=rules.next_edition(c.edition for c in previous),
        status=ElsCardStatus.APPLIED,
        status_changed_at=now,
        data_fingerprint=person.personal_data.fingerprint(),
        duplicate_reason=duplicate_reason,
        replaces_card_id=current.id if duplicate_reason and current else None,
        created_at=now,
    )
    session.add(card)
    session.flush()
    audit.record(
        session,
        clock,
        actor=actor,
        action="els.applied",
        subject_type="els_card",
        subject_id=card.id,
        university_id=study.university_id,
        edition=card.edition,
        duplicate_reason=duplicate_reason.value if duplicate_reason else None,
    )
    if duplicate_reason is not None and current is not None:
        if current.status is ElsCardStatus.ACTIVE or current.status is ElsCardStatus.LOST:
            set_status(
                session,
                clock,
                current,
                ElsCardStatus.REPLACED,
                reason=f"duplicate {card.edition}",
                actor=actor,
            )
        university = session.get(University, study.university_id)
        assert university is not None
        amount = rules.duplicate_fee(duplicate_reason, university.duplicate_fee_grosze)
        if amount:
            fees.add_charge(
                session,
                clock,
                person,
                kind=ChargeKind.ELS_DUPLICATE,
                amount_grosze=amount,
                due_date=local_today(clock) + dt.timedelta(days=14),
                description=f"duplicate {card.number}{card.edition}",
                els_card_id=card.id,
                actor=actor,
            )
    return card


def set_status(
    session: Session,
    clock: Clock,
    card: ElsCard,
    status: ElsCardStatus,
    *,
    reason: str | None = None,
    actor: str,
) -> None:
    rules.ensure_transition(card.status, status)
    previous = card.status
    card.status = status
    card.status_changed_at = clock.now()
    card.status_reason = reason
    if status is ElsCardStatus.PRINTING:
        # The data printed on the card is fixed now.
        card.data_fingerprint = _person(session, _study(session, card)).personal_data.fingerprint()
    audit.record(
        session,
        clock,
        actor=actor,
        action="els.status_changed",
        subject_type="els_card",
        subject_id=card.id,
        university_id=card.university_id,
        old=previous.value,
        new=status.value,
    )
    people.reconcile_mobile_ids(session, clock, _study(session, card), actor=actor)


def _study(session: Session, card: ElsCard) -> Study:
    study = session.get(Study, card.study_id)
    assert study is not None
    return study


def hand_over(
    session: Session,
    clock: Clock,
    card: ElsCard,
    *,
    chip_serial: str,
    issued_on: dt.date,
    actor: str,
) -> None:
    """The printed card is given to the student: it becomes active."""
    card.chip_serial = chip_serial.strip().upper()
    card.issued_on = issued_on
    set_status(session, clock, card, ElsCardStatus.ACTIVE, actor=actor)


def renew(
    session: Session,
    clock: Clock,
    card: ElsCard,
    semester: Semester,
    *,
    hologram_number: str,
    actor: str,
) -> ElsRenewal:
    """Stick a semester hologram on the card: valid until 31 March or 31 October (R5)."""
    if card.status is not ElsCardStatus.ACTIVE:
        raise Conflict(
            "els_not_active",
            f"Only an active card can be renewed; this one is {card.status}.",
            field="card",
        )
    university = session.get(University, card.university_id)
    assert university is not None
    hologram = validate_hologram(hologram_number, university.hologram_code)
    if any(r.semester == semester.code for r in card.renewals):
        raise Conflict(
            "els_already_renewed",
            f"The card is already renewed for {semester.code}.",
            field="semester",
        )
    if session.scalar(select(ElsRenewal.id).where(ElsRenewal.hologram_number == hologram)):
        raise Conflict(
            "hologram_used",
            f"Hologram {hologram} is already on another card.",
            field="hologram",
        )
    renewal = ElsRenewal(
        card_id=card.id,
        semester=semester.code,
        valid_until=semester.validity_end,
        hologram_number=hologram,
        renewed_at=clock.now(),
        renewed_by=actor,
    )
    session.add(renewal)
    card.renewals.append(renewal)
    session.flush()
    audit.record(
        session,
        clock,
        actor=actor,
        action="els.renewed",
        subject_type="els_card",
        subject_id=card.id,
        university_id=card.university_id,
        semester=semester.code,
        valid_until=semester.validity_end.isoformat(),
    )
    return renewal


def continue_card(
    session: Session, clock: Clock, card: ElsCard, new_study: Study, *, actor: str
) -> None:
    """R3: a first-cycle graduate keeps using the card in the next programme."""
    old = _study(session, card)
    if not (old.level is StudyLevel.FIRST_CYCLE and old.status is StudyStatus.GRADUATED):
        raise Conflict(
            "els_cannot_continue",
            "Only a card of a first-cycle graduate can continue in a new programme.",
            field="card",
        )
    if new_study.person_id != old.person_id:
        raise Conflict("els_other_person", "The new study belongs to someone else.", field="study")
    if card.status is not ElsCardStatus.ACTIVE:
        raise Conflict(
            "els_not_active",
            f"Only an active card can continue; this one is {card.status}.",
            field="card",
        )
    card.continued_from_study_id = old.id
    card.study_id = new_study.id
    audit.record(
        session,
        clock,
        actor=actor,
        action="els.continued",
        subject_type="els_card",
        subject_id=card.id,
        university_id=card.university_id,
        from_study=old.id,
        to_study=new_study.id,
    )


def charge_card_fee(session: Session, clock: Clock, study: Study, *, actor: str) -> None:
    """R1: charge the ELS fee, due by the intake's deadline, to the student's own account."""
    person = _person(session, study)
    university = session.get(University, study.university_id)
    assert university is not None
    intake = session.get(Intake, study.intake_id) if study.intake_id else None
    fees.add_charge(
        session,
        clock,
        person,
        kind=ChargeKind.ELS,
        amount_grosze=university.els_fee_grosze,
        due_date=intake.payment_deadline if intake else None,
        description="ELS",
        actor=actor,
    )


def record_printed(
    session: Session,
    clock: Clock,
    card: ElsCard,
    *,
    number: str,
    edition: str,
    chip_serial: str,
    actor: str,
) -> None:
    """The printer delivered the card: its printed number, edition and chip serial are recorded
    and it waits at the dean's office for the student."""
    number = rules.validate_card_number(number)
    edition = rules.validate_edition(edition)
    serial = rules.validate_chip_serial(chip_serial)
    clash = session.scalar(
        select(ElsCard.id).where(
            ElsCard.id != card.id,
            ElsCard.university_id == card.university_id,
            ElsCard.number == number,
            ElsCard.edition == edition,
        )
    )
    if clash is not None:
        raise Conflict(
            "card_number_used",
            N_("Card {card} is already in the register: check the number and the edition."),
            field="number",
            card=f"{number}{edition}",
        )
    other = select(ElsCard.id).where(ElsCard.id != card.id, ElsCard.chip_serial == serial)
    if session.scalar(other) is not None:
        raise Conflict(
            "chip_serial_used",
            N_("Chip serial {serial} belongs to another card: check it."),
            field="chip_serial",
            serial=serial,
        )
    card.number, card.edition, card.chip_serial = number, edition, serial
    set_status(session, clock, card, ElsCardStatus.READY_TO_COLLECT, actor=actor)


def print_orders(
    session: Session, clock: Clock, university: University, *, actor: str
) -> list[tuple[ElsCard, Study, Person, int]]:
    """The applied-for cards whose student has an approved photo, in album order, each with the
    id of the photo to print; they become *printing* (their data fixed) in this transaction."""
    from legitka.registry.services.photos import approved_photo

    cards = session.scalars(
        select(ElsCard)
        .where(ElsCard.university_id == university.id, ElsCard.status == ElsCardStatus.APPLIED)
        .order_by(ElsCard.id)
    ).all()
    found = []
    for card in cards:
        study = _study(session, card)
        person = _person(session, study)
        photo = approved_photo(session, person)
        if photo is None:
            continue  # printed once the photo is approved
        set_status(session, clock, card, ElsCardStatus.PRINTING, reason="print order", actor=actor)
        found.append((card, study, person, photo.id))
    found.sort(key=lambda row: (row[1].album_number or "", row[0].id))
    return found
