"""Importing bank statements settles the students' fees, once, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from legitka.domain.errors import InvalidInput
from legitka.domain.fees import ChargeKind, ChargeStatus, PaymentSource
from legitka.registry.db import transaction
from legitka.registry.models import (
    AuditEvent,
    Charge,
    Payment,
    PaymentAllocation,
    PaymentStatus,
    Person,
    StatementImport,
    University,
)
from legitka.registry.services import els, fees, statements
from tests import builders

DATA = Path(__file__).parent.parent / "data" / "statements"
ACCOUNTS = (
    "07109010140000000000000001",
    "77109010140000000000000002",
    "50109010140000000000000003",
)
ALBUMS = ("100001", "100002", "100003")


@pytest.fixture
def register(sessions: sessionmaker[Session], clock) -> sessionmaker[Session]:
    """A university and three students, each owing the ELS fee of 22,00 zł."""
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        for album, account in zip(ALBUMS, ACCOUNTS, strict=True):
            study = builders.student(s, clock, uni, album=album, pesel=None)
            # the statement files in tests/data name these accounts
            assert s.get(Person, study.person_id).account_number == account
            els.charge_card_fee(s, clock, study, actor="office")
    return sessions


def run(sessions, clock, name, *, dry_run=False, data=None):
    with transaction(sessions) as s:
        uni = s.scalar(select(University).where(University.slug == "pd"))
        return statements.import_statement(
            s, clock, uni, name, data if data is not None else (DATA / name).read_bytes(),
            actor="office", dry_run=dry_run,
        )


def charges(sessions) -> dict[str, tuple[ChargeStatus, int]]:
    with sessions() as s:
        rows = s.execute(
            select(Person.account_number, Charge.status, Charge.paid_grosze)
            .join(Charge, Charge.person_id == Person.id)
            .order_by(Charge.id)
        ).all()
    return {ALBUMS[ACCOUNTS.index(a)]: (status, paid) for a, status, paid in rows}


def snapshot(sessions) -> tuple[int, ...]:
    with sessions() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(table))
            for table in (Payment, PaymentAllocation, StatementImport, AuditEvent)
        ) + tuple(s.scalars(select(Charge.paid_grosze).order_by(Charge.id)))


@pytest.mark.parametrize("name", ["pko_tilde_2026-11-20.sta", "wyciag_2026-11-20.csv"])
def test_statement_settles_full_partial_and_over_payments(register, clock, name):
    report = run(register, clock, name)
    assert report.counts() == {
        "transactions": 4, "matched": 3, "unmatched": 1, "duplicates": 0, "overpayments": 1,
        "skipped": 1,
    }
    assert charges(register) == {
        "100001": (ChargeStatus.PAID, 2200),
        "100002": (ChargeStatus.DUE, 1000),
        "100003": (ChargeStatus.PAID, 2200),
    }
    full, partial, over = report.matched
    assert (full.album_number, full.amount_grosze, full.credit_grosze) == ("100001", 2200, 0)
    assert [(c.kind, c.amount_grosze, c.paid_in_full) for c in full.charges] == [
        (ChargeKind.ELS, 2200, True)
    ]
    assert [(c.amount_grosze, c.paid_in_full, c.outstanding_grosze) for c in partial.charges] == [
        (1000, False, 1200)
    ]
    assert (over.album_number, over.credit_grosze) == ("100003", 2800)
    assert report.overpayments == (over,)
    (unmatched,) = report.unmatched
    assert (unmatched.account, unmatched.amount_grosze) == ("27109010140000000000000999", 2200)
    assert unmatched.line == (21 if name.endswith(".sta") else 5)
    assert report.skipped[0].reason == "debit"
    with register() as s:
        imported = s.scalar(select(StatementImport))
        assert (imported.sha256, imported.format, imported.filename) == (
            report.sha256, report.format, name,
        )
        assert (imported.transactions, imported.matched, imported.unmatched) == (4, 3, 1)
        assert imported.duplicates == 0
        assert report.statement_id == imported.id
        payments = s.scalars(select(Payment).order_by(Payment.id)).all()
        assert [p.status for p in payments] == [PaymentStatus.MATCHED] * 3 + [
            PaymentStatus.UNMATCHED
        ]
        assert {p.source for p in payments} == {
            PaymentSource.MT940 if name.endswith(".sta") else PaymentSource.CSV
        }
        assert all(p.statement_id == imported.id for p in payments)
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "statement.imported"))
        assert event.details["matched"] == 3
        assert "counterparty" not in event.details


def test_over_payment_credit_pays_a_later_charge(register, clock):
    run(register, clock, "wyciag_2026-11-20.csv")
    with transaction(register) as s:
        person = s.scalar(select(Person).where(Person.account_number == ACCOUNTS[2]))
        fees.add_charge(
            s, clock, person, kind=ChargeKind.ELS_DUPLICATE, amount_grosze=3300, due_date=None,
            actor="office",
        )
        duplicate = s.scalar(select(Charge).where(Charge.kind == ChargeKind.ELS_DUPLICATE))
        assert (duplicate.status, duplicate.paid_grosze) == (ChargeStatus.DUE, 2800)
        credit = s.scalar(select(Payment).where(Payment.person_id == person.id))
        assert credit.unallocated_grosze == 0


def test_reimport_changes_nothing_and_reports_duplicates(register, clock):
    first = run(register, clock, "pko_tilde_2026-11-20.sta")
    before = charges(register)
    with register() as s:
        payments = s.scalar(select(func.count()).select_from(Payment))
        allocations = s.scalar(select(func.count()).select_from(PaymentAllocation))
    again = run(register, clock, "pko_tilde_2026-11-20.sta")
    assert again.counts()["duplicates"] == 4
    assert (again.matched, again.unmatched) == ((), ())
    assert [d.line for d in again.duplicates] == [6, 11, 16, 21]
    assert again.previously_imported == (clock.now(),)
    assert first.previously_imported == ()
    assert charges(register) == before
    with register() as s:
        assert s.scalar(select(func.count()).select_from(Payment)) == payments
        assert s.scalar(select(func.count()).select_from(PaymentAllocation)) == allocations


@pytest.mark.parametrize("name", ["ing_angle_2026-11-21.sta", "export_2026-11-21.csv"])
def test_two_identical_transfers_in_one_file_both_count_once(register, clock, name):
    report = run(register, clock, name)
    assert [(m.album_number, m.amount_grosze) for m in report.matched] == [
        ("100002", 1100),
        ("100002", 1100),
    ]
    assert charges(register)["100002"] == (ChargeStatus.PAID, 2200)
    again = run(register, clock, name)
    assert (len(again.matched), len(again.duplicates)) == (0, 2)
    assert charges(register)["100002"] == (ChargeStatus.PAID, 2200)


def test_a_later_statement_that_repeats_a_day_adds_only_the_new_transfer(register, clock):
    one = "booked_on;amount;account;title\n2026-11-20;5,00;{a};ELS\n"
    two = one + "2026-11-20;5,00;{a};ELS\n"
    account = ACCOUNTS[0]
    run(register, clock, "a.csv", data=one.format(a=account).encode())
    report = run(register, clock, "b.csv", data=two.format(a=account).encode())
    assert (len(report.duplicates), len(report.matched)) == (1, 1)
    assert charges(register)["100001"] == (ChargeStatus.DUE, 1000)


@pytest.mark.parametrize(
    ("name", "code", "line"),
    [
        ("bad_amount.csv", "invalid_amount", 4),
        ("bad_date.csv", "invalid_date", 3),
        ("bad_account.csv", "invalid_account_checksum", 3),
        ("bad_amount.sta", "invalid_amount", 7),
        ("bad_date.sta", "invalid_date", 7),
        ("bad_account.sta", "invalid_account_checksum", 7),
        ("notes.txt", "unknown_statement_format", None),
    ],
)
def test_a_bad_file_imports_nothing(register, clock, name, code, line):
    before = snapshot(register)
    with pytest.raises(InvalidInput) as caught:
        run(register, clock, name)
    assert caught.value.code == code
    assert name in caught.value.message
    if line:
        assert f"line {line}:" in caught.value.message
    assert snapshot(register) == before


def test_dry_run_reports_the_same_and_changes_nothing(register, clock):
    before = snapshot(register)
    preview = run(register, clock, "pko_tilde_2026-11-20.sta", dry_run=True)
    assert preview.dry_run
    assert preview.statement_id is None
    assert snapshot(register) == before
    real = run(register, clock, "pko_tilde_2026-11-20.sta")
    assert preview.counts() == real.counts()
    assert preview.matched == real.matched
    assert preview.unmatched == real.unmatched


def test_report_as_json(register, clock):
    data = run(register, clock, "wyciag_2026-11-20.csv").to_json()
    assert data["counts"]["matched"] == 3
    assert data["matched"][0] == {
        "line": 2,
        "booked_on": "2026-11-20",
        "album_number": "100001",
        "amount_grosze": 2200,
        "charges": [
            {
                "charge_id": 1, "kind": "els", "amount_grosze": 2200, "paid_in_full": True,
                "outstanding_grosze": 0,
            }
        ],
        "credit_grosze": 0,
    }
    assert data["overpayments"] == [{"line": 4, "album_number": "100003", "credit_grosze": 2800}]
    assert data["unmatched"][0]["account"] == "27109010140000000000000999"
    assert data["skipped"] == [{"line": 6, "amount_grosze": -500, "reason": "debit"}]


def test_transfer_to_an_account_of_another_university_is_unmatched(register, clock):
    with transaction(register) as s:
        other = builders.university(s, clock, slug="other")
        builders.student(s, clock, other, album="900001", pesel=None)
        other_account = s.scalar(select(Person.account_number).where(Person.university_id == 2))
    data = f"booked_on;amount;account\n2026-11-20;22,00;{other_account}\n".encode()
    report = run(register, clock, "x.csv", data=data)
    assert len(report.unmatched) == 1
