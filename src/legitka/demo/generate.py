"""Many generated students for load tests: valid PESELs, own accounts, cards, renewals, photos.

Students are inserted in batches (each batch one transaction and one audit event) straight as
register rows, because going through the services one student at a time is too slow for tens of
thousands. The rows are the ones the services would write: the tests compare the eligibility of
generated students with the plan that made them. Photos come from a small shared set of tiny
synthetic portraits (about 5 kB each).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from stdnum.pl import pesel as stdnum_pesel

from legitka.clock import local_today
from legitka.credentials.picture import credential_picture
from legitka.domain.accounts import individual_account
from legitka.domain.eligibility import PhotoStatus
from legitka.domain.els import ElsCardStatus
from legitka.domain.errors import Conflict, InvalidInput
from legitka.domain.fees import ChargeKind, ChargeStatus, PaymentSource
from legitka.domain.identity import PersonalData
from legitka.domain.semesters import Semester, SemesterKind, semester_at
from legitka.domain.studies import StudyLevel, StudyStatus
from legitka.registry import audit
from legitka.registry.db import transaction
from legitka.registry.models import (
    Charge,
    Declaration,
    DeclarationAcceptance,
    DeclarationKind,
    ElsCard,
    ElsRenewal,
    Intake,
    Payment,
    PaymentAllocation,
    PaymentStatus,
    Person,
    Photo,
    PortalAccount,
    Study,
    StudyStatusChange,
    University,
)
from legitka.registry.services.universities import get_university
from legitka.runtime import Runtime

from . import photos as synthetic
from .cases import FEMALE, MALE, PROGRAMMES, SURNAMES

# every generated student's portal password: a demo, printed for load tests to use
GENERATED_PASSWORD = "generated-1"  # noqa: S105
FIRST_ALBUM = 300001
MAX_SERIAL = 99_999
MAX_STUDENTS = 200_000
PESEL_SERIALS = 5000  # per birth date and sex
POOL = 24  # distinct generated photos
ACTOR = "demo"


class Plan(StrEnum):
    """What a generated student's register entry looks like."""

    CARD = "card"  # active card renewed this semester (eligible under both policies)
    PHOTO_PENDING = "photo-pending"  # photo waiting for approval, no card yet
    IN_PRODUCTION = "in-production"  # card applied for, printing or ready to collect
    NEW = "new"  # oath not taken, fee unpaid, no card
    EXPIRED = "expired"  # card not renewed for two semesters


PLANS = (Plan.CARD, Plan.PHOTO_PENDING, Plan.IN_PRODUCTION, Plan.NEW, Plan.EXPIRED)
PLAN_WEIGHTS = (80, 6, 5, 4, 5)


# ---- helpers shared with the demo cases ----


def make_pesel(birth_date: dt.date, serial: int, *, female: bool) -> str:
    """A valid PESEL for ``birth_date``: serial 0-4999, the sex digit even for women."""
    if not 0 <= serial < PESEL_SERIALS:
        raise ValueError(f"a PESEL serial is 0 to {PESEL_SERIALS - 1}")
    century = {18: 80, 19: 0, 20: 20, 21: 40, 22: 60}[birth_date.year // 100]
    sex_digit = (serial % 5) * 2 + (0 if female else 1)
    body = (
        f"{birth_date.year % 100:02d}{birth_date.month + century:02d}{birth_date.day:02d}"
        f"{serial // 5:03d}{sex_digit}"
    )
    return body + str(stdnum_pesel.calc_check_digit(body))


def shift(semester: Semester, steps: int) -> Semester:
    """The semester ``steps`` semesters after (negative: before) ``semester``."""
    index = semester.year * 2 + (0 if semester.kind is SemesterKind.WINTER else 1) + steps
    year, kind = divmod(index, 2)
    return Semester(year, SemesterKind.WINTER if kind == 0 else SemesterKind.SUMMER)


def chip_serial(slug: str, key: str) -> str:
    """A 7-byte chip UID (as printed by card readers), stable for the same card."""
    return "04" + hashlib.blake2b(f"{slug}/{key}".encode(), digest_size=6).hexdigest().upper()


def next_hologram_serial(session: Session, hologram_code: str) -> int:
    used = session.scalar(
        select(func.max(ElsRenewal.hologram_number)).where(
            ElsRenewal.hologram_number.like(f"{hologram_code}_____")
        )
    )
    return int(used[3:]) + 1 if used else 1


# ---- generation ----


@dataclass(frozen=True)
class Planned:
    plan: Plan
    female: bool
    given: str
    family: str
    birth_date: dt.date
    pesel: str
    album: str
    programme: str
    started_on: dt.date
    renewals: tuple[Semester, ...]
    card_state: ElsCardStatus | None
    photo_index: int


@dataclass
class GenerateReport:
    university: str
    created: int = 0
    first_album: str | None = None
    last_album: str | None = None
    plans: Counter[str] = field(default_factory=Counter)
    password: str = GENERATED_PASSWORD

    @property
    def example_login(self) -> str | None:
        return f"s{self.first_album}" if self.first_album else None


def generate_students(
    runtime: Runtime,
    count: int,
    *,
    university_slug: str = "pd",
    seed: int | None = None,
    batch_size: int = 500,
    on_progress: Callable[[int], None] | None = None,
) -> GenerateReport:
    """Add ``count`` generated students to a university; ``on_progress`` gets each batch size."""
    if not 1 <= count <= MAX_STUDENTS:
        raise InvalidInput(
            "invalid_student_count",
            f"Generate between 1 and {MAX_STUDENTS} students at a time; got {count}.",
            field="students",
        )
    today = local_today(runtime.clock)
    with runtime.sessions() as session:
        university = get_university(session, university_slug)
        planned = _plan(session, university, count, today, seed)
        needed = sum(len(p.renewals) for p in planned)
        serial = next_hologram_serial(session, university.hologram_code)
        if serial + needed - 1 > MAX_SERIAL:
            raise Conflict(
                "hologram_serials_exhausted",
                f"{university.slug} has hologram serials up to {serial - 1:05d} in use; "
                f"{needed} more do not fit the 5 digits: generate fewer students.",
                field="students",
            )
        university_id = university.id
    report = GenerateReport(university_slug)
    hasher = PasswordHasher()
    password_hash = hasher.hash(GENERATED_PASSWORD)
    images = [synthetic.portrait(f"generated-{i}", quality=45) for i in range(POOL)]
    # Each synthetic photo with its digest and, as an approval makes it, the credential picture.
    pool = [
        (image, hashlib.sha256(image).hexdigest(), credential_picture(image)) for image in images
    ]
    for start in range(0, len(planned), batch_size):
        batch = planned[start : start + batch_size]
        with transaction(runtime.sessions) as session:
            target = session.get(University, university_id)
            assert target is not None
            serial = _insert(session, runtime, target, batch, serial, password_hash, pool)
        report.created += len(batch)
        report.plans.update(p.plan.value for p in batch)
        if on_progress is not None:
            on_progress(len(batch))
    if planned:
        report.first_album, report.last_album = planned[0].album, planned[-1].album
    return report


def _plan(
    session: Session, university: University, count: int, today: dt.date, seed: int | None
) -> list[Planned]:
    albums = session.scalars(
        select(Study.album_number).where(Study.university_id == university.id)
    ).all()
    numeric = [int(a) for a in albums if a and a.isascii() and a.isdigit()]
    next_album = max([FIRST_ALBUM - 1, *numeric]) + 1
    taken = set(
        session.scalars(
            select(Person.pesel).where(
                Person.university_id == university.id, Person.pesel.is_not(None)
            )
        )
    )
    # reproducible made-up data, not secrets
    rng = random.Random(seed if seed is not None else f"{university.slug}/{next_album}")  # noqa: S311
    current = semester_at(today)
    result: list[Planned] = []
    for n in range(count):
        plan = rng.choices(PLANS, PLAN_WEIGHTS)[0]
        female = rng.random() < 0.55
        birth = dt.date(today.year - rng.randint(19, 26), rng.randint(1, 12), rng.randint(1, 28))
        while True:
            pesel = make_pesel(birth, rng.randrange(PESEL_SERIALS), female=female)
            if pesel not in taken:
                taken.add(pesel)
                break
        years = rng.randint(0, 3) if plan in (Plan.CARD, Plan.EXPIRED) else 0
        renewals: tuple[Semester, ...] = ()
        card_state: ElsCardStatus | None = None
        if plan is Plan.CARD:
            renewals = (shift(current, -1), current) if years and rng.random() < 0.5 else (current,)
            card_state = ElsCardStatus.ACTIVE
        elif plan is Plan.EXPIRED:
            years = max(years, 1)
            renewals = (shift(current, -2),)
            card_state = ElsCardStatus.ACTIVE
        elif plan is Plan.IN_PRODUCTION:
            card_state = rng.choice(
                [ElsCardStatus.APPLIED, ElsCardStatus.PRINTING, ElsCardStatus.READY_TO_COLLECT]
            )
        surname = rng.choice(SURNAMES)
        result.append(
            Planned(
                plan=plan,
                female=female,
                given=rng.choice(FEMALE if female else MALE),
                family=surname[1] if female else surname[0],
                birth_date=birth,
                pesel=pesel,
                album=str(next_album + n),
                programme=rng.choice(PROGRAMMES),
                started_on=dt.date(current.year - years, 10, 1),
                renewals=renewals,
                card_state=card_state,
                photo_index=rng.randrange(POOL),
            )
        )
    return result


def _current_declarations(session: Session, university_id: int) -> list[int]:
    ids: list[int] = []
    for kind in DeclarationKind:
        found = session.scalar(
            select(Declaration.id)
            .where(Declaration.university_id == university_id, Declaration.kind == kind)
            .order_by(Declaration.version.desc())
            .limit(1)
        )
        if found is not None:
            ids.append(found)
    return ids


def _insert(
    session: Session,
    runtime: Runtime,
    university: University,
    batch: Sequence[Planned],
    serial: int,
    password_hash: str,
    pool: Sequence[tuple[bytes, str, str]],
) -> int:
    """Insert one batch; returns the next free hologram serial."""
    now = runtime.clock.now()
    today = local_today(runtime.clock)
    intake = session.scalar(
        select(Intake)
        .where(Intake.university_id == university.id)
        .order_by(Intake.starts_on.desc())
        .limit(1)
    )
    declarations = _current_declarations(session, university.id)
    people = [
        Person(
            university_id=university.id,
            given_names=p.given,
            family_name=p.family,
            birth_date=p.birth_date,
            pesel=p.pesel,
            email=f"s{p.album}@{university.slug}.example.org",
            created_at=now,
            data_changed_at=now,
        )
        for p in batch
    ]
    session.add_all(people)
    session.flush()
    studies: list[Study] = []
    for person, p in zip(people, batch, strict=True):
        person.account_number = individual_account(university.account_prefix, person.id)
        studies.append(
            Study(
                university_id=university.id,
                person_id=person.id,
                intake_id=intake.id if intake else None,
                album_number=p.album,
                programme=p.programme,
                level=StudyLevel.FIRST_CYCLE,
                status=StudyStatus.ACTIVE,
                status_since=p.started_on,
                started_on=p.started_on,
            )
        )
    session.add_all(studies)
    session.flush()
    cards: list[tuple[ElsCard, Planned]] = []
    payments: list[tuple[Payment, Charge]] = []
    # rows whose ids nobody needs go in as one multi-row INSERT per table
    rows: dict[type[Any], list[dict[str, Any]]] = {
        StudyStatusChange: [],
        PortalAccount: [],
        Photo: [],
        DeclarationAcceptance: [],
    }
    for person, study, p in zip(people, studies, batch, strict=True):
        rows[StudyStatusChange].append(
            {
                "study_id": study.id,
                "status": StudyStatus.ACTIVE,
                "since": p.started_on,
                "reason": "enrolment",
                "recorded_at": now,
                "recorded_by": ACTOR,
            }
        )
        rows[PortalAccount].append(
            {
                "university_id": university.id,
                "person_id": person.id,
                "login": f"s{p.album}",
                "password_hash": password_hash,
                "created_at": now,
            }
        )
        image, digest, picture = pool[p.photo_index]
        pending = p.plan is Plan.PHOTO_PENDING
        rows[Photo].append(
            {
                "person_id": person.id,
                "image": image,
                "content_type": "image/jpeg",
                "width": synthetic.WIDTH,
                "height": synthetic.HEIGHT,
                "sha256": digest,
                "status": PhotoStatus.PENDING if pending else PhotoStatus.APPROVED,
                "rejection_reason": None,
                "submitted_at": now,
                "decided_at": None if pending else now,
                "decided_by": None if pending else ACTOR,
                "credential_picture": None if pending else picture,
            }
        )
        if p.plan is Plan.NEW:
            paid = 0
        else:
            paid = university.els_fee_grosze
            rows[DeclarationAcceptance].extend(
                {"person_id": person.id, "declaration_id": d, "accepted_at": now}
                for d in declarations
            )
        due = intake.payment_deadline if intake else today + dt.timedelta(days=14)
        charge = Charge(
            university_id=university.id,
            person_id=person.id,
            kind=ChargeKind.ELS,
            amount_grosze=university.els_fee_grosze,
            paid_grosze=paid,
            due_date=due,
            account_number=person.account_number,
            description="ELS",
            status=ChargeStatus.PAID if paid else ChargeStatus.DUE,
            created_at=now,
            settled_at=now if paid else None,
        )
        session.add(charge)
        if paid:
            payment = Payment(
                university_id=university.id,
                person_id=person.id,
                source=PaymentSource.MANUAL,
                transaction_key=f"generated-{university.id}-{p.album}",
                account_number=person.account_number,
                amount_grosze=paid,
                unallocated_grosze=0,
                booked_on=min(p.started_on, today),
                title="ELS",
                status=PaymentStatus.MATCHED,
                created_at=now,
            )
            session.add(payment)
            payments.append((payment, charge))
        if p.card_state is not None:
            active = p.card_state is ElsCardStatus.ACTIVE
            card = ElsCard(
                university_id=university.id,
                person_id=person.id,
                study_id=study.id,
                number=p.album,
                edition="A",
                chip_serial=chip_serial(university.slug, p.album) if active else None,
                issued_on=min(p.started_on + dt.timedelta(days=30), today) if active else None,
                status=p.card_state,
                status_changed_at=now,
                data_fingerprint=PersonalData(
                    p.given, p.family, p.birth_date, p.pesel
                ).fingerprint(),
                created_at=now,
            )
            session.add(card)
            cards.append((card, p))
    session.flush()
    rows[PaymentAllocation] = [
        {"payment_id": payment.id, "charge_id": charge.id, "amount_grosze": payment.amount_grosze}
        for payment, charge in payments
    ]
    rows[ElsRenewal] = []
    for card, p in cards:
        for semester in p.renewals:
            rows[ElsRenewal].append(
                {
                    "card_id": card.id,
                    "semester": semester.code,
                    "valid_until": semester.validity_end,
                    "hologram_number": f"{university.hologram_code}{serial:05d}",
                    "renewed_at": now,
                    "renewed_by": ACTOR,
                }
            )
            serial += 1
    for model, values in rows.items():
        if values:
            session.execute(insert(model), values)
    audit.record(
        session,
        runtime.clock,
        actor=ACTOR,
        action="demo.students_generated",
        subject_type="university",
        subject_id=university.id,
        university_id=university.id,
        count=len(batch),
        first_person_id=people[0].id,
        last_person_id=people[-1].id,
    )
    return serial


def expected_eligible(plans: Iterable[Plan], *, els_linked: bool) -> int:
    """How many students with these plans may order an mLegitymacja."""
    ok = {Plan.CARD} if els_linked else {Plan.CARD, Plan.IN_PRODUCTION, Plan.NEW, Plan.EXPIRED}
    return sum(1 for p in plans if p in ok)
