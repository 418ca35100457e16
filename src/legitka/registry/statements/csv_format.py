"""CSV statements: a header row, then one transfer a row (columns in docs/payments.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from legitka.domain.accounts import validate_account
from legitka.domain.errors import InvalidInput
from legitka.domain.money import parse_pln
from legitka.registry.statements.records import (
    COUNTERPARTY_LENGTH,
    REFERENCE_LENGTH,
    TITLE_LENGTH,
    BankTransaction,
    ParsedStatement,
    RecordError,
    SkippedRecord,
    clip,
    raise_collected,
    record_error,
)

CSV_COLUMNS = {
    "booked_on": ("booked_on", "booking_date", "date", "data", "data_ksiegowania"),
    "amount": ("amount", "kwota"),
    "account": ("account", "account_number", "rachunek", "numer_rachunku", "konto"),
    "title": ("title", "tytul", "tytuł", "tytul_przelewu", "tytuł_przelewu"),
    "counterparty": ("counterparty", "nadawca", "kontrahent", "payer"),
    "reference": ("reference", "referencja", "id_transakcji", "transaction_id"),
}
_CSV_REQUIRED = ("booked_on", "amount", "account")


def header_names(line: str) -> list[str]:
    delimiter = delimiter_of(line)
    return [normalize_column(name) for name in next(csv.reader([line], delimiter=delimiter))]


def normalize_column(name: str) -> str:
    return "_".join(name.strip().strip("\ufeff").lower().replace("-", " ").split())


def delimiter_of(header: str) -> str:
    return max(";,\t", key=header.count)


def _csv_date(value: str, filename: str, line: int) -> dt.date:
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise record_error(
        "invalid_date",
        filename,
        line,
        "booked_on",
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
    delimiter = delimiter_of(lines[start])
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter)
    header = [normalize_column(name) for name in next(reader)]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        for column, aliases in CSV_COLUMNS.items():
            if name in aliases:
                if column in columns:
                    raise record_error(
                        "csv_duplicate_column",
                        filename,
                        start + 1,
                        column,
                        f"the header names the {column} column twice.",
                    )
                columns[column] = index
    missing = [c for c in _CSV_REQUIRED if c not in columns]
    if missing:
        raise record_error(
            "csv_missing_columns",
            filename,
            start + 1,
            missing[0],
            f"the header row has no {', '.join(missing)} column (found: "
            f"{', '.join(header) or 'nothing'}); required: {', '.join(_CSV_REQUIRED)}.",
        )
    transactions: list[BankTransaction] = []
    skipped: list[SkippedRecord] = []
    errors: list[RecordError] = []
    row_start = reader.line_num + start + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(record_error("invalid_csv", filename, row_start, "file", f"{exc}."))
            break  # the reader cannot go on after this
        line, row_start = row_start, reader.line_num + start + 1
        if not any(cell.strip() for cell in row):
            continue
        try:
            _read_row(row, header, columns, delimiter, filename, line, transactions, skipped)
        except RecordError as exc:
            errors.append(exc)
    raise_collected(errors)
    return ParsedStatement("csv", tuple(transactions), tuple(skipped))


def _read_row(
    row: list[str],
    header: list[str],
    columns: dict[str, int],
    delimiter: str,
    filename: str,
    line: int,
    transactions: list[BankTransaction],
    skipped: list[SkippedRecord],
) -> None:
    """Read one row into ``transactions`` or ``skipped``; a bad one raises :class:`RecordError`."""
    if len(row) != len(header):
        hint = (
            f" With '{delimiter}' as the separator, put amounts like \"22,00\" in quotes "
            "or separate the columns with ';'."
            if delimiter == ","
            else ""
        )
        raise record_error(
            "csv_wrong_field_count",
            filename,
            line,
            "file",
            f"the row has {len(row)} fields but the header has {len(header)}.{hint}",
        )

    def cell(column: str) -> str:
        return row[columns[column]].strip() if column in columns else ""

    booked_on = _csv_date(cell("booked_on"), filename, line)
    try:
        amount = parse_pln(cell("amount"))
        account = validate_account(cell("account")) if cell("account") else None
    except InvalidInput as exc:
        raise record_error(exc.code, filename, line, exc.field or "", exc.message) from None
    if amount <= 0:
        skipped.append(SkippedRecord(line, amount, "debit" if amount else "zero"))
        return
    transactions.append(
        BankTransaction(
            line=line,
            booked_on=booked_on,
            amount_grosze=amount,
            account=account,
            reference=clip(cell("reference"), REFERENCE_LENGTH),
            title=clip(cell("title"), TITLE_LENGTH),
            counterparty=clip(cell("counterparty"), COUNTERPARTY_LENGTH),
        )
    )
