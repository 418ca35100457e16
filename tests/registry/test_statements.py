"""Reading MT940 and CSV statements: formats, :86: layouts, and errors naming file, line, field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from legitka.domain.errors import InvalidInput
from legitka.registry.statements import (
    StatementErrors,
    decode,
    detect_format,
    parse_statement,
    subfields,
)

DATA = Path(__file__).parent.parent / "data" / "statements"
PREFIX = "109010140000"
STUDENT_1 = "07109010140000000000000001"
STUDENT_2 = "77109010140000000000000002"
PAYER = "35105014451000002389127360"

HEAD = ":20:ST1\n:25:/PL61109010140000071219812874\n:28C:1/1\n:60F:C261119PLN100,00\n"
TAIL = ":62F:C261120PLN122,00\n"


def mt940(*records: str) -> bytes:
    return (HEAD + "".join(records) + TAIL).encode()


def credit(details: str, line61: str = "2611201120C22,00N051NONREF//B1") -> str:
    return f":61:{line61}\n:86:{details}\n"


def only(data: bytes, **kwargs: str) -> object:
    parsed = parse_statement(data, "s.sta", account_prefix=PREFIX, **kwargs)
    assert len(parsed.transactions) == 1
    return parsed.transactions[0]


# -------------------------------------------------------------- :86: layouts


@pytest.mark.parametrize("sep", ["~", "^", "<", "?"])
def test_structured_86_layouts_give_title_counterparty_and_iban(sep):
    details = (
        f"051{sep}00PRZELEW{sep}20Opłata za legitymację ELS{sep}21album 100001"
        f"{sep}3010501445{sep}311000002389127360{sep}32ANNA TESTOWA{sep}33UL. KWIATOWA 5"
        f"{sep}38PL{STUDENT_1}"
    )
    tx = only(mt940(credit(details)))
    assert tx.account == STUDENT_1
    assert tx.title == "Opłata za legitymację ELS album 100001"
    assert tx.counterparty == "ANNA TESTOWA UL. KWIATOWA 5"
    assert tx.amount_grosze == 2200
    assert tx.booked_on == dt.date(2026, 11, 20)
    assert tx.reference == "B1"


def test_subfields_split_on_the_separator_and_join_continuation_lines():
    code, fields = subfields("020~00VE02~20ELS 1000\n01~38PL07109010140000000000000001")
    assert code == "020"
    assert fields == {"00": "VE02", "20": "ELS 100001", "38": "PL07109010140000000000000001"}
    assert subfields("Przelew bez podpól") == (None, {})


def test_a_title_cut_mid_word_is_joined_without_a_space():
    tx = only(mt940(credit(f"051~20Opłata za legitymację stude~21ncką ELS~38{STUDENT_1}")))
    assert tx.title == "Opłata za legitymację studencką ELS"


def test_names_in_27_28_when_there_is_no_32():
    tx = only(mt940(credit(f"034<00PRZELEW<20ELS<27BARTOSZ<28PRÓBNY<38PL{STUDENT_2}")))
    assert tx.counterparty == "BARTOSZ PRÓBNY"


def test_account_in_the_61_supplementary_details():
    record = f":61:2611201120C22,00N051NONREF//B1\n{STUDENT_1}\n:86:051~20ELS 100001\n"
    assert only(mt940(record)).account == STUDENT_1


def test_account_as_the_61_customer_reference():
    record = f":61:2611201120C22,00N051{STUDENT_1}\n:86:051~20ELS 100001\n"
    assert only(mt940(record)).account == STUDENT_1


def test_fallback_finds_a_valid_account_in_unstructured_86():
    details = "PRZELEW OD ANNA TESTOWA NA RACHUNEK 07 1090 1014 0000 0000 0000 0001 ELS 100001"
    tx = only(mt940(credit(details)))
    assert tx.account == STUDENT_1
    assert tx.title == details


def test_fallback_ignores_numbers_with_a_wrong_check():
    tx = only(mt940(credit("ZAMOWIENIE 08109010140000000000000001 ELS")))
    assert tx.account is None


def test_the_university_prefix_picks_the_individual_account_over_the_payer():
    details = f"051~20ELS~31{PAYER}~32ANNA~38PL{PAYER}~63{STUDENT_1}"
    assert only(mt940(credit(details))).account == STUDENT_1
    no_prefix = parse_statement(mt940(credit(details)), "s.sta")
    assert no_prefix.transactions[0].account == PAYER


def test_debits_and_reversals_are_skipped_and_counted():
    parsed = parse_statement(
        mt940(
            credit("051~20ELS~38PL" + STUDENT_1),
            credit("073~20Prowizja", "2611201120D5,00S073NONREF"),
            credit("051~20Zwrot", "2611201120RC3,00N051NONREF"),
        ),
        "s.sta",
    )
    assert len(parsed.transactions) == 1
    assert [(s.line, s.amount_grosze, s.reason) for s in parsed.skipped] == [
        (7, -500, "debit"),
        (9, -300, "reversal"),
    ]


def test_several_statements_in_one_file():
    one = mt940(credit("051~20A~38PL" + STUDENT_1))
    two = mt940(credit("051~20B~38PL" + STUDENT_2, "2611211121C11,00N051NONREF"))
    parsed = parse_statement(one + two, "s.sta")
    assert [(t.line, t.account, t.title) for t in parsed.transactions] == [
        (5, STUDENT_1, "A"),
        (12, STUDENT_2, "B"),
    ]


def test_windows_1250_file_with_crlf_and_swift_envelope():
    parsed = parse_statement((DATA / "pko_tilde_2026-11-20.sta").read_bytes(), "pko.sta")
    assert parsed.format == "mt940"
    assert parsed.transactions[0].title == "Opłata za legitymację studencką ELS, album 100001"
    assert parsed.transactions[1].counterparty == "BARTOSZ PRÓBNY UL. LEŚNA 3 30-002 KRAKÓW"
    assert [t.line for t in parsed.transactions] == [6, 11, 16, 21]
    assert [s.line for s in parsed.skipped] == [26]


def test_decode_prefers_utf8_and_recognises_polish_code_pages():
    text = "Opłata za legitymację, źdźbło"
    assert decode(("\ufeff" + text).encode()) == text
    assert decode(text.encode("cp1250")) == text
    assert decode(text.encode("cp852")) == text


# -------------------------------------------------------------- MT940 errors


@pytest.mark.parametrize(
    ("line61", "code", "field"),
    [
        ("2613201320C22,00N051NONREF", "invalid_date", "booked_on"),
        ("26112O1120C22,00N051NONREF", "invalid_date", "booked_on"),
        ("2611201120X22,00N051NONREF", "invalid_debit_credit_mark", "mark"),
        ("2611201120C22.00N051NONREF", "invalid_amount", "amount"),
        ("2611201120C22,000N051NONREF", "invalid_amount", "amount"),
        ("2611201120C99999999999,00N051NONREF", "invalid_amount", "amount"),
    ],
)
def test_a_bad_61_names_the_line_and_the_field(line61, code, field):
    data = mt940(credit("051~20OK~38PL" + STUDENT_1), credit("051~20ELS", line61))
    with pytest.raises(InvalidInput) as caught:
        parse_statement(data, "wyciag.sta")
    assert (caught.value.code, caught.value.field) == (code, field)
    assert "wyciag.sta, line 7:" in caught.value.message
    assert "Nothing was imported" in caught.value.message


def test_a_bad_iban_in_subfield_38_names_the_line():
    with pytest.raises(InvalidInput) as caught:
        parse_statement((DATA / "bad_account.sta").read_bytes(), "bad_account.sta")
    assert (caught.value.code, caught.value.field) == ("invalid_account_checksum", "account")
    assert "bad_account.sta, line 7: :86: sub-field 38" in caught.value.message


def test_a_foreign_currency_is_refused():
    data = (HEAD + credit("051~20ELS") + TAIL).replace("PLN", "EUR").encode()
    with pytest.raises(InvalidInput) as caught:
        parse_statement(data, "eur.sta")
    assert caught.value.code == "unsupported_currency"


def test_an_unreadable_tag_is_a_coded_error():
    data = (HEAD + credit("051~20ELS") + ":62F:X261120PLN1,00\n").encode()
    with pytest.raises(InvalidInput) as caught:
        parse_statement(data, "broken.sta")
    assert caught.value.code == "invalid_mt940"
    assert "broken.sta, line 7" in caught.value.message


# -------------------------------------------------------------- CSV


def test_csv_with_semicolons_bom_and_decimal_commas():
    parsed = parse_statement((DATA / "wyciag_2026-11-20.csv").read_bytes(), "wyciag.csv")
    assert parsed.format == "csv"
    first = parsed.transactions[0]
    assert (first.line, first.booked_on, first.amount_grosze, first.account) == (
        2, dt.date(2026, 11, 20), 2200, STUDENT_1,
    )
    assert (first.title, first.counterparty, first.reference) == (
        "Opłata za legitymację ELS, album 100001", "Anna Testowa", "TRX-20261120-0001",
    )
    assert [(s.line, s.amount_grosze, s.reason) for s in parsed.skipped] == [(6, -500, "debit")]


def test_csv_with_commas_decimal_points_and_iban():
    parsed = parse_statement((DATA / "export_2026-11-21.csv").read_bytes(), "export.csv")
    assert [(t.line, t.amount_grosze, t.account, t.reference) for t in parsed.transactions] == [
        (2, 1100, STUDENT_2, None),
        (3, 1100, STUDENT_2, None),
    ]


def test_csv_polish_headers_dates_and_an_empty_account():
    data = (
        "Data;Kwota;Rachunek;Tytuł;Nadawca\n"
        "20.11.2026;1 022,50 zł;PL 07 1090 1014 0000 0000 0000 0001;ELS;Anna\n"
        "21.11.2026;5,00;;Wpłata gotówkowa;\n"
    ).encode()
    parsed = parse_statement(data, "wyciag.csv")
    assert [(t.booked_on, t.amount_grosze, t.account) for t in parsed.transactions] == [
        (dt.date(2026, 11, 20), 102250, STUDENT_1),
        (dt.date(2026, 11, 21), 500, None),
    ]


@pytest.mark.parametrize(
    ("name", "code", "field", "line"),
    [
        ("bad_amount.csv", "invalid_amount", "amount", 4),
        ("bad_date.csv", "invalid_date", "booked_on", 3),
        ("bad_account.csv", "invalid_account_checksum", "account", 3),
        ("bad_amount.sta", "invalid_amount", "amount", 7),
        ("bad_date.sta", "invalid_date", "booked_on", 7),
    ],
)
def test_bad_records_name_file_line_and_field(name, code, field, line):
    with pytest.raises(InvalidInput) as caught:
        parse_statement((DATA / name).read_bytes(), name)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert f"{name}, line {line}:" in caught.value.message


def test_csv_missing_columns():
    with pytest.raises(InvalidInput) as caught:
        parse_statement(b"booked_on;title\n2026-11-20;ELS\n", "x.csv")
    assert caught.value.code == "csv_missing_columns"
    assert "amount, account" in caught.value.message


def test_csv_unquoted_decimal_comma_with_comma_separator():
    data = b"booked_on,amount,account\n2026-11-20,22,00,07109010140000000000000001\n"
    with pytest.raises(InvalidInput) as caught:
        parse_statement(data, "x.csv")
    assert caught.value.code == "csv_wrong_field_count"
    assert "x.csv, line 2:" in caught.value.message
    assert "in quotes" in caught.value.message


def test_csv_line_numbers_count_blank_and_multiline_rows():
    data = b'booked_on;amount;account;title\n\n2026-11-20;1,00;;"two\nlines"\n2026-11-20;x;;t\n'
    with pytest.raises(InvalidInput) as caught:
        parse_statement(data, "x.csv")
    assert "x.csv, line 5:" in caught.value.message


# -------------------------------------------------------------- format detection


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"{1:F01BPKOPLPWAXXX0000000000}{2:I940}{4:\n:20:X\n", "mt940"),
        (b":20:X\n:25:/PL1\n", "mt940"),
        (b"booked_on;amount;account\n", "csv"),
        (b"\xef\xbb\xbfData,Kwota,Rachunek\n", "csv"),
    ],
)
def test_detect_format(data, expected):
    assert detect_format(decode(data), "f") == expected


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("notes.txt", (DATA / "notes.txt").read_bytes(), "unknown_statement_format"),
        ("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "unknown_statement_format"),
        ("a;b.csv", b"name;surname\nAnna;Testowa\n", "unknown_statement_format"),
        ("empty.sta", b"\n\n", "empty_statement"),
    ],
)
def test_unknown_format_names_the_file_and_what_was_expected(name, data, code):
    with pytest.raises(InvalidInput) as caught:
        parse_statement(data, name)
    assert caught.value.code == code
    assert name in caught.value.message
    if code == "unknown_statement_format":
        assert "MT940" in caught.value.message
        assert "CSV" in caught.value.message


def test_forced_format_and_unknown_format_name():
    with pytest.raises(InvalidInput) as caught:
        parse_statement((DATA / "pko_tilde_2026-11-20.sta").read_bytes(), "p.sta", format="csv")
    assert caught.value.code == "csv_missing_columns"
    with pytest.raises(InvalidInput) as caught:
        parse_statement(b":20:X\n", "p.sta", format="pdf")
    assert caught.value.code == "unknown_statement_format"


def test_every_bad_record_is_reported_with_its_line() -> None:
    data = (
        b"booked_on;amount;account\n"
        b"2026-11-20;22,00;07109010140000000000000001\n"
        b"2026-02-30;22,00;07109010140000000000000001\n"
        b"2026-11-20;22,001;07109010140000000000000001\n"
        b"2026-11-20;22,00;07109010140000000000000002\n"
    )
    with pytest.raises(StatementErrors) as caught:
        parse_statement(data, "bad.csv")
    assert [(e.line, e.code, e.field) for e in caught.value.errors] == [
        (3, "invalid_date", "booked_on"),
        (4, "invalid_amount", "amount"),
        (5, "invalid_account_checksum", "account"),
    ]
    assert caught.value.code == "invalid_date"  # the command line prints the first
    assert caught.value.message.startswith("bad.csv, line 3:")
