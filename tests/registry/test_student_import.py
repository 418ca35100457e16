"""Importing students from CSV: all rows or none, every error with its line and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from legitka.domain.errors import InvalidInput
from legitka.domain.fees import ChargeKind, ChargeStatus
from legitka.domain.studies import StudyLevel, StudyStatus
from legitka.registry.db import transaction
from legitka.registry.models import (
    AuditEvent,
    Charge,
    Intake,
    Person,
    Study,
    StudyStatusChange,
)
from legitka.registry.services import els, people, students, universities
from legitka.registry.services.student_import import import_students
from legitka.registry.services.student_import_rows import COLUMNS, Register, check_file
from tests import builders

DATA = Path(__file__).parent.parent / "data" / "students"
HEADER = ",".join(COLUMNS)
DEADLINE = dt.date(2026, 12, 15)
TODAY = dt.date(2026, 11, 22)


def make_pesel(birth: dt.date, serial: int) -> str:
    month = birth.month + {18: 80, 19: 0, 20: 20, 21: 40, 22: 60}[birth.year // 100]
    digits = f"{birth.year % 100:02d}{month:02d}{birth.day:02d}{serial:04d}"
    total = sum(int(d) * w for d, w in zip(digits, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3), strict=True))
    return digits + str((10 - total % 10) % 10)


def row(**changes: str) -> str:
    """A good row in the order of COLUMNS, with some values changed."""
    values = {
        "album_number": "700001", "given_names": "Anna", "family_name": "Kowalska",
        "birth_date": "2005-03-14", "pesel": "05231412341", "email": "anna@example.org",
        "level": "first-cycle", "programme": "Informatyka", "status": "", "status_since": "",
        "started_on": "2026-10-01", "intake": "2026Z", "charge_els_fee": "",
    }  # fmt: skip
    values.update(changes)
    return ",".join(values[c] for c in COLUMNS)


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.fixture
def register(sessions, clock):
    """University pd with intake 2026Z and one student (album 100001, Anna Testowa)."""
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        universities.add_intake(
            s, clock, uni, code="2026Z", starts_on=dt.date(2026, 10, 1), payment_deadline=DEADLINE
        )
        builders.student(s, clock, uni)
    return sessions


def run(sessions, clock, data: bytes, **kwargs: Any):
    with transaction(sessions) as s:
        uni = universities.get_university(s, "pd")
        return import_students(s, clock, uni, "students.csv", data, actor="office:7", **kwargs)


def counts(sessions) -> dict[str, int]:
    with sessions() as s:
        return {
            model.__name__: s.scalar(select(func.count()).select_from(model)) or 0
            for model in (Person, Study, StudyStatusChange, Charge, AuditEvent)
        }


def errors_of(sessions, clock, data: bytes) -> list[tuple[int, str | None, str]]:
    before = counts(sessions)
    with pytest.raises(InvalidInput) as err:
        run(sessions, clock, data)
    assert err.value.code == "student_import_invalid"
    assert counts(sessions) == before, "a rejected file must change nothing"
    return [(e["line"], e["field"], e["code"]) for e in err.value.params["errors"]]


def test_good_file_imports_people_studies_accounts_and_fees(register, clock):
    before = counts(register)
    report = run(register, clock, (DATA / "good.csv").read_bytes())
    assert (len(report.students), report.new_people, report.charges) == (5, 5, 3)
    after = counts(register)
    assert {k: after[k] - before[k] for k in after} == {
        "Person": 5, "Study": 5, "StudyStatusChange": 5, "Charge": 3,
        "AuditEvent": 5 + 5 + 3 + 1,
    }  # fmt: skip
    with register() as s:
        studies = {st.album_number: st for st in s.scalars(select(Study))}
        anna = s.get(Person, studies["300001"].person_id)
        assert (anna.given_names, anna.family_name, anna.pesel) == (
            "Anna Maria", "Kowalska", "05231412341",
        )  # fmt: skip
        assert anna.account_number and anna.account_number[2:14] == builders.ACCOUNT_PREFIX
        charge = s.scalars(select(Charge).where(Charge.person_id == anna.id)).one()
        assert (charge.kind, charge.amount_grosze, charge.status) == (
            ChargeKind.ELS, 2200, ChargeStatus.DUE,
        )  # fmt: skip
        assert charge.due_date == DEADLINE
        assert charge.account_number == anna.account_number
        intake = s.scalars(select(Intake)).one()
        assert studies["300001"].intake_id == intake.id
        olena = s.get(Person, studies["300003"].person_id)
        assert olena.pesel is None and olena.email == "olena@example.org"
        assert studies["300004"].level is StudyLevel.POSTGRADUATE
        assert studies["300005"].status is StudyStatus.ON_LEAVE
        assert studies["300005"].status_since == dt.date(2025, 10, 1)
        charged = set(s.scalars(select(Charge.person_id)))
        assert {studies[a].person_id for a in ("300001", "300002", "300003")} <= charged
        assert not {studies[a].person_id for a in ("300004", "300005")} & charged
        accounts = list(s.scalars(select(Person.account_number)))
        assert len(set(accounts)) == len(accounts)
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "students.imported")).one()
        assert event.actor == "office:7"
        assert event.details["students"] == 5 and event.details["els_fees"] == 3
        for detail in s.scalars(select(AuditEvent.details)):
            assert "05231412341" not in str(detail) and "Kowalska" not in str(detail)


def test_import_writes_what_the_enrolment_services_write(sessions, clock):
    """The bulk write and people.enrol_student + els.charge_card_fee give the same register."""
    with transaction(sessions) as s:
        for slug in ("pd", "pe"):
            uni = builders.university(s, clock, slug=slug)
            intake = universities.add_intake(
                s, clock, uni, code="2026Z", starts_on=dt.date(2026, 10, 1),
                payment_deadline=DEADLINE,
            )  # fmt: skip
        study = people.enrol_student(
            s, clock, uni, given_names="Anna", family_name="Kowalska",
            birth_date=dt.date(2005, 3, 14), pesel="05231412341", email="anna@example.org",
            album_number="700001", level=StudyLevel.FIRST_CYCLE, programme="Informatyka",
            started_on=dt.date(2026, 10, 1), intake=intake, actor="office:7",
        )  # fmt: skip
        els.charge_card_fee(s, clock, study, actor="office:7")
    run(sessions, clock, csv_of(row()))

    def entry(slug: str) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
        with sessions() as s:
            report = students.student_report(s, students.find_study(s, slug, "700001"), clock)
            uni_id = universities.get_university(s, slug).id
            events = s.execute(
                select(AuditEvent.action, AuditEvent.actor, AuditEvent.details).where(
                    AuditEvent.university_id == uni_id,
                    AuditEvent.action.in_(["person.created", "study.created", "charge.created"]),
                )
            ).all()
        for key in ("university",):
            report.pop(key)
        report["person"].pop("account_number")
        for charge in report["charges"]:
            charge.pop("id"), charge.pop("account_number")
        for check in report["els_conditions"]:
            check.pop("message")
        shown = sorted(
            (a, actor, str({k: v for k, v in d.items() if k != "person_id"}))
            for a, actor, d in events
        )
        return report, shown

    assert entry("pd") == entry("pe")


def test_bad_rows_are_all_reported_with_line_column_and_code(register, clock):
    errors = errors_of(register, clock, (DATA / "bad.csv").read_bytes())
    assert errors == [
        (2, "pesel", "invalid_pesel_checksum"),
        (3, "pesel", "pesel_birth_date_mismatch"),
        (4, "birth_date", "invalid_date"),
        (5, "level", "unknown_level"),
        (6, "given_names", "missing_value"),
        (7, "album_number", "duplicate_album_number"),
        (8, "album_number", "album_number_taken"),
        (9, "intake", "unknown_intake"),
        (10, "email", "invalid_email"),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"pesel": "05231412342"}, "pesel", "invalid_pesel_checksum"),
        ({"pesel": "0523141234"}, "pesel", "invalid_pesel_format"),
        ({"pesel": "05231412341", "birth_date": "2005-03-15"}, "pesel",
         "pesel_birth_date_mismatch"),
        ({"birth_date": "14.03.2005"}, "birth_date", "invalid_date"),
        ({"started_on": "2026-13-01"}, "started_on", "invalid_date"),
        ({"level": "bachelor"}, "level", "unknown_level"),
        ({"status": "sleeping"}, "status", "unknown_status"),
        ({"family_name": " "}, "family_name", "missing_value"),
        ({"programme": "x" * 121}, "programme", "value_too_long"),
        ({"album_number": "12 34"}, "album_number", "invalid_album_number"),
        ({"album_number": "100001"}, "album_number", "album_number_taken"),
        ({"intake": "2030L"}, "intake", "unknown_intake"),
        ({"email": "anna@"}, "email", "invalid_email"),
        ({"charge_els_fee": "maybe"}, "charge_els_fee", "invalid_yes_no"),
        ({"level": "postgraduate", "charge_els_fee": "yes"}, "charge_els_fee",
         "els_not_for_level"),
        ({"birth_date": "2027-01-01", "pesel": "", "started_on": "2027-10-01"}, "birth_date",
         "birth_date_in_future"),
        ({"started_on": "2005-03-13"}, "started_on", "started_before_birth"),
        ({"pesel": "02270803624", "birth_date": "2002-07-08"}, "pesel", "pesel_other_person"),
    ],
)  # fmt: skip
def test_each_kind_of_bad_row(register, clock, changes, field, code):
    assert errors_of(
        register, clock, csv_of(row(album_number="700009", pesel=""), row(**changes))
    ) == [(3, field, code)]


def test_messages_say_why_without_repeating_values(register, clock):
    with pytest.raises(InvalidInput) as err:
        run(register, clock, csv_of(row(pesel="05231412342"), row(album_number="7", email="x@")))
    text = err.value.message + str(err.value.params)
    assert "05231412342" not in text and "x@" not in text
    first = err.value.params["errors"][0]
    assert first["message"] == (
        "The PESEL in column pesel has a wrong check digit: check the number for a typo."
    )
    assert err.value.message.startswith("students.csv: 2 errors; nothing was imported.")
    assert "line 2, pesel: The PESEL in column pesel has a wrong check digit" in err.value.message


def test_same_pesel_twice_in_the_file(register, clock):
    data = csv_of(row(), row(album_number="700002"), row(album_number="700003", level="x"))
    assert errors_of(register, clock, data) == [
        (3, "pesel", "duplicate_pesel"),
        (4, "level", "unknown_level"),
        (4, "pesel", "duplicate_pesel"),
    ]


def test_dry_run_reports_and_writes_nothing(register, clock):
    before = counts(register)
    report = run(register, clock, (DATA / "good.csv").read_bytes(), dry_run=True)
    assert report.dry_run and (len(report.students), report.charges) == (5, 3)
    assert report.as_dict()["rows"][0] == {
        "line": 2, "album_number": "300001", "level": "first-cycle", "status": "active",
        "intake": "2026Z", "charge_els_fee": True, "new_person": True,
    }  # fmt: skip
    assert counts(register) == before


def test_foreign_student_without_pesel(register, clock):
    run(register, clock, csv_of(row(pesel="", intake="", charge_els_fee="yes")))
    with register() as s:
        study = students.find_study(s, "pd", "700001")
        assert s.get(Person, study.person_id).pesel is None
        charge = s.scalars(select(Charge).where(Charge.person_id == study.person_id)).one()
        assert charge.due_date is None


def test_semicolons_bom_and_polish_headers(register, clock):
    data = (DATA / "polish_semicolon_bom.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    report = run(register, clock, data)
    assert [(s.album_number, s.programme, s.charge_els_fee) for s in report.students] == [
        ("400001", "Biotechnologia, inżynierska", True),
        ("400002", "Fizyka", False),
    ]
    with register() as s:
        assert s.scalar(select(func.count()).select_from(Charge)) == 1


def test_existing_person_gets_a_second_study(register, clock):
    data = csv_of(
        row(album_number="700002", given_names="Anna", family_name="Testowa",
            birth_date="2002-07-08", pesel="02270803624", level="second-cycle")
    )  # fmt: skip
    report = run(register, clock, data)
    assert report.new_people == 0
    with register() as s:
        first = students.find_study(s, "pd", "100001")
        second = students.find_study(s, "pd", "700002")
        assert first.person_id == second.person_id
        assert s.scalar(select(func.count()).select_from(Person)) == 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (HEADER.replace("family_name,", ""), [(1, "family_name", "missing_column")]),
        (HEADER + ",shoe_size", [(1, "shoe_size", "unknown_column")]),
        (HEADER + ",email", [(1, "email", "duplicate_column")]),
    ],
)
def test_header_errors_name_the_columns(register, clock, header, expected):
    assert errors_of(register, clock, csv_of(row(), header=header)) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [(1, None, "empty_file")]),
        (HEADER.encode() + b"\n", [(2, None, "no_students")]),
        (csv_of(row(), "1,2,3"), [(3, None, "wrong_column_count")]),
        (csv_of(row(), row(album_number="7", family_name="Wójcik")).decode().encode("cp1250"),
         [(3, None, "not_utf8")]),
        (csv_of(row(), '700002,"Jan'), [(3, None, "bad_csv")]),
    ],
)  # fmt: skip
def test_file_errors(register, clock, data, expected):
    assert errors_of(register, clock, data) == expected


def test_empty_rows_are_skipped(register, clock):
    report = run(register, clock, csv_of(row(), "", ",,,,,,,,,,,", row(album_number="7", pesel="")))
    assert [s.line for s in report.students] == [2, 5]


def test_quoted_line_breaks_keep_line_numbers_right(register, clock):
    data = csv_of(
        row(programme='"Informatyka\nstosowana"'), row(album_number="7", pesel="", level="x")
    )
    assert errors_of(register, clock, data) == [(4, "level", "unknown_level")]


def test_many_rows_in_batches_with_progress(register, clock):
    lines = []
    for i in range(1203):
        birth = dt.date(2000, 1, 1) + dt.timedelta(days=i)
        lines.append(row(album_number=str(800000 + i), birth_date=birth.isoformat(),
                         pesel=make_pesel(birth, i), email=""))  # fmt: skip
    seen: list[tuple[int, int]] = []
    report = run(register, clock, csv_of(*lines), progress=lambda d, t: seen.append((d, t)))
    assert report.charges == 1203
    assert seen[-1] == (2406, 2406)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    with register() as s:
        assert s.scalar(select(func.count()).select_from(Study)) == 1204
        accounts = list(s.scalars(select(Person.account_number)))
        assert len(set(accounts)) == 1204 and None not in accounts


# Pure checks, without a database.

EMPTY = Register(albums=frozenset(), people={}, intakes=frozenset({"2026Z"}), today=TODAY)
NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyząćęłńóśźżĄĆĘŁŃÓŚŹŻ -'", min_size=1,
                max_size=40).filter(lambda s: s.strip())  # fmt: skip


@given(st.binary(max_size=2000))
def test_any_bytes_give_rows_or_coded_errors(data):
    rows, errors = check_file(data, EMPTY)
    assert rows or errors
    for error in errors:
        assert error.line >= 1 and error.message()


@st.composite
def students_files(draw):
    count = draw(st.integers(1, 15))
    births = draw(st.lists(st.dates(dt.date(1950, 1, 1), dt.date(2010, 12, 31)),
                           min_size=count, max_size=count))  # fmt: skip
    people = [
        {
            "album_number": str(100 + i),
            "given_names": " ".join(draw(NAMES).split()),
            "family_name": " ".join(draw(NAMES).split()),
            "birth_date": birth.isoformat(),
            "pesel": draw(st.sampled_from(["", make_pesel(birth, i)])),
            "level": draw(st.sampled_from(list(StudyLevel))).value,
            "programme": "Informatyka, inżynierska",
            "started_on": "2026-10-01",
            "intake": draw(st.sampled_from(["", "2026Z"])),
        }
        for i, birth in enumerate(births)
    ]
    delimiter = draw(st.sampled_from([",", ";"]))
    columns = draw(st.permutations(list(people[0])))

    def quote(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if {delimiter, '"'} & set(value) else value

    text = "\r\n".join(
        [delimiter.join(columns)] + [delimiter.join(quote(p[c]) for c in columns) for p in people]
    )
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return people, bom + text.encode()


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(students_files())
def test_generated_files_read_back_exactly(case):
    people, data = case
    rows, errors = check_file(data, EMPTY)
    assert errors == []
    assert [(r.album_number, r.given_names, r.family_name, r.birth_date.isoformat(),
             r.pesel or "", r.level.value, r.intake or "") for r in rows] == [
        (p["album_number"], p["given_names"], p["family_name"], p["birth_date"], p["pesel"],
         p["level"], p["intake"]) for p in people
    ]  # fmt: skip
    assert all(r.charge_els_fee == (r.level is not StudyLevel.POSTGRADUATE) for r in rows)


@given(st.dates(dt.date(1900, 1, 1), dt.date(2010, 12, 31)), st.integers(0, 9999),
       st.integers(0, 10), st.integers(1, 9))  # fmt: skip
def test_a_pesel_with_one_wrong_digit_is_never_accepted(birth, serial, position, delta):
    pesel = make_pesel(birth, serial)
    wrong = pesel[:position] + str((int(pesel[position]) + delta) % 10) + pesel[position + 1 :]
    data = csv_of(row(pesel=wrong, birth_date=birth.isoformat(), started_on="2026-10-01"))
    _, errors = check_file(data, EMPTY)
    assert [(e.line, e.field) for e in errors] == [(2, "pesel")]
    assert errors[0].code in {"invalid_pesel_checksum", "invalid_pesel_date",
                              "pesel_birth_date_mismatch"}  # fmt: skip
