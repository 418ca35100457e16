"""Importing students from a CSV file exported by the university's student system.

Every row is checked first (``student_import_rows``); any error stops the whole import with one
``student_import_invalid`` error listing all of them, and the register stays as it was. A clean
file is written in the caller's transaction, so nothing is ever half-imported.

New people are written in bulk with exactly the records :func:`people.enrol_student` and
:func:`els.charge_card_fee` make (the person with an individual account, the study with its first
status, the ELS fee charge, and the audit event of each): a few statements per batch of rows
instead of a dozen per row, so ten thousand students take seconds. A row whose PESEL is already in
the register (a second programme) goes through those services themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from legitka.clock import Clock, local_today
from legitka.domain.accounts import individual_account
from legitka.domain.errors import InvalidInput
from legitka.domain.fees import ChargeKind, ChargeStatus
from legitka.domain.studies import StudyStatus
from legitka.registry import audit
from legitka.registry.models import (
    AuditEvent,
    Base,
    Charge,
    Intake,
    Person,
    Study,
    StudyStatusChange,
    University,
)
from legitka.registry.services.els import charge_card_fee
from legitka.registry.services.people import enrol_student
from legitka.registry.services.student_import_rows import (
    Progress,
    Register,
    RowError,
    StudentRow,
    check_file,
)

BATCH = 500
MESSAGE_LIMIT = 20


@dataclass
class ImportReport:
    """What an import created (or, on a dry run, would create)."""

    filename: str
    sha256: str
    dry_run: bool
    students: list[StudentRow]
    charges: int = 0

    @property
    def new_people(self) -> int:
        return sum(s.new_person for s in self.students)

    def as_dict(self) -> dict[str, Any]:
        """A summary without personal data: line, album number, level, status, intake."""
        return {
            "filename": self.filename,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "students": len(self.students),
            "new_people": self.new_people,
            "existing_people": len(self.students) - self.new_people,
            "els_fees": self.charges,
            "rows": [
                {"line": s.line, "album_number": s.album_number, "level": s.level.value,
                 "status": s.status.value, "intake": s.intake, "charge_els_fee": s.charge_els_fee,
                 "new_person": s.new_person}
                for s in self.students
            ],
        }  # fmt: skip


def load_register(session: Session, university: University, today: dt.date) -> Register:
    """What the register holds that rows may clash with: one query each, not one per row."""
    uid = university.id
    albums = session.scalars(select(Study.album_number).where(Study.university_id == uid))
    people = session.execute(
        select(Person.pesel, Person.given_names, Person.family_name).where(
            Person.university_id == uid, Person.pesel.is_not(None)
        )
    )
    intakes = session.scalars(select(Intake.code).where(Intake.university_id == uid))
    return Register(
        albums=frozenset(a for a in albums if a),
        people={p: (g, f) for p, g, f in people if p},
        intakes=frozenset(intakes),
        today=today,
    )


def import_students(
    session: Session,
    clock: Clock,
    university: University,
    filename: str,
    data: bytes,
    *,
    actor: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check the whole file, then enrol every student and charge the ELS fee where asked (R1).

    Any error raises one ``student_import_invalid`` :class:`InvalidInput` listing all of them
    (param ``errors``: dicts of line, field, code, message) before anything is written. The
    caller's transaction holds the import: it commits all rows or none. ``dry_run`` only checks.
    ``progress(done, total)`` is called as rows are checked and then written (each row counts
    twice unless ``dry_run``).
    """
    register = load_register(session, university, local_today(clock))
    rows, errors = check_file(data, register, progress, steps=1 if dry_run else 2)
    if errors:
        raise invalid_file(filename, errors)
    report = ImportReport(filename, hashlib.sha256(data).hexdigest(), dry_run, rows)
    if dry_run:
        report.charges = sum(r.charge_els_fee for r in rows) if university.els_fee_grosze else 0
        return report
    intakes = {i.code: i for i in university.intakes}
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        report.charges += _write(session, clock, university, intakes, batch, actor)
        if progress:
            progress(len(rows) + start + len(batch), 2 * len(rows))
    audit.record(
        session, clock, actor=actor, action="students.imported", subject_type="university",
        subject_id=university.id, university_id=university.id, sha256=report.sha256,
        students=len(rows), new_people=report.new_people, els_fees=report.charges,
    )  # fmt: skip
    session.flush()
    return report


def _write(
    session: Session,
    clock: Clock,
    university: University,
    intakes: dict[str, Intake],
    rows: list[StudentRow],
    actor: str,
) -> int:
    """Enrol a batch of checked rows; return the number of ELS fees charged.

    A person already in the register (found by PESEL) goes through the services one by one,
    which also settle a new fee from credit they may hold. New people are inserted in bulk with
    the same records the services would write."""
    fee = university.els_fee_grosze
    for r in rows:
        if not r.new_person:
            study = enrol_student(
                session, clock, university, given_names=r.given_names,
                family_name=r.family_name, birth_date=r.birth_date, pesel=r.pesel, email=r.email,
                album_number=r.album_number, level=r.level, programme=r.programme,
                started_on=r.started_on, status=r.status, status_since=r.status_since,
                intake=intakes[r.intake] if r.intake else None, actor=actor,
            )  # fmt: skip
            if r.charge_els_fee and fee > 0:
                charge_card_fee(session, clock, study, actor=actor)
    new = [r for r in rows if r.new_person]
    if new:
        _insert_new_people(session, clock, university, intakes, new, actor)
    return sum(r.charge_els_fee for r in rows) if fee > 0 else 0


def _insert_new_people(
    session: Session,
    clock: Clock,
    university: University,
    intakes: dict[str, Intake],
    rows: list[StudentRow],
    actor: str,
) -> None:
    now, uid, fee = clock.now(), university.id, university.els_fee_grosze
    events: list[dict[str, Any]] = []

    def event(action: str, subject_type: str, subject_id: int, **details: Any) -> None:
        events.append({"university_id": uid, "at": now, "actor": actor, "action": action,
                       "subject_type": subject_type, "subject_id": subject_id,
                       "details": details})  # fmt: skip

    person_ids = _insert(session, Person, [
        {"university_id": uid, "given_names": r.given_names, "family_name": r.family_name,
         "birth_date": r.birth_date, "pesel": r.pesel, "email": r.email, "created_at": now,
         "data_changed_at": now}
        for r in rows
    ])  # fmt: skip
    accounts = [individual_account(university.account_prefix, i) for i in person_ids]
    session.execute(
        update(Person),
        [{"id": i, "account_number": a} for i, a in zip(person_ids, accounts, strict=True)],
    )
    study_ids = _insert(session, Study, [
        {"university_id": uid, "person_id": person_id,
         "intake_id": intakes[r.intake].id if r.intake else None,
         "album_number": r.album_number, "programme": r.programme, "level": r.level,
         "status": r.status, "status_since": r.status_since, "started_on": r.started_on,
         "graduated_on": r.status_since if r.status is StudyStatus.GRADUATED else None}
        for r, person_id in zip(rows, person_ids, strict=True)
    ])  # fmt: skip
    _insert(session, StudyStatusChange, [
        {"study_id": study_id, "status": r.status, "since": r.status_since, "reason": "enrolment",
         "recorded_at": now, "recorded_by": actor}
        for r, study_id in zip(rows, study_ids, strict=True)
    ])  # fmt: skip
    charged = [
        (r, person_id, account)
        for r, person_id, account in zip(rows, person_ids, accounts, strict=True)
        if r.charge_els_fee and fee > 0
    ]
    charge_ids = _insert(session, Charge, [
        {"university_id": uid, "person_id": person_id, "kind": ChargeKind.ELS,
         "amount_grosze": fee, "paid_grosze": 0,
         "due_date": intakes[r.intake].payment_deadline if r.intake else None,
         "account_number": account, "status": ChargeStatus.DUE, "description": "ELS",
         "created_at": now}
        for r, person_id, account in charged
    ])  # fmt: skip
    for person_id in person_ids:
        event("person.created", "person", person_id)
    for r, study_id in zip(rows, study_ids, strict=True):
        event("study.created", "study", study_id, level=r.level.value, status=r.status.value)
    for (_, person_id, _), charge_id in zip(charged, charge_ids, strict=True):
        event("charge.created", "charge", charge_id, person_id=person_id,
              kind=ChargeKind.ELS.value, amount_grosze=fee)  # fmt: skip
    _insert(session, AuditEvent, events)


def _insert(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in batched multi-row statements; the new ids in the order of ``rows``.

    Asking for the ids makes every database batch the rows (``insertmanyvalues``) instead of
    sending one statement per row."""
    if not rows:
        return []
    id_column = model.__table__.c.id
    statement = insert(model).returning(id_column, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def invalid_file(filename: str, errors: list[RowError]) -> InvalidInput:
    """One coded error for the whole file, listing every row error (the first ones in text)."""
    lines = [
        f"line {e.line}" + (f", {e.field}" if e.field else "") + f": {e.message()}"
        for e in errors[:MESSAGE_LIMIT]
    ]
    if len(errors) > MESSAGE_LIMIT:
        lines.append(f"… and {len(errors) - MESSAGE_LIMIT} more.")
    count = f"{len(errors)} error" + ("s" if len(errors) != 1 else "")
    summary = f"{filename}: {count}; nothing was imported. Correct the file and import it again."
    return InvalidInput(
        "student_import_invalid",
        "\n".join([summary, *lines]),
        field="file",
        errors=[e.as_dict() for e in errors],
        filename=filename,
    )
