"""Reading bank statements (MT940 and CSV) into the incoming transfers they list.

Pure functions from the file's bytes to :class:`ParsedStatement`: credits become
:class:`BankTransaction` (the credited account is the student's individual account); debits,
reversals and zero amounts are skipped and counted. Bad records raise a coded
:class:`InvalidInput` naming the file, the line and the field, so that nothing is imported from a
file with a mistake in it: :class:`StatementErrors` lists every bad record when there are
several. ``docs/payments.md`` documents both formats.
"""

from __future__ import annotations

from legitka.domain.errors import InvalidInput
from legitka.registry.statements.csv_format import CSV_COLUMNS, header_names, parse_csv
from legitka.registry.statements.mt940_format import parse_mt940, subfields
from legitka.registry.statements.records import (
    BankTransaction,
    ParsedStatement,
    RecordError,
    SkippedRecord,
    StatementErrors,
    record_error,
)

__all__ = [
    "FORMATS",
    "MAX_STATEMENT_BYTES",
    "BankTransaction",
    "ParsedStatement",
    "RecordError",
    "SkippedRecord",
    "StatementErrors",
    "decode",
    "detect_format",
    "parse_csv",
    "parse_mt940",
    "parse_statement",
    "record_error",
    "subfields",
]

FORMATS = ("mt940", "csv")
MAX_STATEMENT_BYTES = 20 * 1024 * 1024

_POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
_LEGACY_ENCODINGS = ("cp1250", "iso-8859-2", "cp852")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); otherwise the Polish legacy code page that reads best."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        candidates = []
        for encoding in _LEGACY_ENCODINGS:
            try:
                decoded = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            candidates.append((sum(ch in _POLISH_LETTERS for ch in decoded), decoded))
        # cp852 decodes every byte, so there is always a candidate; ties keep the first
        text = max(candidates, key=lambda c: c[0])[1]
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def detect_format(text: str, filename: str) -> str:
    """``mt940`` or ``csv``, from the content (never from the file name)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()][:20]
    if not lines:
        raise InvalidInput(
            "empty_statement", f"{filename} is empty: export the statement again.", field="file"
        )
    if lines[0].startswith("{1:") or any(line.startswith((":20:", ":61:")) for line in lines):
        return "mt940"
    if "\x00" not in text and any(sep in lines[0] for sep in ",;\t"):
        known = {alias for aliases in CSV_COLUMNS.values() for alias in aliases}
        if known.intersection(header_names(lines[0])):
            return "csv"
    raise InvalidInput(
        "unknown_statement_format",
        f"{filename} is not a bank statement legitka can read: expected MT940 (lines starting "
        ":20:, :25:, :61:, :86:) or CSV with a header row (booked_on, amount, account, title, "
        "counterparty, reference). Export the statement from the bank in one of these formats.",
        field="file",
    )


def parse_statement(
    data: bytes, filename: str, *, format: str = "auto", account_prefix: str | None = None
) -> ParsedStatement:
    """Read a statement file; ``account_prefix`` (the university's) picks the credited account.

    Raises :class:`InvalidInput` for an unknown format or any bad record: all or nothing.
    """
    if format not in ("auto", *FORMATS):
        raise InvalidInput(
            "unknown_statement_format",
            f"Unknown statement format '{format}': use auto, mt940 or csv.",
            field="format",
        )
    if len(data) > MAX_STATEMENT_BYTES:
        raise InvalidInput(
            "statement_too_large",
            f"{filename} is larger than {MAX_STATEMENT_BYTES // (1024 * 1024)} MB: "
            "export a shorter period.",
            field="file",
        )
    text = decode(data)
    kind = detect_format(text, filename) if format == "auto" else format
    if kind == "mt940":
        return parse_mt940(text, filename, account_prefix=account_prefix)
    return parse_csv(text, filename)
