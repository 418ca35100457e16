"""MT940 statements, read with the ``mt-940`` library; Polish ``:86:`` layouts split here."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import mt940

from legitka.domain.accounts import validate_account
from legitka.domain.errors import InvalidInput
from legitka.domain.money import MAX_GROSZE
from legitka.registry.statements.records import (
    COUNTERPARTY_LENGTH,
    NOTHING_IMPORTED,
    REFERENCE_LENGTH,
    TITLE_LENGTH,
    BankTransaction,
    ParsedStatement,
    RecordError,
    SkippedRecord,
    clip,
    grosze,
    raise_collected,
    record_error,
)

_SUBFIELD_WIDTH = 27
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED"}
# a Polish account in free text: 26 digits, contiguous or grouped 2+4x6, optionally after PL
_ACCOUNT_IN_TEXT = re.compile(r"(?<![0-9A-Z])(?:PL ?)?([0-9]{2}(?: ?[0-9]{4}){6})(?![0-9])")
_SUBFIELDS = re.compile(r"^(?P<code>[0-9]{3})?(?P<sep>[~^<?])[0-9]{2}")
_DATE = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{2})")
_ENTRY = re.compile(r"([0-9]{2})([0-9]{2})(?=R?[CDcd])")
_MARK = re.compile(r"R?[CD]", re.IGNORECASE)
_AMOUNT = re.compile(r"[A-Z]?([0-9]{1,12},[0-9]{0,2})(?![0-9,.])")


def _check_statement_line(value: str, filename: str, line: int) -> str:
    """Validate a ``:61:`` line's date, mark and amount; return the mark (C, D, RC, RD)."""
    date = _DATE.match(value)
    if date is None:
        raise record_error(
            "invalid_date",
            filename,
            line,
            "booked_on",
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
            "invalid_date",
            filename,
            line,
            "booked_on",
            f"'{value[:10]}' in :61: is not a real date (YYMMDD[MMDD]).",
        ) from None
    position = entry.end() if entry else 6
    mark = _MARK.match(value, position)
    if mark is None:
        raise record_error(
            "invalid_debit_credit_mark",
            filename,
            line,
            "mark",
            f"after the date :61: needs C (credit), D (debit), RC or RD; got "
            f"'{value[position : position + 2]}'.",
        )
    amount = _AMOUNT.match(value, mark.end())
    if amount is None:
        raise record_error(
            "invalid_amount",
            filename,
            line,
            "amount",
            f"the amount in :61: must be digits with a decimal comma (22,00); got "
            f"'{value[mark.end() : mark.end() + 16]}'.",
        )
    if grosze(Decimal(amount[1].replace(",", "."))) > MAX_GROSZE:
        raise record_error(
            "invalid_amount",
            filename,
            line,
            "amount",
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
    data: dict[str, Any],
    fields: dict[str, str],
    details: str,
    filename: str,
    line: int,
    account_prefix: str | None,
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
    return clip("//".join(kept), REFERENCE_LENGTH)


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
            f"{exc.args[0] if exc.args else exc}). {NOTHING_IMPORTED}",
            field="file",
        ) from None
    return statement


def parse_mt940(text: str, filename: str, *, account_prefix: str | None = None) -> ParsedStatement:
    """Read an MT940 statement (one or several ``:20:`` blocks) with the ``mt-940`` library."""
    # the SWIFT envelope's closing "-}" would otherwise end up in the last tag's text
    lines = ["" if re.fullmatch(r"-\}?", line.strip()) else line for line in text.split("\n")]
    statement_lines: list[tuple[int, str]] = []
    errors: list[RecordError] = []
    for number, text_line in enumerate(lines, 1):
        if text_line.startswith(":61:"):
            try:
                mark = _check_statement_line(text_line[4:], filename, number)
            except RecordError as exc:
                errors.append(exc)
                continue
            statement_lines.append((number, mark))
    raise_collected(errors)
    statement = _parse_library("\n".join(lines), filename, lines)
    if len(statement) != len(statement_lines):
        raise InvalidInput(
            "invalid_mt940",
            f"{filename}: {len(statement_lines)} :61: lines but {len(statement)} transactions "
            f"could be read; every :61: needs a transaction type (e.g. N051). {NOTHING_IMPORTED}",
            field="file",
        )
    transactions: list[BankTransaction] = []
    skipped: list[SkippedRecord] = []
    for (line, mark), record in zip(statement_lines, statement, strict=True):
        data = record.data
        amount = grosze(data["amount"].amount)
        currency = (data.get("currency") or "PLN").upper()
        if currency != "PLN":
            errors.append(
                record_error(
                    "unsupported_currency",
                    filename,
                    line,
                    "currency",
                    f"the statement is in {currency}; legitka records payments in PLN only.",
                )
            )
            continue
        if mark != "C" or amount == 0:
            reason = "zero" if amount == 0 else "debit" if mark == "D" else "reversal"
            skipped.append(SkippedRecord(line, -amount if mark in ("D", "RC") else amount, reason))
            continue
        details = "".join(str(data.get("transaction_details") or "").split("\n"))
        booked_on = data.get("entry_date") or data["date"]
        _code, fields = subfields(details)
        title = _joined(fields, range(20, 26)) if fields else details
        counterparty = _joined(fields, range(32, 34)) or _joined(fields, range(27, 30))
        try:
            account = _credited_account(data, fields, details, filename, line, account_prefix)
        except RecordError as exc:
            errors.append(exc)
            continue
        transactions.append(
            BankTransaction(
                line=line,
                booked_on=dt.date(booked_on.year, booked_on.month, booked_on.day),
                amount_grosze=amount,
                account=account,
                reference=_reference(data),
                title=clip(title, TITLE_LENGTH),
                counterparty=clip(counterparty, COUNTERPARTY_LENGTH),
            )
        )
    raise_collected(errors)
    return ParsedStatement("mt940", tuple(transactions), tuple(skipped))
