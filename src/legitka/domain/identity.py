"""PESEL numbers and personal-data fingerprints."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass

from stdnum.pl import pesel as stdnum_pesel

from legitka.domain.errors import InvalidInput


def validate_pesel(value: str, *, birth_date: dt.date | None = None, field: str = "pesel") -> str:
    """Return the PESEL in compact form or raise :class:`InvalidInput` saying why it is wrong.

    When ``birth_date`` is given the PESEL must encode that date.
    """
    number = stdnum_pesel.compact(value)
    if len(number) != 11:
        raise InvalidInput(
            "invalid_pesel_format",
            f"A PESEL has exactly 11 digits; got {len(number)} characters.",
            field=field,
        )
    if not _ascii_digits(number):
        raise InvalidInput(
            "invalid_pesel_format",
            "A PESEL has only the digits 0-9; remove any letters or other characters.",
            field=field,
        )
    try:
        stdnum_pesel.validate(number)
    except stdnum_pesel.InvalidChecksum:
        raise InvalidInput(
            "invalid_pesel_checksum",
            "The PESEL check digit is wrong: check the number for a typo.",
            field=field,
        ) from None
    except stdnum_pesel.ValidationError:
        raise InvalidInput(
            "invalid_pesel_date",
            "The PESEL does not encode a real date of birth: check the first six digits.",
            field=field,
        ) from None
    if birth_date is not None:
        encoded = pesel_birth_date(number)
        if encoded != birth_date:
            raise InvalidInput(
                "pesel_birth_date_mismatch",
                f"The PESEL encodes the birth date {encoded.isoformat()}, "
                f"but the birth date given is {birth_date.isoformat()}.",
                field=field,
            )
    return str(number)


def _ascii_digits(text: str) -> bool:
    # str.isdigit() also accepts other scripts' digits and superscripts, which int() rejects
    return text.isascii() and text.isdigit()


def pesel_birth_date(number: str) -> dt.date:
    """The date of birth a valid PESEL encodes."""
    result: dt.date = stdnum_pesel.get_birth_date(number)
    return result


@dataclass(frozen=True)
class PersonalData:
    """The data printed on the ELS card; a change to any of it needs a new card (R6)."""

    given_names: str
    family_name: str
    birth_date: dt.date
    pesel: str | None

    def fingerprint(self) -> str:
        """A stable hash of the card data, stored with the card at issue.

        Comparing it with the current data tells whether the data changed since the card was
        issued, without keeping a copy of the old data.
        """

        def norm(text: str) -> str:
            return " ".join(unicodedata.normalize("NFC", text).split()).casefold()

        payload = "\x1f".join(
            [
                norm(self.given_names),
                norm(self.family_name),
                self.birth_date.isoformat(),
                self.pesel or "",
            ]
        )
        return hashlib.sha256(payload.encode()).hexdigest()
