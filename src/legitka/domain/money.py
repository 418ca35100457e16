"""Amounts of money in grosze (1/100 PLN), kept as integers so that sums are exact."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from legitka.domain.errors import InvalidInput


def parse_pln(text: str, *, field: str = "amount") -> int:
    """Parse an amount written as ``22``, ``22.00``, ``22,00`` or ``1 234,50`` into grosze."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    cleaned = cleaned.removesuffix("PLN").removesuffix("zł").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(
            "invalid_amount", f"'{text}' is not an amount of money (write e.g. 22,00).", field=field
        ) from None
    if not value.is_finite():
        raise InvalidInput("invalid_amount", f"'{text}' is not an amount of money.", field=field)
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput(
            "invalid_amount", f"'{text}' has more than two decimal places.", field=field
        )
    return int((value * 100).to_integral_value(ROUND_HALF_UP))


def format_pln(grosze: int) -> str:
    """Format grosze the Polish way: ``22,00 zł``."""
    sign = "-" if grosze < 0 else ""
    whole, cents = divmod(abs(grosze), 100)
    return f"{sign}{whole:,}".replace(",", "\u00a0") + f",{cents:02d} zł"
