"""Parsing and formatting amounts in złoty."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legitka.domain.errors import InvalidInput
from legitka.domain.money import MAX_GROSZE, format_pln, parse_pln

NBSP = "\u00a0"
amounts = st.integers(min_value=-MAX_GROSZE, max_value=MAX_GROSZE)


@pytest.mark.parametrize(
    ("text", "grosze"),
    [
        ("22", 2200),
        ("22.00", 2200),
        ("22,00", 2200),
        ("22,5", 2250),
        ("0,01", 1),
        (",50", 50),
        ("22.", 2200),
        ("22,000", 2200),
        ("1 234,50", 123450),
        (f"1{NBSP}234,50{NBSP}zł", 123450),
        ("22 zł", 2200),
        ("22,00 PLN", 2200),
        ("22 pln", 2200),
        ("22 ZŁ", 2200),
        ("  33,00  ", 3300),
        ("+5", 500),
        ("-5,25", -525),
        ("0", 0),
        ("007", 700),
        ("21 474 836,47", MAX_GROSZE),
    ],
)
def test_amounts_are_parsed_into_grosze(text: str, grosze: int) -> None:
    assert parse_pln(text) == grosze


@pytest.mark.parametrize(
    ("grosze", "text"),
    [
        (2200, "22,00 zł"),
        (3300, "33,00 zł"),
        (0, "0,00 zł"),
        (5, "0,05 zł"),
        (123450, f"1{NBSP}234,50 zł"),
        (123456789, f"1{NBSP}234{NBSP}567,89 zł"),
        (-50, "-0,50 zł"),
        (-123450, f"-1{NBSP}234,50 zł"),
    ],
)
def test_amounts_are_formatted_the_polish_way(grosze: int, text: str) -> None:
    assert format_pln(grosze) == text


@given(grosze=amounts)
def test_format_and_parse_round_trip(grosze: int) -> None:
    assert parse_pln(format_pln(grosze)) == grosze


@given(grosze=st.integers(min_value=0, max_value=MAX_GROSZE))
def test_plain_decimal_notation_round_trips(grosze: int) -> None:
    whole, cents = divmod(grosze, 100)
    assert parse_pln(f"{whole}.{cents:02d}") == grosze
    assert parse_pln(f"{whole},{cents:02d}") == grosze


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "zł",
        "abc",
        ".",
        "-",
        "1,2,3",
        "1.234,50",
        "22 euro",
        "--5",
        "NaN",
        "Infinity",
        "1e3",  # scientific notation is no way to write money
        "1_000",
        "٢٢",  # Arabic-Indic digits
        "2²",  # a superscript
    ],
)
def test_non_amounts_are_rejected(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_pln(text, field="payments[2].amount")
    assert caught.value.code == "invalid_amount"
    assert caught.value.field == "payments[2].amount"
    assert "is not an amount of money" in caught.value.message


@pytest.mark.parametrize("text", ["22,001", "0,005", "1,999"])
def test_more_than_two_decimal_places_are_rejected(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_pln(text)
    assert caught.value.code == "invalid_amount"
    assert "more than two decimal places" in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        "21 474 836,48",
        "1e30",
        "1" * 40,  # used to escape as decimal.InvalidOperation
        "9" * 5000,  # int() refuses strings this long
    ],
)
def test_amounts_too_large_to_record_are_rejected(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_pln(text)
    assert caught.value.code == "invalid_amount"


@given(text=st.text(max_size=30))
def test_any_text_is_an_amount_or_a_coded_error(text: str) -> None:
    codes: list[str] = []
    try:
        grosze = parse_pln(text)
    except InvalidInput as error:
        codes.append(error.code)
    else:
        assert -MAX_GROSZE <= grosze <= MAX_GROSZE
    assert codes in ([], ["invalid_amount"])
