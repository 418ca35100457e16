"""Individual account numbers (NRB / IBAN) for paying fees."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legitka.domain.accounts import (
    format_nrb,
    individual_account,
    nrb_check_digits,
    sort_code_check_digit,
    to_iban,
    validate_account,
    validate_prefix,
)
from legitka.domain.errors import InvalidInput

REAL_IBAN = "PL61 1090 1014 0000 0712 1981 2874"
REAL_NRB = "61109010140000071219812874"
PREFIX = "10901014"  # a real sort code (its 8th digit is the check digit)


def iban_is_valid(nrb: str) -> bool:
    """ISO 13616 mod-97, computed here without any library: PL is 25 21."""
    rearranged = nrb[2:] + "2521" + nrb[:2]
    return int(rearranged) % 97 == 1


def sort_code_is_valid(sort_code: str) -> bool:
    weights = (3, 9, 7, 1, 3, 9, 7)
    total = sum(int(d) * w for d, w in zip(sort_code[:7], weights, strict=True))
    return (total + int(sort_code[7])) % 10 == 0


def with_sort_code_check_digit(first_seven: str) -> str:
    for digit in "0123456789":
        if sort_code_is_valid(first_seven + digit):
            return first_seven + digit
    raise AssertionError("unreachable")


prefixes = st.builds(
    lambda seven, client: with_sort_code_check_digit(seven) + client,
    st.text("0123456789", min_size=7, max_size=7),
    st.text("0123456789", min_size=0, max_size=12),
)


def test_the_real_example_is_valid() -> None:
    assert iban_is_valid(REAL_NRB)
    assert validate_account(REAL_IBAN) == REAL_NRB
    assert validate_account(REAL_NRB) == REAL_NRB
    assert validate_account("pl61-1090-1014-0000-0712-1981-2874") == REAL_NRB
    assert to_iban(REAL_NRB) == "PL" + REAL_NRB
    assert format_nrb(REAL_NRB) == "61 1090 1014 0000 0712 1981 2874"
    assert sort_code_check_digit("1090101") == 4
    assert nrb_check_digits(REAL_NRB[2:]) == "61"


def test_an_individual_account_has_the_prefix_and_the_serial() -> None:
    nrb = individual_account("1090 1014 0000 0712", 1981_2874)
    assert nrb == REAL_NRB
    short = individual_account(PREFIX, 7)
    assert short[2:10] == PREFIX
    assert short.endswith("0000000000000007")
    assert len(short) == 26


@given(prefix=prefixes, data=st.data())
def test_individual_accounts_are_always_valid(prefix: str, data: st.DataObject) -> None:
    width = 24 - len(prefix)
    serial = data.draw(st.integers(min_value=0, max_value=10**width - 1))
    nrb = individual_account(prefix, serial)
    assert len(nrb) == 26
    assert nrb.isascii()
    assert nrb.isdigit()
    assert nrb[2 : 2 + len(prefix)] == prefix
    assert int(nrb[2 + len(prefix) :]) == serial
    assert iban_is_valid(nrb)
    assert validate_account(nrb) == nrb
    assert validate_account(format_nrb(nrb)) == nrb
    assert validate_account(to_iban(nrb)) == nrb


@given(prefix=prefixes, serial=st.integers(min_value=0, max_value=9999))
def test_any_single_digit_change_or_adjacent_transposition_is_rejected(
    prefix: str, serial: int
) -> None:
    nrb = individual_account(prefix, serial)
    typos: set[str] = set()
    for position, digit in enumerate(nrb):
        for other in "0123456789":
            if other != digit:
                typos.add(nrb[:position] + other + nrb[position + 1 :])
        if position + 1 < len(nrb) and nrb[position + 1] != digit:
            typos.add(nrb[:position] + nrb[position + 1] + digit + nrb[position + 2 :])
    for typo in typos:
        assert not iban_is_valid(typo)
        with pytest.raises(InvalidInput) as caught:
            validate_account(typo)
        assert caught.value.code == "invalid_account_checksum"
        assert caught.value.field == "account"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "6110901014000007121981287",  # 25 digits
        "611090101400000712198128745",  # 27 digits
        "DE89370400440532013000",  # another country
        "PL61 1090 1014 0000 0712 1981 287X",
        "٦١١٠٩٠١٠١٤٠٠٠٠٠٧١٢١٩٨١٢٨٧٤",  # Arabic-Indic digits
        "²" * 26,  # superscripts: isdigit() is true, int() fails
    ],
)
def test_malformed_accounts_are_format_errors(value: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_account(value, field="iban")
    assert caught.value.code == "invalid_account_format"
    assert caught.value.field == "iban"


@given(prefix=prefixes)
def test_valid_prefixes_are_accepted(prefix: str) -> None:
    assert validate_prefix(prefix) == prefix
    spaced = " ".join(prefix[i : i + 4] for i in range(0, len(prefix), 4))
    assert validate_prefix(spaced) == prefix


@given(prefix=prefixes, delta=st.integers(1, 9))
def test_a_wrong_sort_code_check_digit_is_rejected(prefix: str, delta: int) -> None:
    wrong = prefix[:7] + str((int(prefix[7]) + delta) % 10) + prefix[8:]
    with pytest.raises(InvalidInput) as caught:
        validate_prefix(wrong)
    assert caught.value.code == "invalid_sort_code"
    assert caught.value.field == "account_prefix"
    with pytest.raises(InvalidInput) as caught:
        individual_account(wrong, 1)
    assert caught.value.code == "invalid_sort_code"


@pytest.mark.parametrize(
    "prefix",
    [
        "",
        "1090101",  # 7 digits: no full sort code
        "10901014" + "0" * 13,  # 21 digits: fewer than 4 left for the students
        "1090101A",
        "1090101²",  # a superscript: isdigit() is true, int() fails
        "١٠٩٠١٠١٤",  # Arabic-Indic digits
    ],
)
def test_malformed_prefixes_are_rejected(prefix: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_prefix(prefix)
    assert caught.value.code == "invalid_account_prefix"


def test_the_longest_prefix_leaves_four_digits() -> None:
    prefix = PREFIX + "0" * 12
    assert individual_account(prefix, 9999).endswith("9999")
    with pytest.raises(InvalidInput) as caught:
        individual_account(prefix, 10_000)
    assert caught.value.code == "account_serial_out_of_range"
    assert caught.value.field == "serial"


@pytest.mark.parametrize("serial", [-1, 10**16])
def test_serials_out_of_range_are_rejected(serial: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        individual_account(PREFIX, serial)
    assert caught.value.code == "account_serial_out_of_range"


def test_the_largest_serial_fits() -> None:
    assert individual_account(PREFIX, 10**16 - 1).endswith("9" * 16)


def test_a_boolean_serial_is_a_number() -> None:
    # bool is an int; its digits, never the word "True", go into the account number.
    assert individual_account(PREFIX, True) == individual_account(PREFIX, 1)
