"""People and their studies: enrolment, personal data changes (with history), status changes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.accounts import individual_account
from legitka.domain.errors import Conflict, InvalidInput
from legitka.domain.identity import validate_pesel
from legitka.domain.mobile_ids import RegisterState
from legitka.domain.studies import StudyLevel, StudyStatus
from legitka.registry import audit
from legitka.registry.models import (
    Intake,
    Person,
    PersonDataChange,
    PortalAccount,
    Study,
    StudyStatusChange,
    University,
)
from legitka.registry.services.snapshots import register_state

ALBUM = re.compile(r"[0-9A-Za-z/-]{1,20}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PERSONAL_FIELDS = ("given_names", "family_name", "birth_date", "pesel", "email")


def _clean_name(value: str, field: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise InvalidInput("missing_value", f"{field} must not be empty.", field=field)
    if len(cleaned) > 120:
        raise InvalidInput("value_too_long", f"{field} is longer than 120 characters.", field=field)
    return cleaned


def validate_album(album_number: str, *, field: str = "album_number") -> str:
    album = album_number.strip()
    if not ALBUM.fullmatch(album):
        raise InvalidInput(
            "invalid_album_number",
            f"'{album_number}' is not an album number: use up to 20 letters, digits, / or -.",
            field=field,
        )
    return album


def validate_email(email: str, *, field: str = "email") -> str:
    value = email.strip()
    if not EMAIL.fullmatch(value) or len(value) > 254:
        raise InvalidInput("invalid_email", f"'{email}' is not an e-mail address.", field=field)
    return value


def album_taken(session: Session, university: University, album_number: str) -> bool:
    return (
        session.scalar(
            select(Study.id).where(
                Study.university_id == university.id, Study.album_number == album_number
            )
        )
        is not None
    )


def enrol_student(
    session: Session,
    clock: Clock,
    university: University,
    *,
    given_names: str,
    family_name: str,
    birth_date: dt.date,
    pesel: str | None,
    email: str | None,
    album_number: str | None,
    level: StudyLevel,
    programme: str,
    started_on: dt.date,
    status: StudyStatus = StudyStatus.ACTIVE,
    status_since: dt.date | None = None,
    intake: Intake | None = None,
    actor: str = "system",
) -> Study:
    """Add a person (or find them by PESEL) and a study; the person gets an individual account.

    ``status_since`` (default: the start of studies) dates the status; for a graduate it is the
    graduation date.
    """
    given = _clean_name(given_names, "given_names")
    family = _clean_name(family_name, "family_name")
    pesel_value = validate_pesel(pesel, birth_date=birth_date) if pesel else None
    email_value = validate_email(email) if email else None
    album = validate_album(album_number) if album_number else None
    if album and album_taken(session, university, album):
        raise Conflict(
            "album_number_taken",
            f"Album number {album} already belongs to another study at {university.slug}.",
            field="album_number",
        )
    since = status_since or started_on
    if since < started_on:
        raise InvalidInput(
            "status_before_start",
            "The status cannot date from before the studies started.",
            field="status_since",
        )
    now = clock.now()
    person = None
    if pesel_value:
        person = session.scalar(
            select(Person).where(Person.university_id == university.id, Person.pesel == pesel_value)
        )
    if person is None:
        person = Person(
            university_id=university.id,
            given_names=given,
            family_name=family,
            birth_date=birth_date,
            pesel=pesel_value,
            email=email_value,
            created_at=now,
            data_changed_at=now,
        )
        session.add(person)
        session.flush()
        person.account_number = individual_account(university.account_prefix, person.id)
        audit.record(
            session,
            clock,
            actor=actor,
            action="person.created",
            subject_type="person",
            subject_id=person.id,
            university_id=university.id,
        )
    study = Study(
        university_id=university.id,
        person_id=person.id,
        intake_id=intake.id if intake else None,
        album_number=album,
        programme=_clean_name(programme, "programme"),
        level=level,
        status=status,
        status_since=since,
        started_on=started_on,
        graduated_on=since if status is StudyStatus.GRADUATED else None,
    )
    session.add(study)
    session.flush()
    session.add(
        StudyStatusChange(
            study_id=study.id,
            status=status,
            since=since,
            reason="enrolment",
            recorded_at=now,
            recorded_by=actor,
        )
    )
    audit.record(
        session,
        clock,
        actor=actor,
        action="study.created",
        subject_type="study",
        subject_id=study.id,
        university_id=university.id,
        level=level.value,
        status=status.value,
    )
    return study


def proposed_data(person: Person, **changes: Any) -> dict[str, Any]:
    """``person``'s personal data with ``changes``, checked (names, e-mail, PESEL); nothing is
    changed. :func:`change_personal_data` saves the same."""
    unknown = set(changes) - set(PERSONAL_FIELDS)
    if unknown:
        raise InvalidInput(
            "unknown_field",
            f"Cannot change {', '.join(sorted(unknown))}.",
            field=sorted(unknown)[0],
        )
    new = {f: getattr(person, f) for f in PERSONAL_FIELDS}
    for key, value in changes.items():
        if key in ("given_names", "family_name"):
            value = _clean_name(value, key)
        elif key == "email":
            value = validate_email(value) if value else None
        new[key] = value
    if new["pesel"]:
        new["pesel"] = validate_pesel(new["pesel"], birth_date=new["birth_date"])
    return new


def change_personal_data(
    session: Session, clock: Clock, person: Person, *, actor: str, **changes: Any
) -> list[str]:
    """Change personal data; each changed field is recorded with its time. Returns the fields."""
    new = proposed_data(person, **changes)
    changed = [f for f in PERSONAL_FIELDS if new[f] != getattr(person, f)]
    if not changed:
        return []
    now = clock.now()
    studies = list(session.scalars(select(Study).where(Study.person_id == person.id)))
    before = {study.id: register_state(session, study) for study in studies}
    for field in changed:
        old = getattr(person, field)
        session.add(
            PersonDataChange(
                person_id=person.id,
                field=field,
                old_value=None if old is None else str(old),
                new_value=None if new[field] is None else str(new[field]),
                changed_at=now,
                changed_by=actor,
            )
        )
        setattr(person, field, new[field])
    if set(changed) - {"email"}:
        person.data_changed_at = now
    audit.record(
        session,
        clock,
        actor=actor,
        action="person.data_changed",
        subject_type="person",
        subject_id=person.id,
        university_id=person.university_id,
        fields=changed,
    )
    session.flush()
    for study in studies:
        reconcile_mobile_ids(session, clock, study, actor=actor, before=before[study.id])
    return changed


def reconcile_mobile_ids(
    session: Session, clock: Clock, study: Study, *, actor: str,
    before: RegisterState | None = None,
) -> None:  # fmt: skip
    """Let the issuer bring the student's mLegitymacja in line with the register (R22);
    ``before`` is the register entry before the change, when the caller read it."""
    from legitka.issuer.mobile_ids import reconcile  # the issuer builds on the register

    reconcile(session, clock, study, actor=actor, before=before)


def change_study_status(
    session: Session,
    clock: Clock,
    study: Study,
    status: StudyStatus,
    *,
    since: dt.date,
    reason: str | None = None,
    actor: str,
) -> None:
    """Record a status change: suspension, leave, graduation, removal, or resumption."""
    if status is study.status:
        raise Conflict("status_unchanged", f"The study is already {status.value}.", field="status")
    previous = study.status
    before = register_state(session, study)
    study.status = status
    study.status_since = since
    if status is StudyStatus.GRADUATED:
        study.graduated_on = since
    if status is StudyStatus.ACTIVE and previous in (StudyStatus.REMOVED, StudyStatus.GRADUATED):
        study.resumed_on = since
    session.add(
        StudyStatusChange(
            study_id=study.id,
            status=status,
            since=since,
            reason=reason,
            recorded_at=clock.now(),
            recorded_by=actor,
        )
    )
    audit.record(
        session,
        clock,
        actor=actor,
        action="study.status_changed",
        subject_type="study",
        subject_id=study.id,
        university_id=study.university_id,
        old=previous.value,
        new=status.value,
    )
    session.flush()
    reconcile_mobile_ids(session, clock, study, actor=actor, before=before)


_hasher = PasswordHasher()


def set_portal_password(
    session: Session,
    clock: Clock,
    person: Person,
    *,
    login: str,
    password: str,
    actor: str,
    hasher: PasswordHasher | None = None,
) -> PortalAccount:
    """Set the student's portal login; ``hasher`` may lower the argon2 cost (demo data only)."""
    hasher = hasher or _hasher
    if len(password) < 8:
        raise InvalidInput(
            "password_too_short", "A password has at least 8 characters.", field="password"
        )
    account = session.scalar(select(PortalAccount).where(PortalAccount.person_id == person.id))
    if account is None:
        account = PortalAccount(
            university_id=person.university_id,
            person_id=person.id,
            login=login,
            password_hash=hasher.hash(password),
            created_at=clock.now(),
        )
        session.add(account)
    else:
        account.login = login
        account.password_hash = hasher.hash(password)
    session.flush()
    audit.record(
        session,
        clock,
        actor=actor,
        action="portal_account.password_set",
        subject_type="person",
        subject_id=person.id,
        university_id=person.university_id,
    )
    return account
