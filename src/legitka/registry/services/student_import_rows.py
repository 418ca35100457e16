"""Reading and checking a CSV file of students, before anything is written.

Pure: the file's bytes and a :class:`Register` (what the register already holds) in, checked rows
or coded row errors out. Messages never repeat values from the file: a PESEL must not end up in a
log or a terminal's scroll-back. ``docs/student-import.md`` describes the columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from legitka.domain.errors import InvalidInput
from legitka.domain.identity import validate_pesel
from legitka.domain.studies import ELIGIBLE_LEVELS, StudyLevel, StudyStatus
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.registry.services.people import validate_album, validate_email

Progress = Callable[[int, int], None]

REQUIRED = ("album_number", "given_names", "family_name", "birth_date", "level", "programme",
            "started_on")  # fmt: skip
OPTIONAL = ("pesel", "email", "status", "status_since", "intake", "charge_els_fee")
COLUMNS = REQUIRED + OPTIONAL
ALIASES = {
    "numer_albumu": "album_number", "nr_albumu": "album_number", "album": "album_number",
    "imiona": "given_names", "imie": "given_names", "nazwisko": "family_name",
    "data_urodzenia": "birth_date", "e_mail": "email", "poziom": "level",
    "poziom_studiow": "level", "kierunek": "programme", "data_rozpoczecia": "started_on",
    "nabor": "intake", "oplata_els": "charge_els_fee", "status_od": "status_since",
}  # fmt: skip
MAX_LENGTH = {"given_names": 120, "family_name": 120, "programme": 120}
YES = frozenset({"yes", "y", "true", "1", "tak", "t"})
NO = frozenset({"no", "n", "false", "0", "nie"})
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

MESSAGES = {
    "not_utf8": N_("The file is not UTF-8 text: save it as “CSV UTF-8” and import it again."),
    "empty_file": N_("The file is empty: it needs a header row and one row per student."),
    "no_students": N_("The file has a header but no students."),
    "missing_column": N_("The header has no column {column}, which is required."),
    "unknown_column": N_(
        "The header has an unknown column {column}: rename or remove it. Known columns: {known}."
    ),
    "duplicate_column": N_("Column {column} appears twice in the header: keep one."),
    "bad_csv": N_("This row is not valid CSV: check its quotes."),
    "wrong_column_count": N_(
        "This row has {found} values but the header has {expected} columns: look for a missing "
        "or extra “{delimiter}”."
    ),
    "missing_value": N_("Column {column} is empty: every student needs a value there."),
    "value_too_long": N_("The value in column {column} is longer than {max} characters."),
    "invalid_album_number": N_("Column {column} must hold up to 20 letters, digits, / or -."),
    "invalid_date": N_("Column {column} must hold a date written YYYY-MM-DD, e.g. 2004-09-30."),
    "birth_date_in_future": N_("The birth date in column {column} is in the future."),
    "started_before_birth": N_("The date in column {column} is before the birth date."),
    "status_before_start": N_(
        "The date in column {column} is before the studies started (column started_on)."
    ),
    "invalid_pesel_format": N_(
        "The PESEL in column {column} must have exactly 11 digits; leave the column empty for a "
        "student without a PESEL."
    ),
    "invalid_pesel_checksum": N_(
        "The PESEL in column {column} has a wrong check digit: check the number for a typo."
    ),
    "invalid_pesel_date": N_(
        "The PESEL in column {column} does not encode a real birth date: check its first six "
        "digits."
    ),
    "pesel_birth_date_mismatch": N_(
        "The PESEL in column {column} does not match the birth date in column birth_date: "
        "correct one of them."
    ),
    "pesel_other_person": N_(
        "The PESEL in column {column} belongs to a person in the register with other names: "
        "correct the row, or change the person's data in the register first."
    ),
    "invalid_email": N_("Column {column} does not hold an e-mail address (name@example.org)."),
    "unknown_level": N_("Column {column} must hold one of: {allowed}."),
    "unknown_status": N_("Column {column} must hold one of: {allowed}."),
    "invalid_yes_no": N_("Column {column} must hold yes or no, or be empty for the default."),
    "els_not_for_level": N_(
        "Postgraduate participants get no student ID card: set column {column} to no or leave "
        "it empty."
    ),
    "unknown_intake": N_(
        "The university has no intake with the code in column {column}: add the intake first or "
        "correct the code. Known intakes: {known}."
    ),
    "duplicate_album_number": N_(
        "The album number in column {column} is also on line {other_line}: each student appears "
        "once in a file."
    ),
    "duplicate_pesel": N_(
        "The PESEL in column {column} is also on line {other_line}: each person appears once in "
        "a file."
    ),
    "album_number_taken": N_(
        "The album number in column {column} already belongs to a student in the register: "
        "remove the row or correct the number."
    ),
}


@dataclass(frozen=True)
class RowError:
    """One thing wrong with the file: where (line, column), what (code) and why (message)."""

    line: int
    field: str | None
    code: str
    params: dict[str, Any] = dc_field(default_factory=dict)

    def message(self, locale: str = "en") -> str:
        return translate(MESSAGES[self.code], locale, {"column": self.field, **self.params})

    def as_dict(self, locale: str = "en") -> dict[str, Any]:
        """JSON-ready; ``params`` fill the message in another language (no values of the file)."""
        return {"line": self.line, "field": self.field, "code": self.code,
                "message": self.message(locale), "params": self.params}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RowError:
        return cls(data["line"], data["field"], data["code"], data.get("params", {}))


@dataclass(frozen=True)
class StudentRow:
    """A checked row, ready to write."""

    line: int
    album_number: str
    given_names: str
    family_name: str
    birth_date: dt.date
    pesel: str | None
    email: str | None
    level: StudyLevel
    programme: str
    status: StudyStatus
    started_on: dt.date
    status_since: dt.date
    intake: str | None
    charge_els_fee: bool
    new_person: bool


@dataclass(frozen=True)
class Register:
    """What the register already holds that a row may clash with, loaded once per import."""

    albums: frozenset[str]
    people: dict[str, tuple[str, str]]  # PESEL -> (given names, family name)
    intakes: frozenset[str]
    today: dt.date


class _Invalid(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params


class _FileInvalid(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors


def _column_name(header: str) -> str:
    text = unicodedata.normalize("NFKD", header.strip().lower().replace("ł", "l"))
    text = re.sub(r"[\s-]+", "_", "".join(c for c in text if not unicodedata.combining(c)))
    return ALIASES.get(text, text)


def read_rows(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], str]:
    """The rows of a CSV file (line number, values by column name) and its delimiter.

    Raises ``_FileInvalid`` for a file whose encoding, header or shape is wrong."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _FileInvalid([RowError(line, None, "not_utf8")]) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    records = _records(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    _, header = next(records, (1, []))
    if header is None:
        raise _FileInvalid([RowError(1, None, "bad_csv")])
    if not any(h.strip() for h in header):
        raise _FileInvalid([RowError(1, None, "empty_file")])
    columns = [_column_name(h) for h in header]
    known = ", ".join(COLUMNS)
    errors = [RowError(1, c, "duplicate_column") for i, c in enumerate(columns) if c in columns[:i]]
    errors += [
        RowError(1, c, "unknown_column", {"known": known}) for c in columns if c not in COLUMNS
    ]
    errors += [RowError(1, c, "missing_column") for c in REQUIRED if c not in columns]
    if errors:
        raise _FileInvalid(errors)
    rows: list[tuple[int, dict[str, str]]] = []
    for line, record in records:
        if record is None:
            errors.append(RowError(line, None, "bad_csv"))
        elif not any(v.strip() for v in record):
            continue  # an empty row, or one of only delimiters as spreadsheets leave at the end
        elif len(record) == len(columns):
            rows.append((line, {c: v.strip() for c, v in zip(columns, record, strict=True)}))
        else:
            params = {"found": len(record), "expected": len(columns), "delimiter": delimiter}
            errors.append(RowError(line, None, "wrong_column_count", params))
    if errors:
        raise _FileInvalid(errors)
    if not rows:
        raise _FileInvalid([RowError(2, None, "no_students")])
    return rows, delimiter


def _records(reader: Any) -> Iterator[tuple[int, list[str] | None]]:
    """(first line, values) of each record; ``None`` for the record where the CSV breaks."""
    previous = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield previous + 1, None
            return
        start, previous = previous + 1, reader.line_num
        yield start, record


def _text(value: str, column: str) -> str:
    cleaned = " ".join(value.split())
    limit = MAX_LENGTH.get(column)
    if limit and len(cleaned) > limit:
        raise _Invalid("value_too_long", max=limit)
    return cleaned


def _date(value: str) -> dt.date:
    try:
        if ISO_DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise _Invalid("invalid_date")


def _choice(value: str, enum: type[StudyLevel] | type[StudyStatus], code: str) -> Any:
    try:
        return enum(value.lower().replace("_", "-"))
    except ValueError:
        raise _Invalid(code, allowed=", ".join(m.value for m in enum)) from None


def _yes_no(value: str) -> bool:
    if value.lower() in YES:
        return True
    if value.lower() in NO:
        return False
    raise _Invalid("invalid_yes_no")


def _names(given: str | None, family: str | None) -> tuple[str, str]:
    def norm(text: str | None) -> str:
        return " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()

    return norm(given), norm(family)


def check_row(
    line: int, values: dict[str, str], register: Register
) -> tuple[StudentRow | None, list[RowError]]:
    """Check one row on its own and against the register: the row, or what is wrong with it."""
    errors: list[RowError] = []
    out: dict[str, Any] = {}

    def check(column: str, parse: Callable[[str], Any], *, required: bool = True) -> None:
        value = values.get(column, "")
        try:
            if not value and required:
                raise _Invalid("missing_value")
            out[column] = parse(value) if value else None
        except _Invalid as exc:
            errors.append(RowError(line, column, exc.code, exc.params))
        except InvalidInput as exc:  # the register's own validators: their code, our message
            errors.append(RowError(line, column, exc.code))

    def fail(column: str, code: str, **params: Any) -> None:
        errors.append(RowError(line, column, code, params))

    check("album_number", validate_album)
    for column in ("given_names", "family_name", "programme"):
        check(column, lambda v, c=column: _text(v, c))  # type: ignore[misc]
    check("birth_date", _date)
    check("started_on", _date)
    check("level", lambda v: _choice(v, StudyLevel, "unknown_level"))
    check("status", lambda v: _choice(v, StudyStatus, "unknown_status"), required=False)
    check("status_since", _date, required=False)
    check("email", validate_email, required=False)
    check("charge_els_fee", _yes_no, required=False)
    birth = out.get("birth_date")
    check("pesel", lambda v: validate_pesel(v, birth_date=birth), required=False)
    if birth and birth > register.today:
        fail("birth_date", "birth_date_in_future")
    if birth and out.get("started_on") and out["started_on"] < birth:
        fail("started_on", "started_before_birth")
    since = out.get("status_since")
    if since and out.get("started_on") and since < out["started_on"]:
        fail("status_since", "status_before_start")
    if out.get("album_number") in register.albums:
        fail("album_number", "album_number_taken")
    intake = values.get("intake") or None
    if intake and intake not in register.intakes:
        fail("intake", "unknown_intake", known=", ".join(sorted(register.intakes)) or "-")
    pesel = out.get("pesel")
    known = register.people.get(pesel) if pesel else None
    if known and _names(*known) != _names(out.get("given_names"), out.get("family_name")):
        fail("pesel", "pesel_other_person")
    level, charge = out.get("level"), out.get("charge_els_fee")
    if charge and level is StudyLevel.POSTGRADUATE:
        fail("charge_els_fee", "els_not_for_level")
    if errors:
        return None, errors
    return StudentRow(
        line=line, album_number=out["album_number"], given_names=out["given_names"],
        family_name=out["family_name"], birth_date=out["birth_date"], pesel=pesel,
        email=out["email"], level=out["level"], programme=out["programme"],
        status=out["status"] or StudyStatus.ACTIVE, started_on=out["started_on"],
        status_since=since or out["started_on"], intake=intake,
        charge_els_fee=level in ELIGIBLE_LEVELS if charge is None else charge,
        new_person=known is None,
    ), []  # fmt: skip


def check_file(
    data: bytes, register: Register, progress: Progress | None = None, *, steps: int = 1
) -> tuple[list[StudentRow], list[RowError]]:
    """Check every row; the same album number or PESEL twice in the file is an error too.

    ``progress(done, total)`` counts the rows checked; ``steps`` multiplies the total for a
    caller that reports more work per row afterwards."""
    try:
        records, _ = read_rows(data)
    except _FileInvalid as exc:
        return [], exc.errors
    rows: list[StudentRow] = []
    errors: list[RowError] = []
    albums: dict[str, int] = {}
    pesels: dict[str, int] = {}
    for done, (line, values) in enumerate(records, start=1):
        row, row_errors = check_row(line, values, register)
        errors += row_errors
        album = values["album_number"]
        if album in albums:
            params = {"other_line": albums[album]}
            errors.append(RowError(line, "album_number", "duplicate_album_number", params))
        elif album:
            albums[album] = line
        pesel = re.sub(r"[\s-]", "", values.get("pesel", ""))  # as validate_pesel compacts it
        if pesel in pesels:
            errors.append(RowError(line, "pesel", "duplicate_pesel", {"other_line": pesels[pesel]}))
        elif pesel:
            pesels[pesel] = line
        if row:
            rows.append(row)
        if progress:
            progress(done, steps * len(records))
    return rows, errors
