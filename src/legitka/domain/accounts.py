"""Individual bank account numbers (Polish NRB / IBAN ``PLkk…``) for paying fees.

Each student gets a virtual account: the university's prefix (the bank's 8-digit sort code and the
university's client number) followed by a serial that identifies the student. A transfer to that
account settles that student's fees.
"""

from __future__ import annotations

from stdnum import iban as stdnum_iban

from legitka.domain.errors import InvalidInput

NRB_LENGTH = 26
_BBAN_LENGTH = 24
_SORT_CODE_WEIGHTS = (3, 9, 7, 1, 3, 9, 7)
MIN_SERIAL_DIGITS = 4


def sort_code_check_digit(first_seven: str) -> int:
    """The check digit (8th digit) of a Polish bank sort code."""
    total = sum(int(d) * w for d, w in zip(first_seven, _SORT_CODE_WEIGHTS, strict=True))
    return (10 - total % 10) % 10


def nrb_check_digits(bban: str) -> str:
    """The two IBAN check digits for a Polish 24-digit BBAN."""
    return str(stdnum_iban.calc_check_digits("PL00" + bban))


def _ascii_digits(text: str) -> bool:
    # str.isdigit() also accepts other scripts' digits and superscripts, which int() rejects
    return text.isascii() and text.isdigit()


def validate_prefix(prefix: str, *, field: str = "account_prefix") -> str:
    """Check a university's account prefix: a valid sort code plus client digits."""
    compact = prefix.replace(" ", "")
    if not _ascii_digits(compact) or not 8 <= len(compact) <= _BBAN_LENGTH - MIN_SERIAL_DIGITS:
        raise InvalidInput(
            "invalid_account_prefix",
            f"The account prefix must be 8 to {_BBAN_LENGTH - MIN_SERIAL_DIGITS} digits "
            "(the bank sort code and the university's client number).",
            field=field,
        )
    if sort_code_check_digit(compact[:7]) != int(compact[7]):
        raise InvalidInput(
            "invalid_sort_code",
            f"The bank sort code {compact[:8]} has a wrong check digit: check it with the bank.",
            field=field,
        )
    return compact


def individual_account(prefix: str, serial: int) -> str:
    """The student's individual account (26-digit NRB) for the given serial number."""
    compact = validate_prefix(prefix)
    width = _BBAN_LENGTH - len(compact)
    if serial < 0 or serial >= 10**width:
        raise InvalidInput(
            "account_serial_out_of_range",
            f"Serial {serial} does not fit the {width} digits the prefix leaves for students.",
            field="serial",
        )
    bban = compact + f"{serial:0{width}d}"
    return nrb_check_digits(bban) + bban


def validate_account(value: str, *, field: str = "account") -> str:
    """Return the 26-digit NRB for an NRB or a ``PL`` IBAN, or raise saying what is wrong."""
    compact = value.replace(" ", "").replace("-", "").upper()
    compact = compact.removeprefix("PL")
    if not _ascii_digits(compact) or len(compact) != NRB_LENGTH:
        raise InvalidInput(
            "invalid_account_format",
            f"A Polish account number has 26 digits (optionally after PL); got '{value}'.",
            field=field,
        )
    if not stdnum_iban.is_valid("PL" + compact):
        raise InvalidInput(
            "invalid_account_checksum",
            f"The check digits of account number '{value}' are wrong: check it for a typo.",
            field=field,
        )
    return compact


def format_nrb(nrb: str) -> str:
    """``61 1090 1014 0000 0712 1981 2874``: the form printed in bank apps and on invoices."""
    return nrb[:2] + " " + " ".join(nrb[i : i + 4] for i in range(2, NRB_LENGTH, 4))


def to_iban(nrb: str) -> str:
    return "PL" + nrb
