"""The demo data: created once, and every case shows exactly the situation it names."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from stdnum.pl import pesel as stdnum_pesel

from legitka.clock import FixedClock, local_today
from legitka.config import Settings
from legitka.demo import case_study, demo_accounts, ensure_demo
from legitka.demo.cases import CASES, UNIVERSITIES, DemoCase
from legitka.demo.generate import (
    Plan,
    expected_eligible,
    generate_students,
    make_pesel,
    shift,
)
from legitka.demo.photos import HEIGHT, WIDTH, portrait
from legitka.domain.eligibility import CHECK_MESSAGES, Policy
from legitka.domain.els import ElsCardStatus
from legitka.domain.errors import InvalidInput, NotFound
from legitka.domain.fees import ChargeKind, ChargeStatus
from legitka.domain.identity import validate_pesel
from legitka.domain.semesters import Semester, SemesterKind, semester_at
from legitka.registry.db import make_engine, session_factory
from legitka.registry.models import (
    Charge,
    Declaration,
    ElsCard,
    ElsRenewal,
    Intake,
    Person,
    PersonDataChange,
    Photo,
    PortalAccount,
    Study,
    University,
)
from legitka.registry.services import els, photos, students
from legitka.runtime import Runtime

# Outcomes no demo case can show (both are tested in tests/domain/test_eligibility.py):
# - "graduate-grace" is an ok-variant (the check holds) that depends on the date: a first-cycle
#   graduate keeps student rights only until 31 October of the graduation year, so from November
#   to the next graduation no student can be in that grace period;
# - a "replaced" card is never a study's newest card: its duplicate is newer and is the one that
#   tells where the student stands (the demo's replaced card sits behind the duplicate applied).
UNREACHABLE = {("inactive_status", "graduate-grace"), ("no_els", "replaced")}
FAILING_VARIANTS = {key for key in CHECK_MESSAGES if key[1] != "ok"} - UNREACHABLE


def verify_demo(runtime: Runtime) -> Counter[tuple[str, str]]:
    """Assert every case's eligibility and card; return the failing (code, variant) pairs seen."""
    seen: Counter[tuple[str, str]] = Counter()
    with runtime.sessions() as session:
        for case in CASES:
            study = case_study(session, case)
            result = students.eligibility(session, study, runtime.clock)
            unmet = tuple(c.code for c in result.unmet)
            assert unmet == case.expect_unmet, case.key
            seen.update((c.code, c.variant) for c in result.unmet)
            card = els.current_card(session, study)
            assert (card.status if card else None) == case.shows_card, case.key
            # what `students show --json` prints says the same
            report = students.student_report(session, study, runtime.clock, "pl")
            checks = report["eligibility"]["checks"]
            assert tuple(c["code"] for c in checks if not c["ok"]) == case.expect_unmet
            assert report["eligibility"]["eligible"] is case.eligible
            assert all(c["message"] for c in checks)
    return seen


def test_the_demo_is_created_once_and_every_case_holds(runtime: Runtime) -> None:
    assert ensure_demo(runtime) is True
    assert ensure_demo(runtime) is False
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(University)) == 2
        assert session.scalar(select(func.count()).select_from(PortalAccount)) == len(CASES)
        # the R3 student has two studies
        assert session.scalar(select(func.count()).select_from(Study)) == len(CASES) + 1
        policies = {u.slug: u.policy for u in session.scalars(select(University))}
    assert policies == {"pd": Policy.ELS_LINKED, "uw": Policy.PESEL}
    seen = verify_demo(runtime)
    assert set(seen) >= FAILING_VARIANTS, FAILING_VARIANTS - set(seen)


def test_every_card_state_fee_and_history_is_in_the_demo(runtime: Runtime) -> None:
    ensure_demo(runtime)
    today = local_today(runtime.clock)
    with runtime.sessions() as session:
        states = set(session.scalars(select(ElsCard.status)))
        assert states == set(ElsCardStatus)
        holograms = session.scalars(select(ElsRenewal.hologram_number)).all()
        assert len(holograms) == len(set(holograms))

        def study_of(key: str) -> Study:
            return case_study(session, next(c for c in CASES if c.key == key))

        duplicate = study_of("pd-duplicate")
        charges = session.scalars(select(Charge).where(Charge.person_id == duplicate.person_id))
        by_kind = {c.kind: c for c in charges}
        assert by_kind[ChargeKind.ELS_DUPLICATE].amount_grosze == 3300
        assert by_kind[ChargeKind.ELS_DUPLICATE].status is ChargeStatus.DUE

        overdue = study_of("pd-fee-overdue")
        fee = session.scalar(select(Charge).where(Charge.person_id == overdue.person_id))
        assert fee is not None and fee.paid_grosze == 1000 and fee.status is ChargeStatus.DUE
        assert fee.due_date is not None and fee.due_date < today
        conditions = students.card_requirements(session, overdue, runtime.clock)
        assert [(r.code, r.ok) for r in conditions] == [
            ("oath_not_taken", True),
            ("els_fee_overdue", False),
        ]
        new = students.card_requirements(session, study_of("pd-new"), runtime.clock)
        assert [(r.code, r.ok) for r in new] == [
            ("oath_not_taken", False),
            ("els_fee_not_paid", False),
        ]

        married = study_of("pd-married")
        changes = session.scalars(
            select(PersonDataChange).where(PersonDataChange.person_id == married.person_id)
        ).all()
        assert [(c.field, c.old_value, c.new_value) for c in changes] == [
            ("family_name", "Kozłowska", "Mazur")
        ]

        continuing = study_of("pd-continuing")
        card = els.current_card(session, continuing)
        assert card is not None and card.continued_from_study_id is not None
        previous = session.get(Study, card.continued_from_study_id)
        assert previous is not None and previous.graduated_on is not None

        rejected = session.scalar(select(Photo).where(Photo.rejection_reason.is_not(None)))
        assert rejected is not None and rejected.rejection_reason

        intakes = session.scalars(select(Intake)).all()
        assert any(i.payment_deadline > today for i in intakes)
        texts = session.scalars(select(Declaration)).all()
        assert len(texts) == 4 and all(d.text_pl and d.text_en for d in texts)


def test_demo_people_photos_and_logins_are_valid(runtime: Runtime) -> None:
    ensure_demo(runtime)
    hasher = PasswordHasher()
    with runtime.sessions() as session:
        people = session.scalars(select(Person)).all()
        for person in people:
            if person.pesel:
                validate_pesel(person.pesel, birth_date=person.birth_date)
            assert person.account_number and len(person.account_number) == 26
        assert sum(1 for p in people if p.pesel is None) == 2
        for photo in session.scalars(select(Photo)):
            assert photos.check_image(photo.image) == ("image/jpeg", WIDTH, HEIGHT)
        logins = {
            (a.university_id, a.login): a.password_hash
            for a in session.scalars(select(PortalAccount))
        }
        slugs = {u.id: u.slug for u in session.scalars(select(University))}
    passwords = {(c.university, c.login): c.password for c in CASES}
    assert {(slugs[u], login) for u, login in logins} == set(passwords)
    for (university_id, login), hashed in logins.items():
        assert hasher.verify(hashed, passwords[slugs[university_id], login])


def test_demo_accounts_list_every_case(runtime: Runtime) -> None:
    with pytest.raises(NotFound) as missing:
        demo_accounts(runtime)
    assert missing.value.code == "demo_missing"
    ensure_demo(runtime)
    rows = demo_accounts(runtime, "pl")
    assert [r["login"] for r in rows] == [c.login for c in CASES]
    assert all(r["case"] == c.summary_pl for r, c in zip(rows, CASES, strict=True))
    assert [r["eligible"] for r in rows] == [c.eligible for c in CASES]
    assert sum(r["eligible"] for r in rows) == 5


@pytest.mark.parametrize(
    "moment",
    [
        "2026-10-01T08:00:00+00:00",  # first day of the winter semester
        "2027-02-14T23:30:00+00:00",  # already 15 February in Warsaw: summer begins
        "2027-04-01T10:00:00+00:00",  # the day after the winter validity ends
        "2027-09-30T21:59:00+00:00",  # last minute of the summer semester in Warsaw
        "2027-12-31T12:00:00+00:00",
    ],
)
def test_the_cases_hold_on_any_date(
    moment: str, sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    clock = FixedClock(dt.datetime.fromisoformat(moment))
    runtime = Runtime(Settings(database_url=url, data_dir=tmp_path), engine,
                      session_factory(engine), clock)
    try:
        assert ensure_demo(runtime)
        verify_demo(runtime)
    finally:
        runtime.close()


# generated students


def test_generated_students_match_their_plan(runtime: Runtime) -> None:
    ensure_demo(runtime)
    progress: list[int] = []
    report = generate_students(runtime, 120, seed=7, batch_size=50, on_progress=progress.append)
    assert report.created == 120 and progress == [50, 50, 20]
    assert report.first_album == "300001" and report.last_album == "300120"
    again = generate_students(runtime, 30, university_slug="uw", seed=8)
    assert again.first_album == "300001"
    more = generate_students(runtime, 10, seed=9)
    assert more.first_album == "300121"
    with runtime.sessions() as session:
        studies = session.scalars(
            select(Study).where(Study.album_number >= "300001").order_by(Study.id)
        ).all()
        assert len(studies) == 160
        by_university: dict[int, list[bool]] = {}
        for study in studies:
            result = students.eligibility(session, study, runtime.clock)
            by_university.setdefault(study.university_id, []).append(result.eligible)
            person = session.get(Person, study.person_id)
            assert person is not None and person.pesel
            validate_pesel(person.pesel, birth_date=person.birth_date)
        holograms = session.scalars(select(ElsRenewal.hologram_number)).all()
        assert len(holograms) == len(set(holograms))
        pd = session.scalar(select(University.id).where(University.slug == "pd"))
        assert pd is not None
        logins = session.scalars(
            select(PortalAccount.login).where(PortalAccount.university_id == pd)
        ).all()
        assert "s300001" in logins
    plans = [Plan(p) for p in (report.plans + more.plans).elements()]
    assert sum(by_university[pd]) == expected_eligible(plans, els_linked=True)
    uw_plans = [Plan(p) for p in again.plans.elements()]
    uw_eligible = [e for u, es in by_university.items() if u != pd for e in es]
    assert sum(uw_eligible) == expected_eligible(uw_plans, els_linked=False)


def test_generate_refuses_bad_requests(runtime: Runtime) -> None:
    with pytest.raises(NotFound):
        generate_students(runtime, 5, university_slug="nowhere")
    with pytest.raises(InvalidInput) as error:
        generate_students(runtime, 0)
    assert error.value.code == "invalid_student_count"


# pure helpers


@pytest.mark.parametrize(
    ("birth", "female"),
    [(dt.date(1999, 12, 31), True), (dt.date(2004, 2, 29), False), (dt.date(2008, 1, 1), True)],
)
def test_make_pesel_is_valid_and_encodes_date_and_sex(birth: dt.date, female: bool) -> None:
    for serial in (0, 1, 4, 2500, 4999):
        number = make_pesel(birth, serial, female=female)
        assert validate_pesel(number, birth_date=birth) == number
        assert stdnum_pesel.get_gender(number) == ("F" if female else "M")
    numbers = {make_pesel(birth, s, female=female) for s in range(5000)}
    assert len(numbers) == 5000
    with pytest.raises(ValueError):
        make_pesel(birth, 5000, female=female)


def test_shift_moves_by_semesters() -> None:
    winter = Semester(2026, SemesterKind.WINTER)
    assert shift(winter, 1) == winter.next()
    assert shift(winter, -1) == Semester(2025, SemesterKind.SUMMER)
    assert shift(winter, -2) == Semester(2025, SemesterKind.WINTER)
    assert shift(shift(winter, -5), 5) == winter
    # two semesters back has always expired, whatever the day
    for day in (dt.date(2026, 10, 1), dt.date(2027, 2, 15), dt.date(2027, 9, 30)):
        assert shift(semester_at(day), -2).validity_end < day
        assert semester_at(day).validity_end >= day


def test_portraits_are_deterministic_valid_and_small() -> None:
    first = portrait("x")
    assert portrait("x") == first
    assert portrait("y") != first
    assert photos.check_image(first) == ("image/jpeg", WIDTH, HEIGHT)
    assert photos.check_image(portrait("x", flawed=True))[0] == "image/jpeg"
    assert len(first) < 12_000


def test_the_case_list_is_consistent() -> None:
    keys = [c.key for c in CASES]
    assert len(keys) == len(set(keys))
    for slug in (u.slug for u in UNIVERSITIES):
        mine: list[DemoCase] = [c for c in CASES if c.university == slug]
        assert len({c.login for c in mine}) == len(mine)
        albums = [c.album for c in mine if c.album]
        albums += [c.previous_study.album for c in mine if c.previous_study]
        assert len(albums) == len(set(albums))
    assert all(len(c.password) >= 8 for c in CASES)
    assert all(c.expect_unmet == tuple(dict.fromkeys(c.expect_unmet)) for c in CASES)
    assert {u.policy for u in UNIVERSITIES} == set(Policy)
    known = {code for code, _variant in CHECK_MESSAGES}
    assert all(set(c.expect_unmet) <= known for c in CASES)
