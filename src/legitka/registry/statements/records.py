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


class RecordError(InvalidInput):
    """One bad record: ``line`` and ``why`` kept apart for lists of errors (the console's)."""

    def __init__(self, code: str, filename: str, line: int, field: str, why: str) -> None:
        super().__init__(code, f"{filename}, line {line}: {why} {NOTHING_IMPORTED}", field=field)
        self.line = line
        self.why = why


class StatementErrors(InvalidInput):
    """Every bad record of a statement, in the order of their lines.

    Its code, field and message are the first error's (what the command line prints); ``errors``
    lists them all, so that the dean's office corrects the file in one go.
    """

    def __init__(self, errors: list[RecordError]) -> None:
        first = errors[0]
        super().__init__(first.code, first.message, field=first.field)
        self.errors = tuple(sorted(errors, key=lambda e: e.line))


def record_error(code: str, filename: str, line: int, field: str, why: str) -> RecordError:
    """The error for one bad record: file, line, field, why and what to do."""
    return RecordError(code, filename, line, field, why)


def raise_collected(errors: list[RecordError]) -> None:
    """Raise :class:`StatementErrors` when any record was bad."""
    if errors:
        raise StatementErrors(errors)


def clip(value: str | None, length: int) -> str | None:
    cleaned = " ".join((value or "").split())
    return cleaned[:length] or None


def grosze(amount: Decimal) -> int:
    return int(amount.copy_abs() * 100)
