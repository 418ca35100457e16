"""Amounts of money in grosze (1/100 PLN), kept as integers so that sums are exact."""

from __future__ import annotations

import re

from legitka.domain.errors import InvalidInput

# The largest amount the register stores (a 32-bit integer column of grosze): 21 474 836,47 zł.
MAX_GROSZE = 2**31 - 1

_AMOUNT = re.compile(r"(?P<sign>[+-]?)(?P<whole>[0-9]*)(?:\.(?P<fraction>[0-9]*))?")
_CURRENCY_SUFFIXES = ("pln", "zł", "zl")


def parse_pln(text: str, *, field: str = "amount") -> int:
    """Parse an amount written as ``22``, ``22.00``, ``22,00`` or ``1 234,50`` into grosze."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    for suffix in _CURRENCY_SUFFIXES:
        if cleaned.casefold().endswith(suffix):
            cleaned = cleaned[: -len(suffix)]
            break
    match = _AMOUNT.fullmatch(cleaned)
    if not match or not (match["whole"] or match["fraction"]):
        raise InvalidInput(
            "invalid_amount", f"'{text}' is not an amount of money (write e.g. 22,00).", field=field
        )
    fraction = (match["fraction"] or "").rstrip("0")
    if len(fraction) > 2:
        raise InvalidInput(
            "invalid_amount", f"'{text}' has more than two decimal places.", field=field
        )
    whole = match["whole"].lstrip("0")
    # a length check first: int() refuses strings of thousands of digits
    grosze = MAX_GROSZE + 1 if len(whole) > 12 else int(whole or "0") * 100
    grosze += int(fraction.ljust(2, "0"))
    if grosze > MAX_GROSZE:
        raise InvalidInput(
            "invalid_amount",
            f"'{text}' is more than the largest amount legitka records ({format_pln(MAX_GROSZE)}).",
            field=field,
        )
    return -grosze if match["sign"] == "-" else grosze


def format_pln(grosze: int) -> str:
    """Format grosze the Polish way: ``22,00 zł``."""
    sign = "-" if grosze < 0 else ""
    whole, cents = divmod(abs(grosze), 100)
    return f"{sign}{whole:,}".replace(",", "\u00a0") + f",{cents:02d} zł"
