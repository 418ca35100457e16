"""What a parsed bank statement holds, and the shape of an error in one of its records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from legitka.domain.errors import InvalidInput

TITLE_LENGTH = 300
COUNTERPARTY_LENGTH = 300
REFERENCE_LENGTH = 100
NOTHING_IMPORTED = "Nothing was imported: correct the file and import it again."


@dataclass(frozen=True)
class BankTransaction:
    """One incoming transfer: ``account`` is the credited (individual) account, as an NRB."""

    line: int
    booked_on: dt.date
    amount_grosze: int
    account: str | None
    reference: str | None
    title: str | None
    counterparty: str | None


@dataclass(frozen=True)
class SkippedRecord:
    """A statement line that is not an incoming transfer (a debit, a reversal, a zero amount)."""

    line: int
    amount_grosze: int
    reason: str


@dataclass(frozen=True)
class ParsedStatement:
    format: str
    transactions: tuple[BankTransaction, ...]
    skipped: tuple[SkippedRecord, ...]


def record_error(code: str, filename: str, line: int, field: str, why: str) -> InvalidInput:
    """The error for one bad record: file, line, field, why and what to do."""
    return InvalidInput(code, f"{filename}, line {line}: {why} {NOTHING_IMPORTED}", field=field)


def clip(value: str | None, length: int) -> str | None:
    cleaned = " ".join((value or "").split())
    return cleaned[:length] or None


def grosze(amount: Decimal) -> int:
    return int(amount.copy_abs() * 100)
