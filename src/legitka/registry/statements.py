"""Reading bank statements (MT940 and CSV) into the incoming transfers they list.

Pure functions from the file's bytes to :class:`ParsedStatement`: credits become
:class:`BankTransaction` (the credited account is the student's individual account); debits,
reversals and zero amounts are skipped and counted. Any bad record raises a coded
:class:`InvalidInput` naming the file, the line and the field, so that nothing is imported from a
file with a mistake in it. ``docs/payments.md`` documents both formats.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import mt940

from legitka.domain.accounts import validate_account
from legitka.domain.errors import InvalidInput
from legitka.domain.money import MAX_GROSZE, parse_pln

FORMATS = ("mt940", "csv")
MAX_STATEMENT_BYTES = 20 * 1024 * 1024
TITLE_LENGTH = 300
COUNTERPARTY_LENGTH = 300
REFERENCE_LENGTH = 100

_POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
_LEGACY_ENCODINGS = ("cp1250", "iso-8859-2", "cp852")
_SUBFIELD_WIDTH = 27
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED"}
# a Polish account in free text: 26 digits, contiguous or grouped 2+4x6, optionally after PL
_ACCOUNT_IN_TEXT = re.compile(r"(?<![0-9A-Z])(?:PL ?)?([0-9]{2}(?: ?[0-9]{4}){6})(?![0-9])")
_SUBFIELDS = re.compile(r"^(?P<code>[0-9]{3})?(?P<sep>[~^<?])[0-9]{2}")
_CSV_COLUMNS = {
    "booked_on": ("booked_on", "booking_date", "date", "data", "data_ksiegowania"),
    "amount": ("amount", "kwota"),
    "account": ("account", "account_number", "rachunek", "numer_rachunku", "konto"),
    "title": ("title", "tytul", "tytuł", "tytul_przelewu", "tytuł_przelewu"),
    "counterparty": ("counterparty", "nadawca", "kontrahent", "payer"),
    "reference": ("reference", "referencja", "id_transakcji", "transaction_id"),
}
_CSV_REQUIRED = ("booked_on", "amount", "account")
_NOTHING_IMPORTED = "Nothing was imported: correct the file and import it again."


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
    return InvalidInput(code, f"{filename}, line {line}: {why} {_NOTHING_IMPORTED}", field=field)


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


def _header_names(line: str) -> list[str]:
    delimiter = _delimiter(line)
    return [_normalize_column(name) for name in next(csv.reader([line], delimiter=delimiter))]


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
        known = {alias for aliases in _CSV_COLUMNS.values() for alias in aliases}
        if known.intersection(_header_names(lines[0])):
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


def _clip(value: str | None, length: int) -> str | None:
    cleaned = " ".join((value or "").split())
    return cleaned[:length] or None


def _grosze(amount: Decimal) -> int:
    return int(amount.copy_abs() * 100)


# ---------------------------------------------------------------- MT940


_DATE = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{2})")
_ENTRY = re.compile(r"([0-9]{2})([0-9]{2})(?=R?[CDcd])")
_MARK = re.compile(r"R?[CD]", re.IGNORECASE)
_AMOUNT = re.compile(r"[A-Z]?([0-9]{1,12},[0-9]{0,2})(?![0-9,.])")


def _check_statement_line(value: str, filename: str, line: int) -> str:
    """Validate a ``:61:`` line's date, mark and amount; return the mark (C, D, RC, RD)."""
    date = _DATE.match(value)
    if date is None:
        raise record_error(
            "invalid_date", filename, line, "booked_on",
            f":61: must start with the value date as YYMMDD; got '{value[:6]}'.",
        )
    try:
        year = 2000 + int(date[1])
        dt.date(year, int(date[2]), int(date[3]))
        entry = _ENTRY.match(value, 6)
        if entry:
            dt.date(year, int(entry[1]), int(entry[2]))
    except ValueError:
        raise record_error(
            "invalid_date", filename, line, "booked_on",
            f"'{value[:10]}' in :61: is not a real date (YYMMDD[MMDD]).",
        ) from None
    position = entry.end() if entry else 6
    mark = _MARK.match(value, position)
    if mark is None:
        raise record_error(
            "invalid_debit_credit_mark", filename, line, "mark",
            f"after the date :61: needs C (credit), D (debit), RC or RD; got "
            f"'{value[position:position + 2]}'.",
        )
    amount = _AMOUNT.match(value, mark.end())
    if amount is None:
        raise record_error(
            "invalid_amount", filename, line, "amount",
            f"the amount in :61: must be digits with a decimal comma (22,00); got "
            f"'{value[mark.end():mark.end() + 16]}'.",
        )
    if _grosze(Decimal(amount[1].replace(",", "."))) > MAX_GROSZE:
        raise record_error(
            "invalid_amount", filename, line, "amount",
            f"the amount {amount[1]} is more than legitka can record.",
        )
    return mark[0].upper()


def subfields(details: str) -> tuple[str | None, dict[str, str]]:
    """Split a structured ``:86:`` (``~``, ``^``, ``<`` or ``?`` separators) into sub-fields.

    Returns the transaction code and ``{"20": "…", "38": "…"}``; an unstructured ``:86:`` gives
    ``(None, {})``. Repeated sub-fields are joined.
    """
    text = "".join(details.split("\n"))  # banks break :86: every 65 characters
    match = _SUBFIELDS.match(text)
    if match is None:
        return None, {}
    sep = match["sep"]
    parts = re.split(re.escape(sep) + r"(?=[0-9]{2})", text)
    fields: dict[str, str] = {}
    for part in parts[1:]:
        fields[part[:2]] = fields.get(part[:2], "") + part[2:]
    return match["code"], fields


def _joined(fields: dict[str, str], keys: range) -> str | None:
    """Join sub-fields: one of 27 or more characters was cut mid-text, a shorter one ends a word."""
    text = previous = ""
    for key in keys:
        part = fields.get(f"{key:02d}", "")
        if part:
            text += part if not text or len(previous) >= _SUBFIELD_WIDTH else " " + part
            previous = part
    return text or None


def _accounts_in(text: str) -> list[str]:
    found = []
    for match in _ACCOUNT_IN_TEXT.finditer(text.upper()):
        try:
            found.append(validate_account(match[1]))
        except InvalidInput:
            continue
    return found


def _credited_account(
    data: dict[str, Any], fields: dict[str, str], details: str,
    filename: str, line: int, account_prefix: str | None,
) -> str | None:
    """The individual account: sub-field 38, then :61: details, then any valid account."""
    candidates: list[str] = []
    iban = fields.get("38", "").replace(" ", "").upper()
    if iban.startswith("PL") or (iban.isascii() and iban.isdigit()):
        try:
            candidates.append(validate_account(iban, field="account"))
        except InvalidInput as exc:
            raise record_error(
                exc.code, filename, line, "account", f":86: sub-field 38: {exc.message}"
            ) from None
    line61 = {k: str(data.get(k) or "") for k in ("customer_reference", "extra_details")}
    # a 26-digit reference is cut by the library after 16 characters: join it back
    for text in (*line61.values(), str(data.get("bank_reference") or ""), "".join(line61.values())):
        candidates += _accounts_in(text)
    texts = [value for key, value in sorted(fields.items()) if key != "38"] or [details]
    for value in texts:
        candidates += _accounts_in(value)
    if account_prefix:
        for account in candidates:
            if account[2:].startswith(account_prefix):
                return account
    return candidates[0] if candidates else None


def _reference(data: dict[str, Any]) -> str | None:
    parts = [str(data.get(key) or "").strip() for key in ("customer_reference", "bank_reference")]
    kept = [p for p in parts if p.upper() not in _NO_REFERENCE]
    return _clip("//".join(kept), REFERENCE_LENGTH)


def _parse_library(text: str, filename: str, lines: list[str]) -> Any:
    statement = mt940.models.Transactions(processors={"post_transaction_details": []})
    try:
        statement.parse(text)
    except Exception as exc:  # the library raises bare errors on tags it cannot read
        value = str(exc.args[2]) if len(exc.args) == 3 else ""
        first = value.split("\n")[0]
        line = next((n for n, t in enumerate(lines, 1) if first and first in t), 0)
        where = f"line {line}" if line else "somewhere in the file"
        raise InvalidInput(
            "invalid_mt940",
            f"{filename}, {where}: the MT940 statement cannot be read ({type(exc).__name__}: "
            f"{exc.args[0] if exc.args else exc}). {_NOTHING_IMPORTED}",
            field="file",
        ) from None
    return statement


def parse_mt940(text: str, filename: str, *, account_prefix: str | None = None) -> ParsedStatement:
    """Read an MT940 statement (one or several ``:20:`` blocks) with the ``mt-940`` library."""
    # the SWIFT envelope's closing "-}" would otherwise end up in the last tag's text
    lines = ["" if re.fullmatch(r"-\}?", line.strip()) else line for line in text.split("\n")]
    statement_lines: list[tuple[int, str]] = []
    for number, text_line in enumerate(lines, 1):
        if text_line.startswith(":61:"):
            mark = _check_statement_line(text_line[4:], filename, number)
            statement_lines.append((number, mark))
    statement = _parse_library("\n".join(lines), filename, lines)
    if len(statement) != len(statement_lines):
        raise InvalidInput(
            "invalid_mt940",
            f"{filename}: {len(statement_lines)} :61: lines but {len(statement)} transactions "
            f"could be read; every :61: needs a transaction type (e.g. N051). {_NOTHING_IMPORTED}",
            field="file",
        )
    transactions: list[BankTransaction] = []
    skipped: list[SkippedRecord] = []
    for (line, mark), record in zip(statement_lines, statement, strict=True):
        data = record.data
        grosze = _grosze(data["amount"].amount)
        currency = (data.get("currency") or "PLN").upper()
        if currency != "PLN":
            raise record_error(
                "unsupported_currency", filename, line, "currency",
                f"the statement is in {currency}; legitka records payments in PLN only.",
            )
        if mark != "C" or grosze == 0:
            reason = "zero" if grosze == 0 else "debit" if mark == "D" else "reversal"
            skipped.append(SkippedRecord(line, -grosze if mark in ("D", "RC") else grosze, reason))
            continue
        details = "".join(str(data.get("transaction_details") or "").split("\n"))
        booked_on = data.get("entry_date") or data["date"]
        _code, fields = subfields(details)
        title = _joined(fields, range(20, 26)) if fields else details
        counterparty = _joined(fields, range(32, 34)) or _joined(fields, range(27, 30))
        transactions.append(
            BankTransaction(
                line=line,
                booked_on=dt.date(booked_on.year, booked_on.month, booked_on.day),
                amount_grosze=grosze,
                account=_credited_account(data, fields, details, filename, line, account_prefix),
                reference=_reference(data),
                title=_clip(title, TITLE_LENGTH),
                counterparty=_clip(counterparty, COUNTERPARTY_LENGTH),
            )
        )
    return ParsedStatement("mt940", tuple(transactions), tuple(skipped))


# ---------------------------------------------------------------- CSV


def _normalize_column(name: str) -> str:
    return "_".join(name.strip().strip("\ufeff").lower().replace("-", " ").split())


def _delimiter(header: str) -> str:
    return max(";,\t", key=header.count)


def _csv_date(value: str, filename: str, line: int) -> dt.date:
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise record_error(
        "invalid_date", filename, line, "booked_on",
        f"'{value}' is not a date: write YYYY-MM-DD (2026-11-20) or DD.MM.YYYY.",
    )


def parse_csv(text: str, filename: str) -> ParsedStatement:
    """Read a CSV statement: a header row, ``,`` ``;`` or tab separated, one transfer a row."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise InvalidInput(
            "empty_statement", f"{filename} is empty: export the statement again.", field="file"
        )
    delimiter = _delimiter(lines[start])
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter)
    header = [_normalize_column(name) for name in next(reader)]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        for column, aliases in _CSV_COLUMNS.items():
            if name in aliases:
                if column in columns:
                    raise record_error(
                        "csv_duplicate_column", filename, start + 1, column,
                        f"the header names the {column} column twice.",
                    )
                columns[column] = index
    missing = [c for c in _CSV_REQUIRED if c not in columns]
    if missing:
        raise record_error(
            "csv_missing_columns", filename, start + 1, missing[0],
            f"the header row has no {', '.join(missing)} column (found: "
            f"{', '.join(header) or 'nothing'}); required: {', '.join(_CSV_REQUIRED)}.",
        )
    transactions: list[BankTransaction] = []
    skipped: list[SkippedRecord] = []
    row_start = reader.line_num + start + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise record_error("invalid_csv", filename, row_start, "file", f"{exc}.") from None
        line, row_start = row_start, reader.line_num + start + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            hint = (
                f" With '{delimiter}' as the separator, put amounts like \"22,00\" in quotes "
                "or separate the columns with ';'."
                if delimiter == "," else ""
            )
            raise record_error(
                "csv_wrong_field_count", filename, line, "file",
                f"the row has {len(row)} fields but the header has {len(header)}.{hint}",
            )

        def cell(column: str, row: list[str] = row) -> str:
            return row[columns[column]].strip() if column in columns else ""

        booked_on = _csv_date(cell("booked_on"), filename, line)
        try:
            amount = parse_pln(cell("amount"))
            account = validate_account(cell("account")) if cell("account") else None
        except InvalidInput as exc:
            raise record_error(exc.code, filename, line, exc.field or "", exc.message) from None
        if amount <= 0:
            skipped.append(SkippedRecord(line, amount, "debit" if amount else "zero"))
            continue
        transactions.append(
            BankTransaction(
                line=line,
                booked_on=booked_on,
                amount_grosze=amount,
                account=account,
                reference=_clip(cell("reference"), REFERENCE_LENGTH),
                title=_clip(cell("title"), TITLE_LENGTH),
                counterparty=_clip(cell("counterparty"), COUNTERPARTY_LENGTH),
            )
        )
    return ParsedStatement("csv", tuple(transactions), tuple(skipped))
