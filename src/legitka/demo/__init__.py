"""Demo data: two fictional universities and students in every situation the rules know.

``ensure_demo(runtime)`` creates it once (``legitka serve --demo``, ``legitka demo create``); the
cases are listed as data in :mod:`legitka.demo.cases`. Everything goes through the register
services, so the demo also exercises them, and every date is relative to the runtime clock's
today: the cases hold whenever the demo is created. All names and numbers are made up; the PESEL
numbers are generated and valid, the photos are abstract drawings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legitka.clock import WARSAW, Clock, FixedClock, local_today
from legitka.credentials.pki import UniversityRef
from legitka.domain.eligibility import PhotoStatus
from legitka.domain.els import DuplicateReason, ElsCardStatus
from legitka.domain.errors import NotFound
from legitka.domain.fees import PaymentSource
from legitka.domain.semesters import semester_at
from legitka.domain.studies import StudyLevel, StudyStatus
from legitka.registry import audit
from legitka.registry.db import transaction
from legitka.registry.models import (
    Declaration,
    DeclarationKind,
    ElsCard,
    Intake,
    Person,
    PortalAccount,
    Study,
    University,
)
from legitka.registry.services import declarations, els, fees, people, students
from legitka.registry.services import photos as photo_service
from legitka.registry.services.universities import add_intake, create_university
from legitka.runtime import Runtime

from .cases import CASES, UNIVERSITIES, CardEvent, DemoCase, Fee
from .cases import Intake as IntakeKind
from .generate import chip_serial, make_pesel, next_hologram_serial, shift
from .photos import portrait
from .staff import create_demo_staff

__all__ = ["demo_accounts", "ensure_demo"]

ACTOR = "demo"
DEMO_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
STATUS_REASONS = {
    StudyStatus.ON_LEAVE: "dean's leave",
    StudyStatus.SUSPENDED: "suspended by the dean's decision",
    StudyStatus.REMOVED: "no credit for the semester",
    StudyStatus.GRADUATED: "diploma examination passed",
}
TEXTS = {
    DeclarationKind.OATH: (
        "Ślubowanie",
        "Oath",
        "Ślubuję uroczyście zdobywać wiedzę i umiejętności, szanować prawa i obyczaje "
        "społeczności akademickiej oraz dbać o dobre imię Uczelni.",
        "I solemnly promise to pursue knowledge and skills, to respect the rights and customs "
        "of the academic community and to uphold the good name of the University.",
    ),
    DeclarationKind.DECLARATIONS: (
        "Oświadczenia",
        "Declarations",
        "Oświadczam, że zapoznałem/zapoznałam się z regulaminem studiów oraz zasadami wydawania "
        "legitymacji studenckiej i że podane przeze mnie dane są prawdziwe.",
        "I declare that I have read the study regulations and the rules for issuing student ID "
        "cards, and that the data I have given is true.",
    ),
}


def ensure_demo(runtime: Runtime) -> bool:
    """Create the demo universities and students unless they exist; True when created now."""
    slugs = [u.slug for u in UNIVERSITIES]
    with runtime.sessions() as session:
        if session.scalar(select(University.id).where(University.slug.in_(slugs))) is not None:
            return False
    try:
        with transaction(runtime.sessions) as session:
            _Builder(session, runtime.clock).build()
    except IntegrityError:
        return False  # another process created the demo at the same moment
    return True


def ensure_demo_keys(runtime: Runtime) -> list[str]:
    """The demo's PKI: its own demo root CA and an issuer key per university, when missing.

    Certificates name the deployment's base URL, so a demo served on another address gets new
    issuer certificates under the same demo root.
    """
    with runtime.sessions() as session:
        universities = [
            UniversityRef(u.slug, u.name_pl, u.name_en) for u in session.scalars(select(University))
        ]
    return runtime.pki.init(
        base_url=runtime.settings.effective_base_url,
        universities=universities,
        now=runtime.clock.now(),
        demo=True,
    )


class _Builder:
    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.today = local_today(clock)
        self.current = semester_at(self.today)
        self.universities: dict[str, University] = {}
        self.intakes: dict[tuple[str, IntakeKind], Intake] = {}
        self.texts: dict[str, list[Declaration]] = {}
        self.serials: dict[str, int] = {}

    def at(self, day: dt.date) -> Clock:
        """A clock standing on ``day`` (9:00 in Warsaw), so that the history reads naturally."""
        if day >= self.today:
            return self.clock
        return FixedClock(dt.datetime.combine(day, dt.time(9), WARSAW).astimezone(dt.UTC))

    def build(self) -> None:
        founded = dt.date(self.current.year - 4, 9, 1)
        for spec in UNIVERSITIES:
            university = create_university(
                self.session,
                self.at(founded),
                slug=spec.slug,
                name_pl=spec.name_pl,
                name_en=spec.name_en,
                policy=spec.policy,
                hologram_code=spec.hologram_code,
                account_prefix=spec.account_prefix,
                actor=ACTOR,
            )
            self.universities[spec.slug] = university
            self.serials[spec.slug] = next_hologram_serial(self.session, spec.hologram_code)
            self.texts[spec.slug] = [
                declarations.publish(
                    self.session,
                    self.at(founded),
                    university,
                    kind,
                    title_pl=t[0],
                    title_en=t[1],
                    text_pl=t[2],
                    text_en=t[3],
                    actor=ACTOR,
                )
                for kind, t in TEXTS.items()
            ]
            earlier = shift(self.current, -1)
            deadlines = {
                IntakeKind.CURRENT: (self.current, self.today + dt.timedelta(days=21)),
                IntakeKind.EARLIER: (earlier, self.today - dt.timedelta(days=30)),
            }
            for kind, (semester, deadline) in deadlines.items():
                self.intakes[spec.slug, kind] = add_intake(
                    self.session,
                    self.at(semester.starts_on),
                    university,
                    code=semester.code,
                    starts_on=semester.starts_on,
                    payment_deadline=deadline,
                    actor=ACTOR,
                )
        for index, case in enumerate(CASES):
            self.student(index, case)
        create_demo_staff(self.session, self.clock, DEMO_HASHER)
        for university in self.universities.values():
            audit.record(
                self.session,
                self.clock,
                actor=ACTOR,
                action="demo.created",
                subject_type="university",
                subject_id=university.id,
                university_id=university.id,
            )

    def student(self, index: int, case: DemoCase) -> None:
        university = self.universities[case.university]
        birth = dt.date(self.today.year - case.age, *case.birthday)
        pesel = None if case.foreign else make_pesel(birth, 100 + index, female=case.female)
        intake = self.intakes[case.university, case.intake] if case.intake else None
        started = (
            intake.starts_on
            if intake
            else dt.date(self.current.year - case.started_years_ago, 10, 1)
        )
        previous = case.previous_study
        first_start = dt.date(self.current.year - 3, 10, 1) if previous else started
        first = people.enrol_student(
            self.session,
            self.at(first_start),
            university,
            given_names=case.given_names,
            family_name=case.family_name,
            birth_date=birth,
            pesel=pesel,
            email=f"{case.login}@{university.slug}.example.org",
            album_number=previous.album if previous else case.album,
            level=StudyLevel.FIRST_CYCLE if previous else case.level,
            programme=previous.programme if previous else case.programme,
            started_on=first_start,
            intake=None if previous else intake,
            actor=ACTOR,
        )
        person = self.session.get(Person, first.person_id)
        assert person is not None
        portal_login(self.session, self.at(first_start), person, case.login, case.password)
        self.photo(case, person, first_start)
        if case.oath:
            for text in self.texts[case.university]:
                declarations.accept(
                    self.session,
                    self.at(first_start + dt.timedelta(days=1)),
                    person,
                    text,
                    actor=person_actor(case),
                )
        self.fee(case, university, first, person, first_start, index)
        card = None
        if case.card is not None:
            card = self.card(
                case,
                first,
                first_start,
                case.card,
                previous.renewals if previous else case.renewals,
            )
        study = first
        if previous is not None:
            assert card is not None
            graduated = shift(self.current, -1).starts_on - dt.timedelta(days=5)
            people.change_study_status(
                self.session,
                self.at(graduated),
                first,
                StudyStatus.GRADUATED,
                since=graduated,
                reason=STATUS_REASONS[StudyStatus.GRADUATED],
                actor=ACTOR,
            )
            study = people.enrol_student(
                self.session,
                self.at(started),
                university,
                given_names=case.given_names,
                family_name=case.family_name,
                birth_date=birth,
                pesel=pesel,
                email=None,
                album_number=case.album,
                level=case.level,
                programme=case.programme,
                started_on=started,
                actor=ACTOR,
            )
            els.continue_card(self.session, self.at(started), card, study, actor=ACTOR)
            self.renew(case, card, case.renewals, started)
        if card is not None and case.card_event is not None:
            self.card_event(case, study, card)
        if case.new_family_name:
            people.change_personal_data(
                self.session,
                self.at(self.today - dt.timedelta(days=20)),
                person,
                family_name=case.new_family_name,
                actor="dean-office",
            )
        if case.status is not StudyStatus.ACTIVE:
            since = max(self.today - dt.timedelta(days=case.status_days_ago), started)
            people.change_study_status(
                self.session,
                self.at(since),
                study,
                case.status,
                since=since,
                reason=STATUS_REASONS[case.status],
                actor="dean-office",
            )

    def photo(self, case: DemoCase, person: Person, started: dt.date) -> None:
        if case.photo is None:
            return
        rejected = case.photo is PhotoStatus.REJECTED
        photo = photo_service.submit_photo(
            self.session,
            self.at(started + dt.timedelta(days=2)),
            person,
            portrait(case.key, flawed=rejected),
            actor=person_actor(case),
        )
        if case.photo is not PhotoStatus.PENDING:
            photo_service.decide_photo(
                self.session,
                self.at(started + dt.timedelta(days=4)),
                photo,
                approve=not rejected,
                reason=case.rejection_reason,
                actor="dean-office",
            )

    def fee(
        self,
        case: DemoCase,
        university: University,
        study: Study,
        person: Person,
        started: dt.date,
        index: int,
    ) -> None:
        if case.fee is Fee.NONE:
            return
        els.charge_card_fee(self.session, self.at(started), study, actor=ACTOR)
        amount = {Fee.PAID: university.els_fee_grosze, Fee.PARTIAL: 1000}.get(case.fee)
        if amount:
            booked = min(started + dt.timedelta(days=7), self.today)
            fees.record_payment(
                self.session,
                self.at(booked),
                university,
                account_number=person.account_number,
                amount_grosze=amount,
                booked_on=booked,
                source=PaymentSource.MANUAL,
                key=fees.transaction_key("demo", university.slug, index),
                title="ELS",
                actor="dean-office",
            )

    def card(
        self,
        case: DemoCase,
        study: Study,
        started: dt.date,
        target: ElsCardStatus,
        renewals: tuple[int, ...],
    ) -> ElsCard:
        def day(days: int) -> dt.date:
            return min(started + dt.timedelta(days=days), self.today)

        card = els.apply_for_card(self.session, self.at(day(14)), study, actor="dean-office")
        steps = (ElsCardStatus.PRINTING, ElsCardStatus.READY_TO_COLLECT)
        for n, status in enumerate(steps):
            if card.status is target:
                return card
            els.set_status(self.session, self.at(day(20 + 5 * n)), card, status, actor=ACTOR)
        if card.status is target:
            return card
        els.hand_over(
            self.session,
            self.at(day(30)),
            card,
            chip_serial=chip_serial(case.university, f"{card.number}{card.edition}"),
            issued_on=day(30),
            actor="dean-office",
        )
        self.renew(case, card, renewals, day(30))
        return card

    def renew(
        self, case: DemoCase, card: ElsCard, offsets: tuple[int, ...], issued: dt.date
    ) -> None:
        code = self.universities[case.university].hologram_code
        for offset in sorted(offsets):
            semester = shift(self.current, offset)
            serial = self.serials[case.university]
            self.serials[case.university] += 1
            els.renew(
                self.session,
                self.at(max(semester.starts_on, issued)),
                card,
                semester,
                hologram_number=f"{code}{serial:05d}",
                actor="dean-office",
            )

    def card_event(self, case: DemoCase, study: Study, card: ElsCard) -> None:
        days_ago = self.at(self.today - dt.timedelta(days=12))
        if case.card_event is CardEvent.CANCELLED:
            els.set_status(
                self.session,
                days_ago,
                card,
                ElsCardStatus.CANCELLED,
                reason="damaged chip",
                actor="dean-office",
            )
            return
        els.set_status(
            self.session,
            days_ago,
            card,
            ElsCardStatus.LOST,
            reason="reported lost",
            actor="dean-office",
        )
        if case.card_event is CardEvent.LOST_DUPLICATE:
            els.apply_for_card(
                self.session,
                self.at(self.today - dt.timedelta(days=10)),
                study,
                duplicate_reason=DuplicateReason.LOST,
                actor="dean-office",
            )


def portal_login(
    session: Session, clock: Clock, person: Person, login: str, password: str
) -> PortalAccount:
    """The demo student's portal account, with a light argon2 hash.

    The demo passwords are printed for everyone to use, so the hash protects nothing; the full
    strength hash takes up to half a second each on a small machine, which would make
    ``serve --demo`` wait many seconds. The parameters are part of the hash, so logging in
    verifies it as any other.
    """
    return people.set_portal_password(
        session, clock, person, login=login, password=password, actor=ACTOR, hasher=DEMO_HASHER
    )


def person_actor(case: DemoCase) -> str:
    return f"student:{case.login}"


def case_study(session: Session, case: DemoCase) -> Study:
    """The study a demo case is about (the newest one of the case's login)."""
    university = session.scalar(select(University).where(University.slug == case.university))
    account = None
    if university is not None:
        account = session.scalar(
            select(PortalAccount).where(
                PortalAccount.university_id == university.id, PortalAccount.login == case.login
            )
        )
    if university is None or account is None:
        raise NotFound(
            "demo_missing",
            "This database has no demo data: create it with `legitka demo create` "
            "(or `legitka serve --demo`).",
            field="database_url",
        )
    query = select(Study).where(Study.person_id == account.person_id)
    if case.album:
        query = query.where(Study.album_number == case.album)
    study = session.scalar(query.order_by(Study.id.desc()).limit(1))
    assert study is not None
    return study


def demo_accounts(runtime: Runtime, locale: str = "en") -> list[dict[str, Any]]:
    """Every demo login with its password, situation and what the register says now."""
    result: list[dict[str, Any]] = []
    with runtime.sessions() as session:
        for case in CASES:
            study = case_study(session, case)
            person = session.get(Person, study.person_id)
            assert person is not None
            check = students.eligibility(session, study, runtime.clock)
            card = els.current_card(session, study)
            result.append(
                {
                    "university": case.university,
                    "login": case.login,
                    "password": case.password,
                    "album": study.album_number,
                    "name": person.full_name,
                    "key": case.key,
                    "case": case.summary(locale),
                    "eligible": check.eligible,
                    "unmet": [c.code for c in check.unmet],
                    "card": card.status.value if card else None,
                }
            )
    return result
