"""PESEL validation and personal-data fingerprints."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legitka.domain.errors import InvalidInput
from legitka.domain.identity import PersonalData, pesel_birth_date, validate_pesel

WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
# Century of the birth year → what the PESEL adds to the month.
MONTH_OFFSET = {18: 80, 19: 0, 20: 20, 21: 40, 22: 60}


def check_digit(first_ten: str) -> str:
    total = sum(int(d) * w for d, w in zip(first_ten, WEIGHTS, strict=True))
    return str((10 - total % 10) % 10)


def make_pesel(born: dt.date, serial: int) -> str:
    month = born.month + MONTH_OFFSET[born.year // 100]
    first_ten = f"{born.year % 100:02d}{month:02d}{born.day:02d}{serial:04d}"
    return first_ten + check_digit(first_ten)


birth_dates = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2299, 12, 31))
serials = st.integers(min_value=0, max_value=9999)


def test_a_known_pesel_is_valid() -> None:
    # The check digit computed here agrees with the number's own last digit.
    assert check_digit("4405140135") == "9"
    assert validate_pesel("44051401359") == "44051401359"
    assert pesel_birth_date("44051401359") == dt.date(1944, 5, 14)


@given(born=birth_dates, serial=serials)
def test_valid_pesels_are_accepted_and_encode_the_birth_date(born: dt.date, serial: int) -> None:
    number = make_pesel(born, serial)
    assert validate_pesel(number) == number
    assert validate_pesel(number, birth_date=born) == number
    assert pesel_birth_date(number) == born


@pytest.mark.parametrize(
    ("born", "month_digits"),
    [
        (dt.date(1800, 1, 1), "81"),
        (dt.date(1899, 12, 31), "92"),
        (dt.date(1900, 1, 1), "01"),
        (dt.date(2000, 2, 29), "22"),
        (dt.date(2100, 6, 1), "46"),
        (dt.date(2299, 12, 31), "72"),
    ],
)
def test_each_century_has_its_month_encoding(born: dt.date, month_digits: str) -> None:
    number = make_pesel(born, 1234)
    assert number[2:4] == month_digits
    assert pesel_birth_date(validate_pesel(number)) == born


@given(born=birth_dates, serial=serials, position=st.integers(0, 10), delta=st.integers(1, 9))
def test_any_single_digit_change_is_rejected(
    born: dt.date, serial: int, position: int, delta: int
) -> None:
    number = make_pesel(born, serial)
    changed = str((int(number[position]) + delta) % 10)
    typo = number[:position] + changed + number[position + 1 :]
    with pytest.raises(InvalidInput) as caught:
        validate_pesel(typo)
    # Every weight is prime to 10, so a changed digit always changes the check sum.
    assert caught.value.code == "invalid_pesel_checksum"
    assert caught.value.field == "pesel"


@pytest.mark.parametrize("value", ["", "4405140135", "440514013590", "4405140135X", "abcdefghijk"])
def test_wrong_length_or_characters_is_a_format_error(value: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_pesel(value)
    assert caught.value.code == "invalid_pesel_format"
    assert caught.value.field == "pesel"
    assert caught.value.status == 422


@pytest.mark.parametrize(
    "value",
    [
        "٤٤٠٥١٤٠١٣٥٩",  # Arabic-Indic digits: isdigit() is true for them
        "44051401³59",  # a superscript digit: isdigit() is true, int() fails
    ],
)
def test_digits_of_other_scripts_are_a_format_error(value: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_pesel(value)
    assert caught.value.code == "invalid_pesel_format"


def test_separators_and_surrounding_spaces_are_ignored() -> None:
    assert validate_pesel(" 440514-01359 ") == "44051401359"
    assert validate_pesel("440514 01359") == "44051401359"


def test_fullwidth_digits_are_normalised() -> None:
    assert validate_pesel("４４０５１４０１３５９") == "44051401359"


@pytest.mark.parametrize(
    "first_ten",
    [
        "4413140135",  # month 13
        "4402300135",  # 30 February 1944
        "0102290135",  # 29 February 1901 (not a leap year)
        "4499010135",  # month 99: 19 in the 1800s
        "4405320135",  # day 32
        "4405000135",  # day 0
    ],
)
def test_a_correct_checksum_with_an_impossible_date_is_a_date_error(first_ten: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_pesel(first_ten + check_digit(first_ten))
    assert caught.value.code == "invalid_pesel_date"
    assert caught.value.field == "pesel"


def test_the_birth_date_given_must_match() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_pesel("44051401359", birth_date=dt.date(1944, 5, 15))
    assert caught.value.code == "pesel_birth_date_mismatch"
    assert caught.value.field == "pesel"
    assert "1944-05-14" in caught.value.message
    assert "1944-05-15" in caught.value.message


@given(born=birth_dates, other=birth_dates, serial=serials)
def test_any_other_birth_date_is_a_mismatch(born: dt.date, other: dt.date, serial: int) -> None:
    if other == born:
        return
    with pytest.raises(InvalidInput) as caught:
        validate_pesel(make_pesel(born, serial), birth_date=other)
    assert caught.value.code == "pesel_birth_date_mismatch"


def test_the_field_name_is_the_callers() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_pesel("123", field="students[3].pesel")
    assert caught.value.field == "students[3].pesel"
    assert str(caught.value).startswith("students[3].pesel: ")


# Personal data fingerprints


def person(**changes: object) -> PersonalData:
    data: dict[str, object] = {
        "given_names": "Anna Maria",
        "family_name": "Kowalska-Nowak",
        "birth_date": dt.date(2003, 4, 5),
        "pesel": "03240512345",
    }
    data.update(changes)
    return PersonalData(**data)  # type: ignore[arg-type]


def test_the_fingerprint_is_stable_and_hides_the_data() -> None:
    fingerprint = person().fingerprint()
    assert fingerprint == person().fingerprint()
    assert len(fingerprint) == 64
    assert int(fingerprint, 16) >= 0
    assert "Kowalska" not in fingerprint
    assert "03240512345" not in fingerprint


@pytest.mark.parametrize(
    "same",
    [
        {"given_names": "  Anna   Maria "},
        {"given_names": "ANNA MARIA"},
        {"family_name": "kowalska-nowak"},
        {"given_names": "Anna\tMaria"},
    ],
)
def test_case_and_spacing_do_not_change_the_fingerprint(same: dict[str, object]) -> None:
    assert person(**same).fingerprint() == person().fingerprint()


def test_unicode_normalisation_does_not_change_the_fingerprint() -> None:
    composed = person(family_name="Żółć")
    decomposed = person(family_name="Z\u0307o\u0301ł\u0107".replace("\u0107", "c\u0301"))
    assert composed.fingerprint() == decomposed.fingerprint()


@pytest.mark.parametrize(
    "changed",
    [
        {"given_names": "Anna"},
        {"family_name": "Kowalska"},
        {"family_name": "Kowalska Nowak"},
        {"birth_date": dt.date(2003, 4, 6)},
        {"pesel": "03240512346"},
        {"pesel": None},
    ],
)
def test_any_change_of_card_data_changes_the_fingerprint(changed: dict[str, object]) -> None:
    assert person(**changed).fingerprint() != person().fingerprint()


def test_fields_cannot_run_into_each_other() -> None:
    one = person(given_names="Anna", family_name="Maria Kowalska")
    other = person(given_names="Anna Maria", family_name="Kowalska")
    assert one.fingerprint() != other.fingerprint()
