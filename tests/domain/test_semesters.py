"""Semesters, card validity dates and hologram numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legitka.domain.errors import InvalidInput
from legitka.domain.semesters import (
    EMERGENCY_EXTENSION_DAYS,
    MAX_YEAR,
    MIN_YEAR,
    Semester,
    SemesterKind,
    effective_validity,
    hologram_number,
    semester_at,
    validate_hologram,
)

days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2300, 12, 31))
semesters = st.builds(
    Semester, st.integers(min_value=MIN_YEAR, max_value=MAX_YEAR), st.sampled_from(SemesterKind)
)

WINTER_2026 = Semester(2026, SemesterKind.WINTER)
SUMMER_2026 = Semester(2026, SemesterKind.SUMMER)


@given(day=days)
def test_the_semester_at_a_day_contains_it(day: dt.date) -> None:
    semester = semester_at(day)
    assert semester.starts_on <= day < semester.next().starts_on


@given(day=days)
def test_the_validity_ends_on_31_march_or_31_october_after_the_start(day: dt.date) -> None:
    semester = semester_at(day)
    end = semester.validity_end
    assert (end.month, end.day) in {(3, 31), (10, 31)}
    assert end > semester.starts_on
    # The card stays valid past the semester's end, until the next renewal is due.
    assert end >= semester.next().starts_on


@given(semester=semesters)
def test_codes_round_trip(semester: Semester) -> None:
    assert Semester.parse(semester.code) == semester
    assert Semester.parse(semester.code.lower()) == semester
    assert Semester.parse(f"  {semester.code} ") == semester


@given(semester=semesters)
def test_semesters_alternate_and_are_ordered(semester: Semester) -> None:
    following = semester.next()
    assert following.kind is not semester.kind
    assert following.starts_on > semester.starts_on
    if semester.year < MAX_YEAR:
        assert following.next().starts_on > following.starts_on
        assert following.next().year == semester.year + 1


@given(first=semesters, second=semesters)
def test_semesters_compare_in_time_order(first: Semester, second: Semester) -> None:
    assert (first < second) == (first.starts_on < second.starts_on)
    assert (first <= second) == (first.starts_on <= second.starts_on)
    assert (first > second) == (first.starts_on > second.starts_on)
    assert (first == second) == (first.starts_on == second.starts_on)


def test_semesters_sort_in_time_order() -> None:
    codes = ["2027Z", "2026L", "2026Z", "2025L"]
    assert [s.code for s in sorted(map(Semester.parse, codes))] == sorted(
        codes, key=lambda c: Semester.parse(c).starts_on
    )
    assert max(map(Semester.parse, ["2026Z", "2026L"])).code == "2026L"


def test_semesters_do_not_compare_with_other_things() -> None:
    with pytest.raises(TypeError):
        assert WINTER_2026 < "2026L"


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (dt.date(2026, 9, 30), "2025L"),
        (dt.date(2026, 10, 1), "2026Z"),
        (dt.date(2026, 11, 22), "2026Z"),
        (dt.date(2026, 12, 31), "2026Z"),
        (dt.date(2027, 1, 1), "2026Z"),
        (dt.date(2027, 2, 14), "2026Z"),
        (dt.date(2027, 2, 15), "2026L"),
        (dt.date(2027, 6, 30), "2026L"),
    ],
)
def test_semester_boundaries(day: dt.date, code: str) -> None:
    assert semester_at(day).code == code


def test_winter_and_summer_dates() -> None:
    assert WINTER_2026.code == "2026Z"
    assert WINTER_2026.starts_on == dt.date(2026, 10, 1)
    assert WINTER_2026.validity_end == dt.date(2027, 3, 31)
    assert WINTER_2026.next() == SUMMER_2026
    assert SUMMER_2026.code == "2026L"
    assert SUMMER_2026.starts_on == dt.date(2027, 2, 15)
    assert SUMMER_2026.validity_end == dt.date(2027, 10, 31)
    assert SUMMER_2026.next() == Semester(2027, SemesterKind.WINTER)
    assert WINTER_2026 < SUMMER_2026 < SUMMER_2026.next()


@pytest.mark.parametrize(
    "code",
    [
        "",
        "2026",
        "2026X",
        "26Z",
        "20260Z",
        "2026 Z",
        "Z2026",
        "٢٠٢٦Z",
        "0000Z",
        "0999L",
        "9998Z",
        "9999L",
    ],
)
def test_bad_semester_codes_are_rejected(code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Semester.parse(code, field="semester_code")
    assert caught.value.code == "invalid_semester"
    assert caught.value.field == "semester_code"


def test_the_emergency_extension_adds_days() -> None:
    assert EMERGENCY_EXTENSION_DAYS == 60
    end = dt.date(2027, 3, 31)
    assert effective_validity(end) == end
    assert effective_validity(end, EMERGENCY_EXTENSION_DAYS) == dt.date(2027, 5, 30)


# Hologram numbers


@pytest.mark.parametrize(
    ("code", "serial", "number"),
    [("123", 0, "12300000"), ("123", 42, "12300042"), ("007", 99_999, "00799999")],
)
def test_hologram_numbers(code: str, serial: int, number: str) -> None:
    assert hologram_number(code, serial) == number
    assert validate_hologram(number, code) == number


@pytest.mark.parametrize("code", ["", "12", "1234", "12a", "١٢٣"])
def test_the_university_code_has_three_digits(code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        hologram_number(code, 1)
    assert caught.value.code == "invalid_hologram_code"
    assert caught.value.field == "hologram_code"


@pytest.mark.parametrize("serial", [-1, 100_000])
def test_the_serial_has_five_digits(serial: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        hologram_number("123", serial)
    assert caught.value.code == "hologram_serial_out_of_range"
    assert caught.value.field == "serial"


def test_hologram_separators_are_ignored() -> None:
    assert validate_hologram("123 00042", "123") == "12300042"
    assert validate_hologram("123-00042", "123") == "12300042"


@pytest.mark.parametrize("number", ["", "1230004", "123000421", "123OOO42", "١٢٣٠٠٠٤٢"])
def test_malformed_holograms_are_rejected(number: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_hologram(number, "123")
    assert caught.value.code == "invalid_hologram"
    assert caught.value.field == "hologram"


def test_a_hologram_of_another_university_is_rejected() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_hologram("45600042", "123", field="sticker")
    assert caught.value.code == "hologram_wrong_university"
    assert caught.value.field == "sticker"
    assert "456" in caught.value.message
